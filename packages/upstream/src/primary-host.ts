import type { EndpointConfig } from './cluster-config.ts';
import type { HostSnapshot } from './cluster-snapshot.ts';
import { createHostStatsBuffer } from './host-stats.ts';

/**
 * A host as the main thread keeps it: membership and health are decided here, then published.
 * The address can change (a LOGICAL_DNS host follows its name); stats and health stay with the
 * object.
 */
export class PrimaryHost {
  address: string;
  readonly port: number;
  readonly hostname: string;
  readonly weight: number;
  readonly locality: EndpointConfig['locality'];
  /** `HealthFlag` bits. */
  healthFlags: number;
  readonly stats: SharedArrayBuffer;

  constructor(address: string, endpoint: EndpointConfig, hostname: string, healthFlags: number) {
    this.address = address;
    this.port = endpoint.port;
    this.hostname = hostname;
    this.weight = endpoint.weight;
    this.locality = endpoint.locality;
    this.healthFlags = healthFlags;
    this.stats = createHostStatsBuffer();
  }

  /** The host's data for a snapshot. */
  snapshot(): HostSnapshot {
    return {
      address: this.address,
      port: this.port,
      hostname: this.hostname,
      weight: this.weight,
      locality: this.locality,
      healthFlags: this.healthFlags,
      stats: this.stats,
    };
  }
}
