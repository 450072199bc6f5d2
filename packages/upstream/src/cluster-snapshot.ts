import type { ClusterConfig } from './cluster-config.ts';

/** One host of a {@link ClusterSnapshot}: plain data, and a shared stats block. */
export interface HostSnapshot {
  /** The IP address connections go to (resolved, for DNS clusters). */
  readonly address: string;
  readonly port: number;
  /** The endpoint's `hostname`, or the DNS name it was resolved from; `''` for neither. */
  readonly hostname: string;
  readonly weight: number;
  readonly locality: { readonly region: string; readonly zone: string; readonly subZone: string };
  /** {@link HealthFlag} bits. */
  readonly healthFlags: number;
  /** The host's stats block (see `HostStat`), shared by every thread. */
  readonly stats: SharedArrayBuffer;
}

/** One cluster as the workers see it. */
export interface ClusterSnapshot {
  readonly config: ClusterConfig;
  /**
   * Identifies this incarnation of the cluster: a new value when the cluster is added or its
   * config changes (a worker then builds a new thread-local cluster).
   */
  readonly generation: number;
  /** Increases whenever the hosts or their health change (a worker then rebuilds its balancer). */
  readonly version: number;
  readonly hosts: readonly HostSnapshot[];
  /** The circuit breakers' counts, shared by every thread. */
  readonly resources: SharedArrayBuffer;
}

/** What the main thread publishes to every worker: every active cluster. */
export interface ClusterManagerSnapshot {
  readonly clusters: readonly ClusterSnapshot[];
}
