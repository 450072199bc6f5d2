import type { SlotRef } from '@nuncio/thread-local';
import type { ClusterConfig } from './cluster-config.ts';
import type { ClusterInput } from './cluster-input.ts';
import type { ClusterManagerSnapshot } from './cluster-snapshot.ts';
import type { ClusterStatus } from './cluster-status.ts';
import type { ThreadLocalClusterManager } from './thread-local-cluster-manager.ts';

/** What `addOrUpdateCluster` did. */
export type ClusterUpdateResult = 'added' | 'updated' | 'unchanged';

/**
 * The main thread's cluster manager (Envoy's `ClusterManagerImpl`, its main-thread half): it owns
 * the clusters, their membership (config and DNS) and health (active health checks), and publishes
 * a read-only {@link ClusterManagerSnapshot} through a thread-local slot whenever any of it
 * changes; each worker's {@link ThreadLocalClusterManager} swaps it in. Also the admin's
 * `ClusterManagerView`. Every method is for the main thread.
 */
export interface ClusterManager {
  /** The slot workers read: `getSlot(ref).get()` is the worker's `ThreadLocalClusterManager`. */
  readonly slotRef: SlotRef<ThreadLocalClusterManager, ClusterManagerSnapshot>;
  /**
   * Adds a cluster, or replaces the one of the same name when its config changed. A new cluster
   * warms first (first DNS resolution, first health check of every host) while the old one, if
   * any, keeps serving; then it is published. Resolves once it is published (not yet applied on
   * every worker: see {@link ClusterManager.whenApplied}). Rejects with
   * `NUNCIO_ERR_UPSTREAM_INVALID_CLUSTER` for a bad config (nothing changes).
   */
  addOrUpdateCluster(config: ClusterInput): Promise<ClusterUpdateResult>;
  /** Removes a cluster: new connections can no longer use it; false if there is none. */
  removeCluster(name: string): boolean;
  /** The names of the active clusters, in the order they were added. */
  clusterNames(): string[];
  /** The resolved config of an active cluster. */
  clusterConfig(name: string): ClusterConfig | undefined;
  /** `/clusters`: every active cluster with its hosts, health flags and per-host stats. */
  clusters(): readonly ClusterStatus[];
  /**
   * Publishes any change not yet published and resolves once every registered thread holds the
   * newest snapshot.
   */
  whenApplied(): Promise<void>;
  /** Stops health checks and DNS refreshes and frees the slot. Idempotent. */
  shutdown(): void;
}
