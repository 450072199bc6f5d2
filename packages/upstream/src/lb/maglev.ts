import type { Host } from '../host.ts';
import type { LoadBalancer, LoadBalancerContext } from '../load-balancer.ts';
import { xxHash64 } from '../xxhash64.ts';
import { normalizeWeights } from './normalized-weights.ts';
import { random64 } from './random-source.ts';

/**
 * `MAGLEV`: Google's Maglev lookup table as Envoy builds it. Hosts are sorted by their address
 * string; each gets an offset `xxHash64(key) % size` and a skip `xxHash64(key, seed 1) % (size - 1)
 * + 1`, and the hosts take turns (a host of weight w every max/w turns) claiming their next free
 * slot of the permutation `offset + skip * j`. A pick is `table[hash % size]`. Removing a host
 * moves mostly the slots it held.
 */
export class MaglevLoadBalancer implements LoadBalancer {
  /** The table: an index into `hosts` per slot. */
  readonly table: Int32Array;
  readonly hosts: readonly Host[];
  private readonly tableSize: bigint;

  constructor(hosts: readonly Host[], tableSize: number) {
    this.tableSize = BigInt(tableSize);
    if (hosts.length === 0) {
      this.table = new Int32Array(0);
      this.hosts = [];
      return;
    }
    const normalized = normalizeWeights(hosts);
    const sorted = hosts
      .map((host, i) => ({
        key: host.addressString,
        host,
        weight: normalized.weights[i] as number,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const size = tableSize;
    const bigSize = this.tableSize;
    const offsets = new Float64Array(sorted.length);
    const skips = new Float64Array(sorted.length);
    const next = new Float64Array(sorted.length);
    const targets = new Float64Array(sorted.length);
    sorted.forEach((entry, i) => {
      offsets[i] = Number(xxHash64(entry.key) % bigSize);
      skips[i] = Number(xxHash64(entry.key, 1n) % (bigSize - 1n)) + 1;
    });
    const table = new Int32Array(size).fill(-1);
    const max = normalized.max;
    let filled = 0;
    for (let iteration = 1; filled < size; iteration++) {
      for (let i = 0; i < sorted.length && filled < size; i++) {
        const weight = (sorted[i] as { weight: number }).weight;
        // A host of weight max/k takes a turn every k iterations.
        if (iteration * weight < (targets[i] as number)) continue;
        targets[i] = (targets[i] as number) + max;
        let slot = ((offsets[i] as number) + (skips[i] as number) * (next[i] as number)) % size;
        while ((table[slot] as number) !== -1) {
          next[i] = (next[i] as number) + 1;
          slot = ((offsets[i] as number) + (skips[i] as number) * (next[i] as number)) % size;
        }
        table[slot] = i;
        next[i] = (next[i] as number) + 1;
        filled++;
      }
    }
    this.table = table;
    this.hosts = sorted.map((entry) => entry.host);
  }

  chooseHost(context: LoadBalancerContext | null): Host | null {
    if (this.hosts.length === 0) return null;
    const hash = context?.computeHashKey() ?? random64();
    return this.hostForHash(hash);
  }

  /** The host of slot `hash % size`. */
  hostForHash(hash: bigint): Host {
    return this.hosts[this.table[Number(hash % this.tableSize)] as number] as Host;
  }
}
