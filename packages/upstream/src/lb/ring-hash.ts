import type { Host } from '../host.ts';
import type { LoadBalancer, LoadBalancerContext } from '../load-balancer.ts';
import { xxHash64 } from '../xxhash64.ts';
import { normalizeWeights } from './normalized-weights.ts';
import { random64 } from './random-source.ts';

/**
 * `RING_HASH`: Envoy's ketama-style ring. Each host is placed on a ring of 64-bit hashes
 * `xxHash64("<address>:<port>_<i>")` a number of times proportional to its weight (the ring has at
 * least `minimum_ring_size` entries when the weights allow, at most `maximum_ring_size`); a pick
 * takes the first entry at or after the context's hash, wrapping round. Removing a host moves only
 * the hashes that pointed at it.
 */
export class RingHashLoadBalancer implements LoadBalancer {
  /** The ring's hashes, ascending. */
  readonly hashes: BigUint64Array;
  /** The host of each ring entry. */
  private readonly entries: readonly Host[];

  constructor(hosts: readonly Host[], minRingSize: number, maxRingSize: number) {
    if (hosts.length === 0) {
      this.hashes = new BigUint64Array(0);
      this.entries = [];
      return;
    }
    const normalized = normalizeWeights(hosts);
    // Enough hashes that the lightest host gets a whole number of them, within the maximum.
    const scale = Math.min(Math.ceil(normalized.min * minRingSize) / normalized.min, maxRingSize);
    const ring: { hash: bigint; host: Host }[] = [];
    let current = 0;
    let target = 0;
    for (let h = 0; h < hosts.length; h++) {
      const host = hosts[h] as Host;
      target += scale * (normalized.weights[h] as number);
      let i = 0;
      // Running totals over the whole ring keep the entry count stable when weights are fractional.
      while (current < target) {
        ring.push({ hash: xxHash64(`${host.addressString}_${i}`), host });
        i++;
        current++;
      }
    }
    ring.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    this.hashes = BigUint64Array.from(ring, (entry) => entry.hash);
    this.entries = ring.map((entry) => entry.host);
  }

  /** Number of entries on the ring. */
  get size(): number {
    return this.entries.length;
  }

  chooseHost(context: LoadBalancerContext | null): Host | null {
    if (this.entries.length === 0) return null;
    const hash = context?.computeHashKey() ?? random64();
    return this.hostForHash(hash);
  }

  /** The host for an unsigned 64-bit hash: the first ring entry at or after it, wrapping. */
  hostForHash(hash: bigint): Host {
    const hashes = this.hashes;
    let low = 0;
    let high = hashes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((hashes[mid] as bigint) < hash) low = mid + 1;
      else high = mid;
    }
    return this.entries[low === hashes.length ? 0 : low] as Host;
  }
}
