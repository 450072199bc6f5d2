import type { Host } from './host.ts';

/**
 * What a load balancer may ask about the connection or request it picks a host for (Envoy's
 * `LoadBalancerContext`). One object per filter, reused for every pick.
 */
export interface LoadBalancerContext {
  /**
   * The hash that `RING_HASH` and `MAGLEV` place on their tables (Envoy's `computeHashKey`), an
   * unsigned 64-bit value; `null` to pick at random. The TCP proxy's `hash_policy` with
   * `source_ip` returns the xxHash64 of the downstream IP address.
   */
  computeHashKey(): bigint | null;
}

/**
 * A worker's load balancer for one cluster (Envoy's `LoadBalancer`), built from the healthy hosts
 * of the snapshot the worker holds, rebuilt when a new snapshot changes them. Use on its worker.
 */
export interface LoadBalancer {
  /**
   * Picks a healthy host, or returns `null` when the cluster has none (Envoy's "no healthy
   * upstream"). Never throws.
   */
  chooseHost(context: LoadBalancerContext | null): Host | null;
}
