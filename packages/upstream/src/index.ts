/**
 * Envoy's upstream clusters for Node.js worker threads: the main thread's cluster manager (STATIC,
 * STRICT_DNS and LOGICAL_DNS clusters, weighted endpoints, circuit breakers, active TCP and HTTP
 * health checks) publishes read-only snapshots through a thread-local slot; each worker keeps
 * thread-local clusters with its own load balancers (round robin, least request, random, ring
 * hash, Maglev) and TCP connection pools.
 * @packageDocumentation
 */

export {
  type CircuitBreakerThresholds,
  type ClusterConfig,
  DEFAULT_CLUSTER_BUFFER_LIMIT_BYTES,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_DNS_REFRESH_RATE_MS,
  DEFAULT_MAGLEV_TABLE_SIZE,
  DEFAULT_MAX_RING_SIZE,
  DEFAULT_MIN_RING_SIZE,
  DEFAULT_NO_TRAFFIC_INTERVAL_MS,
  DiscoveryType,
  type DnsLookupFamily,
  type EndpointConfig,
  type HealthCheckConfig,
  LbPolicy,
  parseClusterConfig,
} from './cluster-config.ts';
export { ClusterInfo } from './cluster-info.ts';
export type {
  ClusterInput,
  HealthCheckInput,
  LbEndpointInput,
  LocalityLbEndpointsInput,
  PayloadInput,
  SocketAddressInput,
  ThresholdsInput,
} from './cluster-input.ts';
export type { ClusterManager, ClusterUpdateResult } from './cluster-manager.ts';
export { type ClusterManagerOptions, createClusterManager } from './cluster-manager-impl.ts';
export type { ClusterManagerSnapshot, ClusterSnapshot, HostSnapshot } from './cluster-snapshot.ts';
export { CircuitBreakerStats, ClusterTrafficStats } from './cluster-stats.ts';
export type {
  CircuitBreakerLimitsStatus,
  ClusterStatus,
  HostStatus,
} from './cluster-status.ts';
export { type DnsLookup, systemDnsLookup } from './dns-lookup.ts';
export {
  ClusterConfigError,
  UpstreamError,
  UpstreamErrorCode,
} from './errors.ts';
export { HealthFlag, healthFlagNames } from './health-flag.ts';
export { Host } from './host.ts';
export { formatHostAddress } from './host-address.ts';
export { HostStat, type HostStatName, readHostStats } from './host-stats.ts';
export { createLoadBalancer } from './lb/create-load-balancer.ts';
export { EdfScheduler } from './lb/edf-scheduler.ts';
export { LeastRequestLoadBalancer } from './lb/least-request.ts';
export { MaglevLoadBalancer } from './lb/maglev.ts';
export { RandomLoadBalancer } from './lb/random-lb.ts';
export { RingHashLoadBalancer } from './lb/ring-hash.ts';
export { RoundRobinLoadBalancer } from './lb/round-robin.ts';
export type { LoadBalancer, LoadBalancerContext } from './load-balancer.ts';
export {
  ResourceKind,
  ResourceLimit,
  ResourceManager,
  ResourcePriority,
} from './resource-manager.ts';
export {
  registerUpstreamConfig,
  upstreamEnumValues,
  upstreamSupportedFields,
} from './supported-fields.ts';
export {
  type Cancellable,
  PoolFailureReason,
  type TcpConnectionData,
  type TcpConnPool,
  type TcpPoolCallbacks,
} from './tcp-conn-pool.ts';
export type { ThreadLocalCluster } from './thread-local-cluster.ts';
export {
  CLUSTER_MANAGER_SINGLETON,
  type ClusterUpdateCallbacks,
  type ClusterUpdateCallbacksHandle,
  type ThreadLocalClusterManager,
} from './thread-local-cluster-manager.ts';
export {
  type ThreadLocalClusterManagerArgs,
  threadLocalClusterManager,
  upstreamWorkerModule,
} from './thread-local-cluster-manager-impl.ts';
export { provideStatsStore } from './thread-stats.ts';
export { xxHash64, xxHash64Bytes } from './xxhash64.ts';
