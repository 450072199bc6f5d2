import type { AccessLogManager } from '@nuncio/access-log';
import type { ListenerManagerView, ListenerStatus } from '@nuncio/admin';
import type { Bootstrap } from '@nuncio/config';
import type { Dispatcher, RemoteDispatcher, WorkerPool } from '@nuncio/dispatcher';
import type { ComponentLogger } from '@nuncio/log';
import {
  ConnectionLimit,
  createListenerManager,
  type DrainStrategy,
  type ListenerInput,
  type ListenerManager,
  type ListenerSnapshot,
} from '@nuncio/network-filter';
import type { StatsStore } from '@nuncio/stats';
import {
  type AccessLogSpecTable,
  prepareAccessLogs,
  tcpProxyAccessLogConfigs,
} from '@nuncio/tcp-proxy';
import { getSlot, type Slot, type SlotRef, type ThreadLocalInstance } from '@nuncio/thread-local';
import {
  CLUSTER_MANAGER_SINGLETON,
  type ClusterManagerSnapshot,
  type ThreadLocalClusterManager,
} from '@nuncio/upstream';
import type {
  WasmPluginManager,
  WasmThreadLocal,
  WasmThreadLocalSnapshot,
} from '@nuncio/wasm-network-filter';
import { proxyConfigRegistry } from '../config/proxy-registry.ts';
import { WorkerHandler, type WorkerHandlers } from '../server/worker-protocol.ts';
import { type WorkerListeners, workerListeners } from './worker-listeners.ts';

/** Options of {@link ListenerWiring}. */
export interface ListenerWiringOptions {
  readonly bootstrap: Bootstrap;
  readonly concurrency: number;
  readonly stats: StatsStore;
  readonly dispatcher: Dispatcher;
  /** `--drain-time-s` in milliseconds. */
  readonly drainTimeMs: number;
  /** `--drain-strategy`. */
  readonly drainStrategy: DrainStrategy;
  readonly log: ComponentLogger;
  /** The cluster manager's slot, for filters that reach clusters (the TCP proxy). */
  readonly clusterManager: SlotRef<ThreadLocalClusterManager, ClusterManagerSnapshot>;
  /** Opens the files of the filters' `access_log` entries, here on main. */
  readonly accessLogManager: AccessLogManager;
  /** Loads the listeners' proxy-wasm plugins on main, before any worker sees them. */
  readonly wasm: WasmPluginManager;
}

/**
 * The main thread's side of the listeners: Envoy's `ListenerManager` (configs checked before any
 * worker sees them, port 0 resolved once) and the thread-local slot through which every worker
 * gets the listener snapshot; drains and stops reach the workers by cross-thread calls.
 */
export class ListenerWiring {
  readonly manager: ListenerManager;
  private readonly options: ListenerWiringOptions;
  private slot: Slot<WorkerListeners, ListenerSnapshot> | null;
  private accessLogs: AccessLogSpecTable;

  constructor(options: ListenerWiringOptions) {
    this.options = options;
    this.manager = createListenerManager({
      registry: proxyConfigRegistry(),
      concurrency: options.concurrency,
      scope: options.stats,
      dispatcher: options.dispatcher,
      // Main's own thread-local clusters: a filter's config check can see which clusters exist.
      singletons: { [CLUSTER_MANAGER_SINGLETON]: getSlot(options.clusterManager).get() },
    });
    this.slot = null;
    this.accessLogs = { entries: [] };
  }

  /**
   * Checks and adds the bootstrap's static listeners, logging one line per listener with its
   * address and chain count. Throws naming the listener that is refused.
   */
  async addStaticListeners(): Promise<void> {
    const listeners = this.options.bootstrap.staticResources?.listeners ?? [];
    for (const [i, listener] of listeners.entries()) {
      try {
        // A plugin that cannot load refuses its listener here, naming the plugin.
        await this.options.wasm.addOrUpdateListener(listener as unknown as ListenerInput);
        await this.manager.addOrUpdateListener(listener as unknown as ListenerInput);
      } catch (error) {
        throw new Error(
          `static_resources.listeners[${i}] ('${listener.name}'): ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    // The filters' access-log files are opened here, so a bad path fails the start (as in
    // Envoy); the workers get plain specs and bind them to their own rings.
    this.accessLogs = prepareAccessLogs(
      this.options.accessLogManager,
      tcpProxyAccessLogConfigs(listeners as unknown as ListenerInput[]),
    );
    for (const summary of this.manager.listeners()) {
      const chains = `${summary.filterChains} filter chain(s)${summary.defaultFilterChain ? ' and a default chain' : ''}`;
      this.options.log.info(`listener '${summary.name}' on ${summary.addressString}: ${chains}`);
    }
    if (listeners.length === 0) this.options.log.info('no listener configured');
  }

  /**
   * Whether the workers must be able to hand sockets to each other: some listener has
   * `connection_balance_config.exact_balance` and there is more than one worker.
   */
  needsSocketHandOff(): boolean {
    return (
      this.options.concurrency > 1 &&
      this.manager
        .snapshot()
        .listeners.some((entry) => entry.connectionBalanceCounters !== undefined)
    );
  }

  /**
   * Publishes the listeners to every worker through thread-local storage and resolves once each
   * worker has bound them; rejects with the first worker's failure (a port in use...).
   */
  async publish(tls: ThreadLocalInstance, pool: WorkerPool): Promise<void> {
    const slot = tls.allocateSlot<WorkerListeners, ListenerSnapshot>().set(workerListeners, {
      drainTimeoutMs: this.options.drainTimeMs,
      drainStrategy: this.options.drainStrategy,
      clusterManager: this.options.clusterManager,
      accessLogs: this.accessLogs,
      wasm: this.options.wasm.slotRef as SlotRef<WasmThreadLocal, WasmThreadLocalSnapshot>,
    });
    this.slot = slot as unknown as Slot<WorkerListeners, ListenerSnapshot>;
    const version = this.slot.publish(this.manager.snapshot());
    await this.slot.whenApplied(version);
    await Promise.all(
      pool.workers.map((worker) => workers(worker.dispatcher).call(WorkerHandler.ListenersSettled)),
    );
  }

  /**
   * Drains every worker's listeners: they stop accepting, connections get `timeoutMs` to finish,
   * the rest are closed. Resolves when every worker is done.
   */
  async drain(pool: WorkerPool, timeoutMs: number): Promise<void> {
    await Promise.all(
      pool.workers.map((worker) =>
        workers(worker.dispatcher)
          .call(WorkerHandler.DrainListeners, { timeoutMs })
          .catch((error: unknown) => {
            this.options.log.warn(`draining ${worker.threadName}: ${(error as Error).message}`);
          }),
      ),
    );
  }

  /** Stops accepting on every worker; connections go on. */
  async stop(pool: WorkerPool): Promise<void> {
    await Promise.all(
      pool.workers.map((worker) =>
        workers(worker.dispatcher)
          .call(WorkerHandler.StopListeners)
          .catch((error: unknown) => {
            this.options.log.warn(`stopping ${worker.threadName}: ${(error as Error).message}`);
          }),
      ),
    );
  }

  /** Publishes an empty snapshot, so that a worker started again later binds nothing. */
  forgetListeners(): void {
    this.slot?.publish({ version: Number.MAX_SAFE_INTEGER, listeners: [] });
  }

  /**
   * Forgets the connections a crashed worker held: they died with its thread, but the shared
   * gauges and the listeners' connection counters still count them, since nobody was left to
   * count them down. Call it when the crash is reported, before the worker starts again.
   */
  forgetWorkerConnections(index: number): void {
    // Exact balancing: the dead worker's counts go back to 0 and it is not picked until its
    // successor binds the listeners again.
    this.manager.workerLost(index);
    const counters = new Map(
      this.manager
        .snapshot()
        .listeners.map((entry) => [entry.config.name, entry.connectionCounter]),
    );
    for (const summary of this.manager.listeners()) {
      const left = summary.workers[index]?.downstreamCxActive ?? 0;
      if (left <= 0) continue;
      const scope = this.options.stats.scopeFromStatName(summary.statPrefix);
      scope.gaugeFromString(`worker_${index}.downstream_cx_active`).sub(left);
      scope.gaugeFromString('downstream_cx_active').sub(left);
      const limit = new ConnectionLimit(ConnectionLimit.UNLIMITED, counters.get(summary.name));
      for (let i = 0; i < left; i++) limit.release();
      this.options.log.warn(
        `listener '${summary.name}': ${left} connection(s) of worker_${index} lost in its crash`,
      );
    }
  }

  /** `/listeners` for the admin. */
  view(): ListenerManagerView {
    return {
      listeners: (): ListenerStatus[] =>
        this.manager.listeners().map((summary) => ({
          name: summary.name,
          localAddresses: [{ address: summary.address.address, port: summary.address.port }],
        })),
    };
  }

  /** Connections open per worker index, from the listeners' shared gauges. */
  workerConnections(): number[] {
    return this.manager.workerConnections();
  }
}

function workers(dispatcher: RemoteDispatcher): RemoteDispatcher<WorkerHandlers> {
  return dispatcher as unknown as RemoteDispatcher<WorkerHandlers>;
}
