import type { NetworkAddress } from './network-address.ts';

/**
 * Envoy's host health flags (`Upstream::Host::HealthFlag`), named as `/clusters` prints them in
 * `health_flags` (`/failed_active_hc/failed_outlier_check`, or `healthy` when none is set).
 */
export const HealthFlag = {
  FailedActiveHc: 'failed_active_hc',
  FailedOutlierCheck: 'failed_outlier_check',
  FailedEdsHealth: 'failed_eds_health',
  DegradedActiveHc: 'degraded_active_hc',
  DegradedEdsHealth: 'degraded_eds_health',
  PendingDynamicRemoval: 'pending_dynamic_removal',
  PendingActiveHc: 'pending_active_hc',
  ExcludedViaImmediateHcFail: 'excluded_via_immediate_hc_fail',
  ActiveHcTimeout: 'active_hc_timeout',
  EdsStatusDraining: 'eds_status_draining',
} as const;

/** One of the {@link HealthFlag} values. */
export type HealthFlag = (typeof HealthFlag)[keyof typeof HealthFlag];

/** A circuit breaker's limits for one routing priority (Envoy's defaults: 1024, 1024, 1024, 3). */
export interface CircuitBreakerLimits {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

/** A cluster's outlier detector figures, when it has one. Rates are percentages; -1 when unknown. */
export interface OutlierDetectorStatus {
  readonly successRateAverage: number;
  readonly successRateEjectionThreshold: number;
  readonly localOriginSuccessRateAverage: number;
  readonly localOriginSuccessRateEjectionThreshold: number;
}

/** Where a host is (Envoy's `Locality`); empty strings when unset. */
export interface HostLocality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

/** One upstream host of a cluster, as `/clusters` shows it. */
export interface HostStatus {
  readonly address: NetworkAddress;
  /** The host's `hostname` (empty when it has none). */
  readonly hostname: string;
  /** The flags set on the host; empty when it is healthy. */
  readonly healthFlags: readonly HealthFlag[];
  readonly weight: number;
  readonly priority: number;
  readonly canary: boolean;
  readonly locality: HostLocality;
  /** Success rate in percent from the outlier detector (external origin); -1 when unknown. */
  readonly successRate: number;
  /** Success rate in percent for locally originated errors; -1 when unknown. */
  readonly localOriginSuccessRate: number;
  /** Per-host counters by short name (`cx_total`, `rq_success`, ...). */
  readonly counters: Readonly<Record<string, number>>;
  /** Per-host gauges by short name (`cx_active`, `rq_active`). */
  readonly gauges: Readonly<Record<string, number>>;
}

/** One cluster as `/clusters` shows it. */
export interface ClusterStatus {
  readonly name: string;
  /** The name used in stats (`alt_stat_name`), or the cluster's name. */
  readonly observabilityName: string;
  readonly addedViaApi: boolean;
  /** The cluster's EDS service name; empty when it has none. */
  readonly edsServiceName: string;
  readonly circuitBreakers: {
    readonly default: CircuitBreakerLimits;
    readonly high: CircuitBreakerLimits;
  };
  /** Null when the cluster has no outlier detection. */
  readonly outlierDetector: OutlierDetectorStatus | null;
  /** Every host of every priority, in priority order. */
  readonly hosts: readonly HostStatus[];
}

/**
 * The cluster manager as the admin reads it: Envoy's `ClusterManager::clusters()` reduced to what
 * `/clusters` prints. Implemented by the cluster manager on the main thread (the L4 data path);
 * called on the main thread, once per request.
 */
export interface ClusterManagerView {
  /** The active clusters, in the order to print them. */
  clusters(): readonly ClusterStatus[];
}
