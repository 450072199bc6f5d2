import type { HostSnapshot } from './cluster-snapshot.ts';
import { UNHEALTHY_FLAGS } from './health-flag.ts';
import { formatHostAddress } from './host-address.ts';
import { HostStat } from './host-stats.ts';

/**
 * One upstream host as a worker sees it (Envoy's `Upstream::Host`): where to connect, its weight
 * and health as of the snapshot the worker holds, and its stats in shared memory. Immutable; a
 * new snapshot brings new `Host` objects.
 */
export class Host {
  /** The IP address to connect to. */
  readonly address: string;
  readonly port: number;
  /** `127.0.0.1:80` or `[::1]:80`: what the hashing balancers hash, as Envoy does. */
  readonly addressString: string;
  /** The endpoint's `hostname` or the DNS name it came from; `''` for neither. */
  readonly hostname: string;
  readonly weight: number;
  readonly locality: HostSnapshot['locality'];
  /** `HealthFlag` bits. */
  readonly healthFlags: number;
  /** The shared stats block (indices from `HostStat`): update with `Atomics`. */
  readonly stats: Int32Array;

  constructor(snapshot: HostSnapshot) {
    this.address = snapshot.address;
    this.port = snapshot.port;
    this.addressString = formatHostAddress(snapshot.address, snapshot.port);
    this.hostname = snapshot.hostname;
    this.weight = snapshot.weight;
    this.locality = snapshot.locality;
    this.healthFlags = snapshot.healthFlags;
    this.stats = new Int32Array(snapshot.stats);
  }

  /** Whether the host takes traffic (no failing health flag). */
  healthy(): boolean {
    return (this.healthFlags & UNHEALTHY_FLAGS) === 0;
  }

  /** Requests (TCP: proxied connections) active on this host over every worker. */
  activeRequests(): number {
    return Atomics.load(this.stats, HostStat.rq_active);
  }
}
