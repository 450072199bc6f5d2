import type { ClusterInfo } from './cluster-info.ts';
import type { Host } from './host.ts';
import type { LoadBalancer, LoadBalancerContext } from './load-balancer.ts';
import type { ResourcePriority } from './resource-manager.ts';
import type { TcpConnPool } from './tcp-conn-pool.ts';

/**
 * A worker's read-only view of one cluster (Envoy's `ThreadLocalCluster`): its info, its hosts as
 * of the snapshot the worker holds, the worker's own load balancer over the healthy ones, and TCP
 * connection pools. Use it on its worker. A snapshot that changes the cluster's hosts or health
 * updates the object in place (new balancer, new pools); a config change replaces it.
 */
export interface ThreadLocalCluster {
  /** The cluster's settings, stats and circuit breakers. */
  readonly info: ClusterInfo;
  /** Every host, healthy or not. */
  hosts(): readonly Host[];
  /** The hosts that take traffic. */
  healthyHosts(): readonly Host[];
  /** This worker's load balancer for the cluster. */
  loadBalancer(): LoadBalancer;
  /** Picks a host (Envoy's `chooseHost`); `null` when no host is healthy. */
  chooseHost(context: LoadBalancerContext | null): Host | null;
  /**
   * Envoy's `tcpConnPool(priority, context)`: picks a host and returns its pool, or `null` when no
   * host is healthy (counted in `upstream_cx_none_healthy`).
   */
  tcpConnPool(priority: ResourcePriority, context: LoadBalancerContext | null): TcpConnPool | null;
}
