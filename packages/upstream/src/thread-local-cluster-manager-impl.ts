import type { Dispatcher } from '@nuncio/dispatcher';
import type { Scope, StatsStoreDescriptor } from '@nuncio/stats';
import { nullScope } from '@nuncio/stats';
import { defineThreadLocal } from '@nuncio/thread-local';
import type { ClusterManagerSnapshot } from './cluster-snapshot.ts';
import type { ThreadLocalCluster } from './thread-local-cluster.ts';
import { ThreadLocalClusterImpl } from './thread-local-cluster-impl.ts';
import type {
  ClusterUpdateCallbacks,
  ClusterUpdateCallbacksHandle,
  ThreadLocalClusterManager,
} from './thread-local-cluster-manager.ts';
import { statsStoreFor } from './thread-stats.ts';

/** What every thread's cluster manager is built with (cloned to each worker). */
export interface ThreadLocalClusterManagerArgs {
  /** The stats store to record into, or null for no stats. */
  readonly stats: StatsStoreDescriptor | null;
}

/** The thread's cluster manager, swapping in each snapshot main publishes. */
export class ThreadLocalClusterManagerImpl implements ThreadLocalClusterManager {
  private readonly dispatcher: Dispatcher;
  private readonly scope: Scope;
  private readonly clusters: Map<string, ThreadLocalClusterImpl>;
  private callbacks: ClusterUpdateCallbacks[];

  constructor(dispatcher: Dispatcher, args: ThreadLocalClusterManagerArgs) {
    this.dispatcher = dispatcher;
    this.scope = args.stats === null ? nullScope : statsStoreFor(args.stats);
    this.clusters = new Map();
    this.callbacks = [];
  }

  getThreadLocalCluster(name: string): ThreadLocalCluster | undefined {
    return this.clusters.get(name);
  }

  clusterNames(): string[] {
    return [...this.clusters.keys()];
  }

  addClusterUpdateCallbacks(callbacks: ClusterUpdateCallbacks): ClusterUpdateCallbacksHandle {
    this.callbacks = [...this.callbacks, callbacks];
    return {
      remove: () => {
        this.callbacks = this.callbacks.filter((entry) => entry !== callbacks);
      },
    };
  }

  /** Runs on this thread between I/O callbacks when main publishes. */
  onSnapshot(snapshot: ClusterManagerSnapshot): void {
    const seen = new Set<string>();
    const changed: ThreadLocalClusterImpl[] = [];
    for (const entry of snapshot.clusters) {
      const name = entry.config.name;
      seen.add(name);
      const existing = this.clusters.get(name);
      if (existing !== undefined && existing.generation === entry.generation) {
        if (existing.version === entry.version) continue;
        existing.update(entry);
        changed.push(existing);
        continue;
      }
      const cluster = new ThreadLocalClusterImpl(this.dispatcher, entry, this.scope);
      this.clusters.set(name, cluster);
      changed.push(cluster);
    }
    const removed: string[] = [];
    for (const name of this.clusters.keys()) {
      if (!seen.has(name)) removed.push(name);
    }
    for (const name of removed) this.clusters.delete(name);
    // The callbacks run after every cluster is in place, so they see the whole new state.
    const callbacks = this.callbacks;
    for (const cluster of changed) {
      for (const entry of callbacks) entry.onClusterAddOrUpdate(cluster.info.name, cluster);
    }
    for (const name of removed) {
      for (const entry of callbacks) entry.onClusterRemoval(name);
    }
  }
}

/**
 * The cluster manager's thread-local initializer: every thread that loads this module can build
 * its {@link ThreadLocalClusterManager}.
 */
export const threadLocalClusterManager = defineThreadLocal(
  import.meta.url,
  'nuncio.upstream.threadLocalClusterManager',
  (dispatcher: Dispatcher, args: ThreadLocalClusterManagerArgs) =>
    new ThreadLocalClusterManagerImpl(dispatcher, args),
);

/**
 * URL of the module that defines the thread-local cluster manager. Put it in every worker's
 * `startWorkers({ modules })` (after `threadLocalWorkerModule`): a worker then has the definition
 * before the cluster manager's slot reaches it. Without it the worker imports the module when the
 * slot arrives, and the slot is not there for other handlers until that import is done.
 */
export const upstreamWorkerModule: string = import.meta.url;
