import type { ThreadLocalCluster } from './thread-local-cluster.ts';

/**
 * What a worker's components are told when clusters change (Envoy's `ClusterUpdateCallbacks`).
 * Called on the worker, in its quiescent period, after the new snapshot is in place.
 */
export interface ClusterUpdateCallbacks {
  /** A cluster was added, or its config changed (it is a new object), or its hosts changed. */
  onClusterAddOrUpdate(name: string, cluster: ThreadLocalCluster): void;
  /** A cluster was removed: connections already made go on; new ones cannot use it. */
  onClusterRemoval(name: string): void;
}

/** What {@link ThreadLocalClusterManager.addClusterUpdateCallbacks} returns. */
export interface ClusterUpdateCallbacksHandle {
  /** Stops the callbacks (idempotent). */
  remove(): void;
}

/**
 * A worker's cluster manager (Envoy's `ThreadLocalClusterManagerImpl`): the thread's object in the
 * cluster manager's thread-local slot. It holds one {@link ThreadLocalCluster} per cluster, with the
 * worker's own load-balancer state, and swaps in each snapshot main publishes (only the clusters
 * whose hosts, health or config changed are rebuilt). Reads are plain property reads.
 */
export interface ThreadLocalClusterManager {
  /** The cluster named `name`, or `undefined` (Envoy's `getThreadLocalCluster`). */
  getThreadLocalCluster(name: string): ThreadLocalCluster | undefined;
  /** The names of every cluster this worker holds. */
  clusterNames(): string[];
  /** Registers callbacks for cluster changes on this worker. */
  addClusterUpdateCallbacks(callbacks: ClusterUpdateCallbacks): ClusterUpdateCallbacksHandle;
}

/**
 * The name under which an assembler hands each worker's {@link ThreadLocalClusterManager} to
 * network filter factories (`FactoryContext.getSingleton`), as Envoy's factories reach the
 * cluster manager through their context. The TCP proxy looks it up by this name.
 */
export const CLUSTER_MANAGER_SINGLETON = 'envoy.cluster_manager';
