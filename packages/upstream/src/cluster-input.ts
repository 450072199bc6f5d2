/**
 * The cluster configuration this package reads: Envoy's `envoy.config.cluster.v3.Cluster` with only
 * the fields Nuncio implements, all optional but the name. A `Cluster` decoded by `@nuncio/config`
 * (JSON names, durations as `{ seconds, nanos }`, 64-bit integers as `bigint`) is one as it is; so
 * is the same object written by hand.
 */

import type { DurationInput } from './duration.ts';

/** `envoy.config.core.v3.SocketAddress`, the fields a cluster endpoint uses. */
export interface SocketAddressInput {
  readonly address: string;
  readonly portValue?: number;
  readonly protocol?: string;
}

/** `envoy.config.endpoint.v3.LbEndpoint`. */
export interface LbEndpointInput {
  readonly endpoint?: {
    readonly address?: { readonly socketAddress?: SocketAddressInput };
    /** Shown by the admin's `/clusters`. */
    readonly hostname?: string;
  };
  /** 1 when unset (Envoy's default). */
  readonly loadBalancingWeight?: number;
}

/** `envoy.config.endpoint.v3.LocalityLbEndpoints`. */
export interface LocalityLbEndpointsInput {
  readonly locality?: {
    readonly region?: string;
    readonly zone?: string;
    readonly subZone?: string;
  };
  readonly lbEndpoints?: readonly LbEndpointInput[];
}

/** `envoy.config.core.v3.HealthCheck.Payload`: `text` is hex, as in Envoy. */
export interface PayloadInput {
  readonly text?: string;
  readonly binary?: Uint8Array;
}

/** `envoy.config.core.v3.HealthCheck`. */
export interface HealthCheckInput {
  readonly timeout?: DurationInput;
  readonly interval?: DurationInput;
  readonly unhealthyThreshold?: number;
  readonly healthyThreshold?: number;
  readonly reuseConnection?: boolean;
  readonly noTrafficInterval?: DurationInput;
  readonly unhealthyInterval?: DurationInput;
  readonly healthyEdgeInterval?: DurationInput;
  readonly unhealthyEdgeInterval?: DurationInput;
  readonly tcpHealthCheck?: {
    readonly send?: PayloadInput;
    readonly receive?: readonly PayloadInput[];
  };
  readonly httpHealthCheck?: {
    readonly host?: string;
    readonly path?: string;
  };
}

/** `envoy.config.cluster.v3.CircuitBreakers.Thresholds`. */
export interface ThresholdsInput {
  readonly priority?: string;
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRetries?: number;
  readonly trackRemaining?: boolean;
}

/** `envoy.config.cluster.v3.Cluster`, the fields Nuncio implements. */
export interface ClusterInput {
  readonly name: string;
  /** Used in stats names instead of `name` when set. */
  readonly altStatName?: string;
  /** `STATIC` (default), `STRICT_DNS` or `LOGICAL_DNS`. */
  readonly type?: string;
  /** `ROUND_ROBIN` (default), `LEAST_REQUEST`, `RANDOM`, `RING_HASH` or `MAGLEV`. */
  readonly lbPolicy?: string;
  /** Default 5 s. */
  readonly connectTimeout?: DurationInput;
  /** Default 1 MiB. */
  readonly perConnectionBufferLimitBytes?: number;
  readonly loadAssignment?: {
    readonly clusterName?: string;
    readonly endpoints?: readonly LocalityLbEndpointsInput[];
  };
  readonly healthChecks?: readonly HealthCheckInput[];
  readonly circuitBreakers?: { readonly thresholds?: readonly ThresholdsInput[] };
  /** Default 5 s. */
  readonly dnsRefreshRate?: DurationInput;
  /** `AUTO` (default: IPv6 if the name has any, else IPv4), `V4_ONLY`, `V6_ONLY`, `V4_PREFERRED`, `ALL`. */
  readonly dnsLookupFamily?: string;
  readonly leastRequestLbConfig?: { readonly choiceCount?: number };
  readonly ringHashLbConfig?: {
    readonly minimumRingSize?: bigint | number;
    readonly maximumRingSize?: bigint | number;
    readonly hashFunction?: string;
  };
  readonly maglevLbConfig?: { readonly tableSize?: bigint | number };
}
