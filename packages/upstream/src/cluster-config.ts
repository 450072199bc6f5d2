import type {
  ClusterInput,
  HealthCheckInput,
  PayloadInput,
  ThresholdsInput,
} from './cluster-input.ts';
import { durationMs } from './duration.ts';
import { invalidCluster } from './errors.ts';

/** Envoy's cluster discovery types that Nuncio implements. */
export const DiscoveryType = {
  Static: 'STATIC',
  StrictDns: 'STRICT_DNS',
  LogicalDns: 'LOGICAL_DNS',
} as const;
/** One of the {@link DiscoveryType} values. */
export type DiscoveryType = (typeof DiscoveryType)[keyof typeof DiscoveryType];

/** Envoy's load-balancing policies that Nuncio implements. */
export const LbPolicy = {
  RoundRobin: 'ROUND_ROBIN',
  LeastRequest: 'LEAST_REQUEST',
  Random: 'RANDOM',
  RingHash: 'RING_HASH',
  Maglev: 'MAGLEV',
} as const;
/** One of the {@link LbPolicy} values. */
export type LbPolicy = (typeof LbPolicy)[keyof typeof LbPolicy];

/** Envoy's `DnsLookupFamily`. */
export type DnsLookupFamily = 'AUTO' | 'V4_ONLY' | 'V6_ONLY' | 'V4_PREFERRED' | 'ALL';

/** A circuit breaker's limits for one routing priority. */
export interface CircuitBreakerThresholds {
  readonly maxConnections: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
  /** Publish `remaining_*` gauges (Envoy's `track_remaining`). */
  readonly trackRemaining: boolean;
}

/** One endpoint of a cluster's `load_assignment`, flattened. */
export interface EndpointConfig {
  /** An IP address (STATIC) or a name to resolve (STRICT_DNS, LOGICAL_DNS). */
  readonly address: string;
  readonly port: number;
  /** The load-balancing weight, 1 to 2^32-1 (default 1). */
  readonly weight: number;
  /** The endpoint's `hostname` (shown by `/clusters`), `''` when unset. */
  readonly hostname: string;
  readonly locality: { readonly region: string; readonly zone: string; readonly subZone: string };
}

/** An active health check, resolved: every interval in milliseconds, payloads as bytes. */
export interface HealthCheckConfig {
  readonly kind: 'tcp' | 'http';
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly unhealthyIntervalMs: number;
  readonly healthyEdgeIntervalMs: number;
  readonly unhealthyEdgeIntervalMs: number;
  /** Used while the cluster has never carried a connection (Envoy's default 60 s). */
  readonly noTrafficIntervalMs: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
  readonly reuseConnection: boolean;
  /** TCP: bytes to send after connecting (none: a connect-only check). */
  readonly send: Uint8Array | null;
  /** TCP: byte blocks the response must contain, in order (none: any response, or none). */
  readonly receive: readonly Uint8Array[];
  /** HTTP: the request path. */
  readonly path: string;
  /** HTTP: the `Host` header (default: the cluster's name). */
  readonly host: string;
}

/**
 * A cluster's configuration, checked and resolved to plain, cloneable data with Envoy's defaults
 * filled in. What the cluster manager keeps and what every worker's snapshot carries.
 */
export interface ClusterConfig {
  readonly name: string;
  /** The name in stats: `alt_stat_name`, or the cluster's name. */
  readonly observabilityName: string;
  readonly type: DiscoveryType;
  readonly lbPolicy: LbPolicy;
  readonly connectTimeoutMs: number;
  readonly perConnectionBufferLimitBytes: number;
  readonly dnsRefreshRateMs: number;
  readonly dnsLookupFamily: DnsLookupFamily;
  readonly endpoints: readonly EndpointConfig[];
  readonly circuitBreakers: {
    readonly default: CircuitBreakerThresholds;
    readonly high: CircuitBreakerThresholds;
  };
  readonly healthChecks: readonly HealthCheckConfig[];
  /** `LEAST_REQUEST`: hosts compared per pick (Envoy's default 2: the power of two choices). */
  readonly choiceCount: number;
  /** `RING_HASH`: Envoy's defaults 1024 and 8M. */
  readonly minimumRingSize: number;
  readonly maximumRingSize: number;
  /** `MAGLEV`: a prime, Envoy's default 65537. */
  readonly maglevTableSize: number;
}

/** Envoy's default `connect_timeout`: 5 s. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
/** Envoy's default `per_connection_buffer_limit_bytes`: 1 MiB. */
export const DEFAULT_CLUSTER_BUFFER_LIMIT_BYTES = 1024 * 1024;
/** Envoy's default `dns_refresh_rate`: 5 s. */
export const DEFAULT_DNS_REFRESH_RATE_MS = 5000;
/** Envoy's default `no_traffic_interval`: 60 s. */
export const DEFAULT_NO_TRAFFIC_INTERVAL_MS = 60_000;
/** Envoy's default Maglev table size (a prime). */
export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;
/** Envoy's default ring sizes. */
export const DEFAULT_MIN_RING_SIZE = 1024;
export const DEFAULT_MAX_RING_SIZE = 8 * 1024 * 1024;

const DEFAULT_THRESHOLDS: CircuitBreakerThresholds = Object.freeze({
  maxConnections: 1024,
  maxPendingRequests: 1024,
  maxRequests: 1024,
  maxRetries: 3,
  trackRemaining: false,
});

const DISCOVERY_TYPES = new Set<string>(Object.values(DiscoveryType));
const LB_POLICIES = new Set<string>(Object.values(LbPolicy));
const LOOKUP_FAMILIES = new Set<string>(['AUTO', 'V4_ONLY', 'V6_ONLY', 'V4_PREFERRED', 'ALL']);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `text` is an IPv4 or IPv6 literal. */
export function isIpAddress(text: string): boolean {
  if (IPV4.test(text)) return true;
  return text.includes(':') && /^[0-9a-fA-F:.]+$/.test(text);
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

function positiveInteger(
  cluster: string,
  field: string,
  value: number | bigint | undefined,
  fallback: number,
  max = 0xffffffff,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw invalidCluster(cluster, field, `${String(value)} is not an integer from 1 to ${max}`);
  }
  return n;
}

function nonNegativeInteger(
  cluster: string,
  field: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw invalidCluster(cluster, field, `${String(value)} is not an integer from 0 to 4294967295`);
  }
  return value;
}

function positiveDuration(
  cluster: string,
  field: string,
  value: Parameters<typeof durationMs>[0],
  fallback: number,
): number {
  const ms = durationMs(value, fallback);
  if (!(ms > 0) || ms > 2_147_483_647) {
    throw invalidCluster(cluster, field, 'must be a duration above 0 and below 24.8 days');
  }
  return ms;
}

function hexPayload(cluster: string, field: string, payload: PayloadInput): Uint8Array {
  if (payload.binary !== undefined && payload.binary.length > 0)
    return new Uint8Array(payload.binary);
  const text = payload.text ?? '';
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw invalidCluster(cluster, `${field}.text`, `'${text}' is not hex-encoded bytes`);
  }
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function thresholds(
  cluster: string,
  field: string,
  input: ThresholdsInput | undefined,
): CircuitBreakerThresholds {
  if (input === undefined) return DEFAULT_THRESHOLDS;
  return {
    maxConnections: nonNegativeInteger(
      cluster,
      `${field}.max_connections`,
      input.maxConnections,
      1024,
    ),
    maxPendingRequests: nonNegativeInteger(
      cluster,
      `${field}.max_pending_requests`,
      input.maxPendingRequests,
      1024,
    ),
    maxRequests: nonNegativeInteger(cluster, `${field}.max_requests`, input.maxRequests, 1024),
    maxRetries: nonNegativeInteger(cluster, `${field}.max_retries`, input.maxRetries, 3),
    trackRemaining: input.trackRemaining === true,
  };
}

function healthCheck(cluster: string, index: number, input: HealthCheckInput): HealthCheckConfig {
  const at = `health_checks[${index}]`;
  if (input.timeout === undefined) throw invalidCluster(cluster, `${at}.timeout`, 'is required');
  if (input.interval === undefined) throw invalidCluster(cluster, `${at}.interval`, 'is required');
  if (input.unhealthyThreshold === undefined) {
    throw invalidCluster(cluster, `${at}.unhealthy_threshold`, 'is required');
  }
  if (input.healthyThreshold === undefined) {
    throw invalidCluster(cluster, `${at}.healthy_threshold`, 'is required');
  }
  const tcp = input.tcpHealthCheck;
  const http = input.httpHealthCheck;
  if ((tcp === undefined) === (http === undefined)) {
    throw invalidCluster(
      cluster,
      at,
      'exactly one of tcp_health_check and http_health_check must be set (Nuncio implements these two)',
    );
  }
  const intervalMs = positiveDuration(cluster, `${at}.interval`, input.interval, 0);
  const unhealthyIntervalMs = positiveDuration(
    cluster,
    `${at}.unhealthy_interval`,
    input.unhealthyInterval,
    intervalMs,
  );
  let path = '';
  if (http !== undefined) {
    path = http.path ?? '';
    if (path === '' || !path.startsWith('/')) {
      throw invalidCluster(
        cluster,
        `${at}.http_health_check.path`,
        `'${path}' must be a path starting with '/'`,
      );
    }
  }
  return {
    kind: tcp !== undefined ? 'tcp' : 'http',
    timeoutMs: positiveDuration(cluster, `${at}.timeout`, input.timeout, 0),
    intervalMs,
    unhealthyIntervalMs,
    healthyEdgeIntervalMs: positiveDuration(
      cluster,
      `${at}.healthy_edge_interval`,
      input.healthyEdgeInterval,
      intervalMs,
    ),
    unhealthyEdgeIntervalMs: positiveDuration(
      cluster,
      `${at}.unhealthy_edge_interval`,
      input.unhealthyEdgeInterval,
      unhealthyIntervalMs,
    ),
    noTrafficIntervalMs: positiveDuration(
      cluster,
      `${at}.no_traffic_interval`,
      input.noTrafficInterval,
      DEFAULT_NO_TRAFFIC_INTERVAL_MS,
    ),
    unhealthyThreshold: positiveInteger(
      cluster,
      `${at}.unhealthy_threshold`,
      input.unhealthyThreshold,
      1,
    ),
    healthyThreshold: positiveInteger(
      cluster,
      `${at}.healthy_threshold`,
      input.healthyThreshold,
      1,
    ),
    reuseConnection: input.reuseConnection ?? true,
    send:
      tcp?.send !== undefined && (tcp.send.text || tcp.send.binary?.length)
        ? hexPayload(cluster, `${at}.tcp_health_check.send`, tcp.send)
        : null,
    receive: (tcp?.receive ?? []).map((payload, i) =>
      hexPayload(cluster, `${at}.tcp_health_check.receive[${i}]`, payload),
    ),
    path,
    host: http?.host || cluster,
  };
}

/**
 * Checks a cluster's configuration and resolves it, with Envoy's defaults. Throws
 * `NUNCIO_ERR_UPSTREAM_INVALID_CLUSTER` naming the cluster and the field: an unknown type or load
 * balancer, a STATIC endpoint that is not an IP address, a LOGICAL_DNS cluster with more than one
 * endpoint, a Maglev table size that is not prime, a missing health-check field...
 */
export function parseClusterConfig(input: ClusterInput): ClusterConfig {
  const name = input.name;
  if (typeof name !== 'string' || name === '') {
    throw invalidCluster(String(name ?? ''), 'name', 'a cluster needs a non-empty name');
  }
  const type = input.type ?? DiscoveryType.Static;
  if (!DISCOVERY_TYPES.has(type)) {
    throw invalidCluster(
      name,
      'type',
      `${type} is not implemented (STATIC, STRICT_DNS, LOGICAL_DNS)`,
    );
  }
  const lbPolicy = input.lbPolicy ?? LbPolicy.RoundRobin;
  if (!LB_POLICIES.has(lbPolicy)) {
    throw invalidCluster(
      name,
      'lb_policy',
      `${lbPolicy} is not implemented (ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV)`,
    );
  }
  const family = input.dnsLookupFamily ?? 'AUTO';
  if (!LOOKUP_FAMILIES.has(family)) {
    throw invalidCluster(name, 'dns_lookup_family', `${family} is not a DnsLookupFamily`);
  }
  const endpoints: EndpointConfig[] = [];
  (input.loadAssignment?.endpoints ?? []).forEach((locality, i) => {
    (locality.lbEndpoints ?? []).forEach((lbEndpoint, j) => {
      const at = `load_assignment.endpoints[${i}].lb_endpoints[${j}]`;
      const socket = lbEndpoint.endpoint?.address?.socketAddress;
      if (socket === undefined) {
        throw invalidCluster(name, `${at}.endpoint.address`, 'must be a socket address');
      }
      if (socket.protocol !== undefined && socket.protocol !== 'TCP') {
        throw invalidCluster(
          name,
          `${at}.endpoint.address.socket_address.protocol`,
          `${socket.protocol} is not supported (TCP only)`,
        );
      }
      const port = socket.portValue ?? 0;
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw invalidCluster(
          name,
          `${at}.endpoint.address.socket_address.port_value`,
          `${port} is not a port`,
        );
      }
      if (typeof socket.address !== 'string' || socket.address === '') {
        throw invalidCluster(
          name,
          `${at}.endpoint.address.socket_address.address`,
          'must not be empty',
        );
      }
      if (type === DiscoveryType.Static && !isIpAddress(socket.address)) {
        throw invalidCluster(
          name,
          `${at}.endpoint.address.socket_address.address`,
          `malformed IP address: ${socket.address} (STATIC clusters need IP addresses; use STRICT_DNS to resolve names)`,
        );
      }
      endpoints.push({
        address: socket.address,
        port,
        weight: positiveInteger(
          name,
          `${at}.load_balancing_weight`,
          lbEndpoint.loadBalancingWeight,
          1,
        ),
        hostname: lbEndpoint.endpoint?.hostname ?? '',
        locality: {
          region: locality.locality?.region ?? '',
          zone: locality.locality?.zone ?? '',
          subZone: locality.locality?.subZone ?? '',
        },
      });
    });
  });
  if (type === DiscoveryType.LogicalDns && endpoints.length !== 1) {
    throw invalidCluster(
      name,
      'load_assignment',
      'LOGICAL_DNS clusters must have a single locality_lb_endpoint and a single lb_endpoint',
    );
  }
  let defaultThresholds: ThresholdsInput | undefined;
  let highThresholds: ThresholdsInput | undefined;
  for (const entry of input.circuitBreakers?.thresholds ?? []) {
    if ((entry.priority ?? 'DEFAULT') === 'HIGH') highThresholds = entry;
    else defaultThresholds = entry;
  }
  const hashFunction = input.ringHashLbConfig?.hashFunction ?? 'XX_HASH';
  if (hashFunction !== 'XX_HASH') {
    throw invalidCluster(
      name,
      'ring_hash_lb_config.hash_function',
      `${hashFunction} is not implemented (XX_HASH)`,
    );
  }
  const minimumRingSize = positiveInteger(
    name,
    'ring_hash_lb_config.minimum_ring_size',
    input.ringHashLbConfig?.minimumRingSize,
    DEFAULT_MIN_RING_SIZE,
    DEFAULT_MAX_RING_SIZE,
  );
  const maximumRingSize = positiveInteger(
    name,
    'ring_hash_lb_config.maximum_ring_size',
    input.ringHashLbConfig?.maximumRingSize,
    DEFAULT_MAX_RING_SIZE,
    DEFAULT_MAX_RING_SIZE,
  );
  if (minimumRingSize > maximumRingSize) {
    throw invalidCluster(
      name,
      'ring_hash_lb_config',
      `ring hash: minimum_ring_size (${minimumRingSize}) > maximum_ring_size (${maximumRingSize})`,
    );
  }
  const maglevTableSize = positiveInteger(
    name,
    'maglev_lb_config.table_size',
    input.maglevLbConfig?.tableSize,
    DEFAULT_MAGLEV_TABLE_SIZE,
    5_000_011,
  );
  if (!isPrime(maglevTableSize)) {
    throw invalidCluster(
      name,
      'maglev_lb_config.table_size',
      'The table size of maglev must be prime number',
    );
  }
  const bufferLimit = input.perConnectionBufferLimitBytes ?? DEFAULT_CLUSTER_BUFFER_LIMIT_BYTES;
  if (!Number.isSafeInteger(bufferLimit) || bufferLimit < 0) {
    throw invalidCluster(
      name,
      'per_connection_buffer_limit_bytes',
      `${bufferLimit} is not a byte count`,
    );
  }
  if ((input.healthChecks ?? []).length > 1) {
    throw invalidCluster(
      name,
      'health_checks',
      'more than one health check per cluster is not implemented',
    );
  }
  return {
    name,
    observabilityName: input.altStatName || name,
    type: type as DiscoveryType,
    lbPolicy: lbPolicy as LbPolicy,
    connectTimeoutMs: positiveDuration(
      name,
      'connect_timeout',
      input.connectTimeout,
      DEFAULT_CONNECT_TIMEOUT_MS,
    ),
    perConnectionBufferLimitBytes: bufferLimit,
    dnsRefreshRateMs: positiveDuration(
      name,
      'dns_refresh_rate',
      input.dnsRefreshRate,
      DEFAULT_DNS_REFRESH_RATE_MS,
    ),
    dnsLookupFamily: family as DnsLookupFamily,
    endpoints,
    circuitBreakers: {
      default: thresholds(name, 'circuit_breakers.thresholds[DEFAULT]', defaultThresholds),
      high: thresholds(name, 'circuit_breakers.thresholds[HIGH]', highThresholds),
    },
    healthChecks: (input.healthChecks ?? []).map((check, i) => healthCheck(name, i, check)),
    choiceCount: positiveInteger(
      name,
      'least_request_lb_config.choice_count',
      input.leastRequestLbConfig?.choiceCount,
      2,
    ),
    minimumRingSize,
    maximumRingSize,
    maglevTableSize,
  };
}
