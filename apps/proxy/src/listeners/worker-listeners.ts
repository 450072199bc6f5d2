// The thread-local object that holds a worker's listeners (Envoy's `ConnectionHandler` per
// worker). The main thread publishes the listener snapshot into its slot; each worker applies it
// between I/O callbacks, and a worker started again after a crash receives the newest snapshot
// when thread-local storage registers it again.
import { isMainThread } from 'node:worker_threads';
import type { Dispatcher } from '@nuncio/dispatcher';
import {
  type ConnectionHandler,
  createConnectionHandler,
  type DrainStrategy,
  type ListenerSnapshot,
} from '@nuncio/network-filter';
import {
  ACCESS_LOG_RESOLVER_SINGLETON,
  type AccessLogSpecTable,
  createAccessLogResolver,
} from '@nuncio/tcp-proxy';
import {
  defineThreadLocal,
  getSlot,
  type SlotRef,
  type ThreadLocalObject,
} from '@nuncio/thread-local';
import {
  CLUSTER_MANAGER_SINGLETON,
  type ClusterManagerSnapshot,
  type ThreadLocalClusterManager,
} from '@nuncio/upstream';
import {
  WASM_THREAD_LOCAL_SINGLETON,
  type WasmThreadLocal,
  type WasmThreadLocalSnapshot,
} from '@nuncio/wasm-network-filter';
import { proxyConfigRegistry } from '../config/proxy-registry.ts';
import { proxyWorkerState } from '../worker-state.ts';

/** What the main thread passes to every thread's object. */
export interface WorkerListenersArgs {
  /** How long a listener removed by a snapshot drains before its connections are closed. */
  readonly drainTimeoutMs: number;
  /** `--drain-strategy`: how `drainClose()` answers filters while a listener drains. */
  readonly drainStrategy: DrainStrategy;
  /** The cluster manager's slot: each worker's thread-local clusters, for the TCP proxy. */
  readonly clusterManager: SlotRef<ThreadLocalClusterManager, ClusterManagerSnapshot>;
  /** The filters' access logs, opened on main: each worker binds them to its own ring. */
  readonly accessLogs: AccessLogSpecTable;
  /** The proxy-wasm plugins' slot: each worker's own VM copies, for the wasm network filter. */
  readonly wasm: SlotRef<WasmThreadLocal, WasmThreadLocalSnapshot>;
}

/** One thread's listeners: none on the main thread, a connection handler on each worker. */
export class WorkerListeners implements ThreadLocalObject<ListenerSnapshot> {
  /** The worker's connection handler; null on the main thread. */
  readonly handler: ConnectionHandler | null;
  private applied: Promise<void>;
  private appliedVersion: number;

  constructor(dispatcher: Dispatcher, args: WorkerListenersArgs) {
    const state = proxyWorkerState();
    this.handler =
      isMainThread || state === null
        ? null
        : createConnectionHandler({
            registry: proxyConfigRegistry(),
            dispatcher,
            workerIndex: state.index,
            scope: state.stats,
            drainTimeoutMs: args.drainTimeoutMs,
            drainStrategy: args.drainStrategy,
            ...(state.socketHandOff === null ? {} : { socketHandOff: state.socketHandOff }),
            // Filters reach the worker's clusters by name, as Envoy's factories reach the cluster
            // manager through their context; that slot was set before this one, so it is here.
            singletons: {
              [CLUSTER_MANAGER_SINGLETON]: getSlot(args.clusterManager).get(),
              [WASM_THREAD_LOCAL_SINGLETON]: getSlot(args.wasm).get(),
              [ACCESS_LOG_RESOLVER_SINGLETON]: createAccessLogResolver(
                state.accessLogs,
                args.accessLogs,
              ),
            },
          });
    this.applied = Promise.resolve();
    this.appliedVersion = 0;
    current = this;
  }

  /** Binds, updates and drains listeners to match the snapshot (in the quiescent period). */
  onSnapshot(snapshot: ListenerSnapshot, version: number): void {
    const handler = this.handler;
    if (handler === null) return;
    const previous = this.applied;
    // Snapshots apply one after the other, so a slow bind never races the next snapshot.
    this.applied = previous.then(
      () => handler.applySnapshot(snapshot),
      () => handler.applySnapshot(snapshot),
    );
    this.appliedVersion = version;
    this.applied.then(
      () => {
        const log = proxyWorkerState()?.logs.getLogger('config');
        for (const listener of handler.listeners()) {
          log?.debug(
            `listener '${listener.name}' bound on ${listener.address.address}:${listener.address.port}`,
          );
        }
      },
      (error: unknown) => {
        proxyWorkerState()
          ?.logs.getLogger('config')
          .error(`applying listener snapshot ${version}: ${(error as Error).message}`);
      },
    );
  }

  /** Resolves (or rejects) once the newest snapshot received has been applied. */
  settled(): Promise<{ version: number }> {
    const version = this.appliedVersion;
    return this.applied.then(() => ({ version }));
  }

  /** Closes every listener and connection of this worker when the object leaves the slot. */
  [Symbol.dispose](): void {
    if (current === this) current = null;
    void this.handler?.shutdown();
  }
}

let current: WorkerListeners | null = null;

/** This thread's listeners object, once the slot has been set here. */
export function workerListenersOnThisThread(): WorkerListeners | null {
  return current;
}

/** The slot's initializer: every thread runs it with the same arguments. */
export const workerListeners = defineThreadLocal(
  import.meta.url,
  'workerListeners',
  (dispatcher: Dispatcher, args: WorkerListenersArgs) => new WorkerListeners(dispatcher, args),
);
