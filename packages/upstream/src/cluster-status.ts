/**
 * The cluster manager's state as the admin's `/clusters` prints it. Structurally the
 * `ClusterStatus` of `@nuncio/admin`'s `ClusterManagerView`, so a cluster manager can be handed to
 * the admin as it is (without this package depending on the admin).
 */

/** A circuit breaker's limits for one priority. */
export interface CircuitBreakerLimitsStatus {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

/** One host, with its health flags, weight and per-host stats. */
export interface HostStatus {
  readonly address: { readonly address: string; readonly port: number };
  readonly hostname: string;
  /** Envoy's flag names (`failed_active_hc`, ...); empty when healthy. */
  readonly healthFlags: readonly ('failed_active_hc' | 'pending_active_hc' | 'active_hc_timeout')[];
  readonly weight: number;
  readonly priority: number;
  readonly canary: boolean;
  readonly locality: { readonly region: string; readonly zone: string; readonly subZone: string };
  /** -1: Nuncio has no outlier detection. */
  readonly successRate: number;
  readonly localOriginSuccessRate: number;
  /** `cx_connect_fail`, `cx_total`, `rq_error`, `rq_success`, `rq_timeout`, `rq_total`. */
  readonly counters: Readonly<Record<string, number>>;
  /** `cx_active`, `rq_active`. */
  readonly gauges: Readonly<Record<string, number>>;
}

/** One cluster. */
export interface ClusterStatus {
  readonly name: string;
  readonly observabilityName: string;
  readonly addedViaApi: boolean;
  readonly edsServiceName: string;
  readonly circuitBreakers: {
    readonly default: CircuitBreakerLimitsStatus;
    readonly high: CircuitBreakerLimitsStatus;
  };
  readonly outlierDetector: null;
  readonly hosts: readonly HostStatus[];
}
