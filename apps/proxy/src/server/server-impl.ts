import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  type AccessLogManager,
  type AccessLogThreadHandle,
  createAccessLogManager,
} from '@nuncio/access-log';
import {
  type AdminLogger,
  type AdminServer,
  bootstrapConfigDump,
  createAdminServer,
  createServerInfo,
  type ServerInfo,
  type ServerState,
  workerPoolThreads,
} from '@nuncio/admin';
import type { Bootstrap } from '@nuncio/config';
import {
  currentDispatcher,
  type Dispatcher,
  startWorkers,
  type WorkerCrash,
  type WorkerInfo,
  type WorkerPool,
} from '@nuncio/dispatcher';
import {
  type ComponentLogger,
  createLogRegistry,
  type LogRegistry,
  parseComponentLogLevel,
} from '@nuncio/log';
import { SocketHandOffMesh } from '@nuncio/network-filter';
import { SharedDataStore } from '@nuncio/shared-data';
import { createStatsSink, StatsFlusher, type StatsSink, StatsStore } from '@nuncio/stats';
import {
  createThreadLocal,
  type ThreadLocalInstance,
  threadLocalWorkerModule,
} from '@nuncio/thread-local';
import { type ClusterInput, type ClusterManager, createClusterManager } from '@nuncio/upstream';
import type { NodeInfo } from '@nuncio/wasm-host';
import {
  type BootstrapExtensionInput,
  createWasmPluginManager,
  type WasmPluginManager,
} from '@nuncio/wasm-network-filter';
import { startFailedError } from '../errors.ts';
import { ListenerWiring } from '../listeners/listener-wiring.ts';
import { versionString } from '../version.ts';
import { proxyWorkerModule } from '../worker-module-url.ts';
import { guardDogOptions, statsFlushIntervalMs } from './bootstrap-settings.ts';
import { statsSinkConfig } from './config-adapters.ts';
import { proxyThreads } from './proxy-threads.ts';
import type { DrainOptions, Server, ServerOptions } from './server.ts';
import { ServerStats } from './server-stats.ts';
import { wasmLogger } from './wasm-logger.ts';
import { MainHandler, type ProxyWorkerData } from './worker-protocol.ts';

/** Extra histogram slots in the stats store for workers started again after a crash. */
const RESTART_HEADROOM_THREADS = 16;
/** How long a worker has to run its modules' `shutdown` once the drain is over. */
const WORKER_SHUTDOWN_TIMEOUT_MS = 5000;

/**
 * Starts the proxy, in Envoy's order: the main thread's managers (its dispatcher, thread-local
 * storage), the stats store, the log registry, the access-log manager, then `concurrency` workers
 * named `wrk:worker_<i>` (each opening the stats store, the log levels and thread-local storage),
 * then what the workers serve is published, then the admin starts; only then is the server `LIVE`.
 * A step that fails undoes the steps before it and rejects with `NUNCIO_ERR_PROXY_START_FAILED`
 * naming the step.
 */
export async function startServer(options: ServerOptions): Promise<Server> {
  const server = new ServerImpl(options);
  await server.start();
  return server;
}

class ServerImpl implements Server {
  readonly bootstrap: Bootstrap;
  private readonly options: ServerOptions;
  private readonly concurrency: number;
  private readonly drainTimeMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly info: ServerInfo;
  private readonly undo: (() => unknown)[];
  private readonly rings: Map<number, AccessLogThreadHandle>;
  private tls: ThreadLocalInstance | null;
  private stats: StatsStore | null;
  private serverStats: ServerStats | null;
  private flusher: StatsFlusher | null;
  private flushTimer: NodeJS.Timeout | null;
  private logs: LogRegistry | null;
  private log: ComponentLogger | null;
  private accessLogs: AccessLogManager | null;
  private workers: WorkerPool | null;
  /** How workers reach each other to hand sockets over (only with an `exact_balance` listener). */
  private mesh: SocketHandOffMesh | null;
  private admin: AdminServer | null;
  private listeners: ListenerWiring | null;
  private clusters: ClusterManager | null;
  private sharedData: SharedDataStore | null;
  private wasm: WasmPluginManager | null;
  private shuttingDown: Promise<number> | null;
  private signalsInstalled: boolean;
  private resolveExited: (code: number) => void;
  readonly exited: Promise<number>;

  constructor(options: ServerOptions) {
    this.options = options;
    this.bootstrap = options.bootstrap;
    this.concurrency = options.concurrency ?? availableParallelism();
    this.drainTimeMs = (options.drainTimeS ?? 600) * 1000;
    this.dispatcher = currentDispatcher();
    this.info = createServerInfo({
      version: versionString(),
      initState: 'Uninitialized',
      commandLineOptions: options.commandLineOptions ?? { concurrency: this.concurrency },
      node: nodeJson(options.bootstrap),
    });
    this.undo = [];
    this.rings = new Map();
    this.tls = null;
    this.stats = null;
    this.serverStats = null;
    this.flusher = null;
    this.flushTimer = null;
    this.logs = null;
    this.log = null;
    this.accessLogs = null;
    this.workers = null;
    this.mesh = null;
    this.admin = null;
    this.listeners = null;
    this.clusters = null;
    this.sharedData = null;
    this.wasm = null;
    this.shuttingDown = null;
    this.signalsInstalled = false;
    let resolveExited: (code: number) => void = () => {};
    this.exited = new Promise<number>((resolve) => {
      resolveExited = resolve;
    });
    this.resolveExited = resolveExited;
  }

  get pool(): WorkerPool {
    if (this.workers === null) throw new Error('the server has no workers yet');
    return this.workers;
  }

  get adminUrl(): string {
    return this.admin?.url ?? '';
  }

  state(): ServerState {
    return this.info.state();
  }

  async start(): Promise<void> {
    try {
      await this.step('thread-local storage', () => this.startThreadLocal());
      await this.step('the stats store', () => this.startStats());
      await this.step('the log registry', () => this.startLogs());
      await this.step('the access-log manager', () => this.startAccessLogs());
      await this.step('the cluster manager', () => this.startClusterManager());
      await this.step('the wasm plugins', () => this.startWasm());
      await this.step('the listeners', () => this.startListenerManager());
      await this.step('the workers', () => this.startWorkers());
      await this.step('publishing the clusters', () => this.clusters?.whenApplied());
      await this.step('publishing the listeners', () => this.publishListeners());
      await this.step('the admin', () => this.startAdmin());
    } catch (error) {
      await this.rollBack();
      throw error;
    }
    this.info.initState = 'Initialized';
    this.serverStats?.update();
    if (this.options.handleSignals === true) this.installSignals();
    this.mainLog().info(`server LIVE: ${this.concurrency} worker(s), admin at ${this.adminUrl}`);
  }

  async drainListeners(options: DrainOptions = {}): Promise<void> {
    const listeners = this.listeners;
    const pool = this.workers;
    if (listeners === null || pool === null) return;
    if (options.graceful !== true) {
      // Envoy's /drain_listeners: stop accepting; open connections go on.
      this.mainLog().info('stopping listeners: no new connections');
      await listeners.stop(pool);
      return;
    }
    this.info.failHealthcheck(true);
    this.mainLog().info(`draining listeners for up to ${this.drainTimeMs / 1000} s`);
    await listeners.drain(pool, this.drainTimeMs);
    // A worker started again after this must not bind the drained listeners.
    listeners.forgetListeners();
    this.mainLog().info('listeners drained');
  }

  shutdown(reason = 'shutdown requested'): Promise<number> {
    this.shuttingDown ??= this.runShutdown(reason);
    return this.shuttingDown;
  }

  // --- start-up steps, in order --------------------------------------------------------------

  private async step(name: string, run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (error) {
      throw startFailedError(name, error);
    }
  }

  private startThreadLocal(): void {
    const tls = createThreadLocal({
      dispatcher: this.dispatcher,
      onError: (error) => this.log?.error({ code: error.code }, error.message),
    });
    this.tls = tls;
    this.undo.push(() => tls.shutdownThread());
  }

  private startStats(): void {
    const stats = StatsStore.create({
      maxThreads: this.concurrency + RESTART_HEADROOM_THREADS,
      logger: { warn: (message) => this.logFor('stats').warn(message) },
    });
    this.stats = stats;
    this.serverStats = new ServerStats(stats, this.info, this.concurrency);
    const sinks: StatsSink[] = this.bootstrap.statsSinks.map((entry, i) =>
      createStatsSink(statsSinkConfig(entry), `stats_sinks[${i}]`),
    );
    const flusher = new StatsFlusher(stats, {
      flushIntervalMs: statsFlushIntervalMs(this.bootstrap),
      sinks,
      logger: { warn: (message) => this.logFor('stats').warn(message) },
    });
    this.flusher = flusher;
    // Envoy's flush timer: the server stats are brought up to date, then every sink flushed.
    this.flushTimer = setInterval(() => void this.flushStats(), flusher.flushIntervalMs);
    this.flushTimer.unref();
    this.undo.push(
      () => this.stopStatsTimer(),
      () => flusher.close(),
    );
  }

  private startLogs(): void {
    const logs = createLogRegistry({
      level: this.options.logLevel ?? 'info',
      componentLevels: parseComponentLogLevel(this.options.componentLogLevel ?? ''),
      ...(this.options.logPath ? { logPath: this.options.logPath } : {}),
    });
    this.logs = logs;
    this.log = logs.getLogger('main');
    this.undo.push(() => logs.close());
    this.log.info(`initializing epoch 0 (${versionString()})`);
  }

  private startAccessLogs(): void {
    const stats = this.stats as StatsStore;
    const counter = (name: string) => stats.counterFromString(`filesystem.${name}`);
    const manager = createAccessLogManager({
      flushIntervalMs: this.options.fileFlushIntervalMs ?? 10_000,
      stats: {
        flushed_by_timer: counter('flushed_by_timer'),
        reopen_failed: counter('reopen_failed'),
        write_buffered: counter('write_buffered'),
        write_completed: counter('write_completed'),
        write_failed: counter('write_failed'),
        write_dropped: counter('write_dropped'),
        write_total_buffered: stats.gaugeFromString('filesystem.write_total_buffered'),
      },
    });
    this.accessLogs = manager;
    this.undo.push(() => manager.close());
    // A worker asks for its ring in its `init`, at every start: a restarted worker gets a new
    // ring, and its predecessor's is written out and retired (a ring has a single producer).
    this.dispatcher.registerHandler(MainHandler.AccessLogRing, (index: number) =>
      this.ringFor(index),
    );
    this.undo.push(() => this.dispatcher.unregisterHandler(MainHandler.AccessLogRing));
  }

  private ringFor(index: number): AccessLogThreadHandle {
    const manager = this.accessLogs as AccessLogManager;
    const previous = this.rings.get(index);
    if (previous !== undefined) {
      manager.releaseThread(previous).catch((error: unknown) => {
        this.logFor('file').warn(`releasing worker_${index}'s access-log ring: ${String(error)}`);
      });
    }
    const ring = manager.registerThread();
    this.rings.set(index, ring);
    return ring;
  }

  private async startClusterManager(): Promise<void> {
    const clusters = createClusterManager({
      threadLocal: this.tls as ThreadLocalInstance,
      stats: this.stats as StatsStore,
      dispatcher: this.dispatcher,
    });
    this.clusters = clusters;
    this.undo.push(() => clusters.shutdown());
    const log = this.logFor('upstream');
    const configured = this.bootstrap.staticResources?.clusters ?? [];
    for (const [i, cluster] of configured.entries()) {
      try {
        await clusters.addOrUpdateCluster(cluster as unknown as ClusterInput);
      } catch (error) {
        throw new Error(
          `static_resources.clusters[${i}] ('${cluster.name}'): ${(error as Error).message}`,
          { cause: error },
        );
      }
      const config = clusters.clusterConfig(cluster.name);
      if (config !== undefined) {
        log.info(
          `cluster '${config.name}': ${config.type}, ${config.lbPolicy}, ${config.endpoints.length} endpoint(s)`,
        );
      }
    }
    log.info(`cm init: all clusters initialized (${configured.length})`);
  }

  private async startWasm(): Promise<void> {
    // Proxy-wasm's shared data and queues: one store for the process, every thread a handle.
    const sharedData = SharedDataStore.create();
    this.sharedData = sharedData;
    this.undo.push(() => sharedData.close());
    const wasm = createWasmPluginManager({
      threadLocal: this.tls as ThreadLocalInstance,
      sharedData,
      stats: this.stats as StatsStore,
      logger: wasmLogger(this.logFor('wasm')),
      dispatcher: this.dispatcher,
      ...(this.bootstrap.node === undefined
        ? {}
        : { node: this.bootstrap.node as unknown as NodeInfo }),
    });
    this.wasm = wasm;
    this.undo.push(() => wasm.shutdown());
    const services = await wasm.startBootstrapExtensions(
      this.bootstrap.bootstrapExtensions as unknown as BootstrapExtensionInput[],
    );
    if (services > 0) this.logFor('wasm').info(`${services} wasm service(s) started`);
  }

  private async startListenerManager(): Promise<void> {
    const listeners = new ListenerWiring({
      clusterManager: (this.clusters as ClusterManager).slotRef,
      accessLogManager: this.accessLogs as AccessLogManager,
      wasm: this.wasm as WasmPluginManager,
      bootstrap: this.bootstrap,
      concurrency: this.concurrency,
      stats: this.stats as StatsStore,
      dispatcher: this.dispatcher,
      drainTimeMs: this.drainTimeMs,
      drainStrategy: this.options.drainStrategy ?? 'gradual',
      log: this.logFor('config'),
    });
    this.listeners = listeners;
    await listeners.addStaticListeners();
    this.serverStats?.setConnectionCount(() =>
      listeners.workerConnections().reduce((sum, n) => sum + n, 0),
    );
  }

  private async publishListeners(): Promise<void> {
    await (this.listeners as ListenerWiring).publish(
      this.tls as ThreadLocalInstance,
      this.workers as WorkerPool,
    );
  }

  private async startWorkers(): Promise<void> {
    const socketHandOff = (this.listeners as ListenerWiring).needsSocketHandOff();
    const data: ProxyWorkerData = {
      log: (this.logs as LogRegistry).descriptor(),
      stats: (this.stats as StatsStore).descriptor,
      concurrency: this.concurrency,
      socketHandOff,
    };
    // Workers post their dispatcher handles for each other while they start: the main thread's
    // side of the mesh must be there before the first one does.
    if (socketHandOff) {
      const mesh = new SocketHandOffMesh(this.dispatcher);
      this.mesh = mesh;
      this.undo.push(() => this.closeMesh());
    }
    this.mainLog().info(`starting ${this.concurrency} worker(s)`);
    const pool = await startWorkers({
      concurrency: this.concurrency,
      modules: [threadLocalWorkerModule, proxyWorkerModule],
      workerData: data,
      crashPolicy: 'restart',
      shutdownTimeoutMs: WORKER_SHUTDOWN_TIMEOUT_MS,
      watchdog: guardDogOptions(this.bootstrap),
      dispatcher: this.dispatcher,
    });
    this.workers = pool;
    this.undo.push(() => pool.shutdown());
    this.mesh?.attach(pool);
    pool.on('crash', (crash) => this.onCrash(crash));
    pool.on('restart', (worker) => this.onRestart(worker));
    this.serverStats?.setGuardDog(pool.guardDog);
    // Registered workers receive every slot's state, and so does a worker started again after
    // a crash: thread-local state is republished to it by the thread-local instance.
    await (this.tls as ThreadLocalInstance).registerWorkers(pool);
    this.undo.push(() => this.tls?.shutdownGlobalThreading());
    const names = pool.workers.map((w) => w.threadName).join(', ');
    this.mainLog().info(`workers started: ${names}`);
  }

  private async startAdmin(): Promise<void> {
    const log = this.logFor('admin');
    const adminLogger: AdminLogger = {
      info: (message) => log.info(message),
      warn: (message) => log.warn(message),
      error: (message) => log.error(message),
    };
    const manager = this.accessLogs as AccessLogManager;
    const pool = this.workers as WorkerPool;
    const stats = this.stats as StatsStore;
    const admin = await createAdminServer({
      ...(this.bootstrap.admin === undefined ? {} : { admin: this.bootstrap.admin }),
      logger: adminLogger,
      // The admin builds admin.access_log's loggers from the bootstrap, writing through it.
      accessLogManager: manager,
      providers: {
        server: this.info,
        stats,
        statsFlushOnAdmin: () => {
          this.serverStats?.update();
          stats.mergeHistograms();
        },
        threads: proxyThreads(
          workerPoolThreads(pool, {
            dispatcher: this.dispatcher,
            activeConnections: (name) => this.connectionsOf(name),
          }),
          () => [{ name: manager.flushThreadName, nodeThreadId: manager.flushThreadId }],
        ),
        listeners: (this.listeners as ListenerWiring).view(),
        clusters: this.clusters as ClusterManager,
        configDump: bootstrapConfigDump(this.bootstrap),
        logging: this.logs as LogRegistry,
        lifecycle: {
          failHealthcheck: (fail) => this.info.failHealthcheck(fail),
          drainListeners: (options) => this.drainListeners({ graceful: options.graceful }),
          shutdown: () => void this.shutdown('/quitquitquit'),
          reopenLogs: () => this.reopenLogs(),
        },
      },
    });
    this.admin = admin;
    this.undo.push(() => admin.close());
    if (this.options.adminAddressPath) {
      const address = admin.address;
      const text = 'path' in address ? address.path : admin.url.replace(/^http:\/\//, '');
      writeFileSync(this.options.adminAddressPath, text);
    }
  }

  // --- running -------------------------------------------------------------------------------

  /** Connections a thread owns now, by dispatcher name (`worker_<i>`; main owns none). */
  private connectionsOf(dispatcher: string): number {
    const match = /^worker_(\d+)$/.exec(dispatcher);
    if (match === null || this.listeners === null) return 0;
    return this.listeners.workerConnections()[Number(match[1])] ?? 0;
  }

  private onCrash(crash: WorkerCrash): void {
    const cause = crash.cause;
    const stack = cause instanceof Error ? cause.stack : undefined;
    const message = cause instanceof Error ? cause.message : String(cause);
    this.mainLog().error(
      { worker: crash.threadName, threadId: crash.threadId, error: message, stack },
      `worker ${crash.threadName} crashed: ${message}; ${
        crash.action === 'restart' ? 'restarting it' : 'it stays down'
      }`,
    );
    this.listeners?.forgetWorkerConnections(crash.index);
    // Whatever shared-data lock or read session the dead thread held is given back.
    this.sharedData?.releaseLocksOf(crash.threadId);
  }

  private onRestart(worker: WorkerInfo): void {
    this.mainLog().warn(
      { worker: worker.threadName, threadId: worker.threadId, restarts: worker.restarts },
      `worker ${worker.threadName} restarted (restart ${worker.restarts}); thread-local state republished`,
    );
  }

  private async flushStats(): Promise<void> {
    this.serverStats?.update();
    this.accessLogs?.syncStats();
    await this.flusher?.flush();
  }

  private stopStatsTimer(): void {
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    this.flushTimer = null;
  }

  private async reopenLogs(): Promise<void> {
    this.mainLog().info('reopening log files');
    await Promise.all([this.accessLogs?.reopen(), this.logs?.reopen()]);
  }

  private installSignals(): void {
    if (this.signalsInstalled) return;
    this.signalsInstalled = true;
    const onStop = (signal: NodeJS.Signals) => {
      if (this.shuttingDown !== null) {
        // A second signal: the operator does not want to wait for the drain.
        this.mainLog().warn(`caught ${signal} again: exiting now`);
        void this.logs?.flush().finally(() => process.exit(1));
        return;
      }
      this.mainLog().warn(`caught ${signal}`);
      void this.shutdown(signal);
    };
    const onReopen = () => void this.reopenLogs();
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGUSR1', onReopen);
    this.undo.push(() => {
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      process.off('SIGUSR1', onReopen);
    });
  }

  private async runShutdown(reason: string): Promise<number> {
    const log = this.mainLog();
    log.info(`shutting down (${reason}): draining for up to ${this.drainTimeMs / 1000} s`);
    this.info.failHealthcheck(true);
    if (this.listeners !== null && this.workers !== null) {
      // Stop accepting; open connections get the drain time, then the rest are closed.
      await this.listeners.drain(this.workers, this.drainTimeMs);
      log.info('listeners drained');
    }
    // The plugins first, as the wasm manager asks: singleton services stop, each thread lets its
    // VM copies go once its last connection is gone.
    this.wasm?.shutdown();
    this.tls?.shutdownGlobalThreading();
    const report = await this.workers?.shutdown();
    for (const worker of report?.workers ?? []) {
      if (worker.outcome !== 'exited') log.warn(`${worker.name} did not exit in time: terminated`);
    }
    this.rings.clear();
    this.clusters?.shutdown();
    this.sharedData?.close();
    this.stopStatsTimer();
    // Nothing handed over is lost: every access-log line is written, every sink gets a last flush.
    await this.flushStats();
    await this.flusher?.close();
    await this.accessLogs?.close();
    await this.admin?.close();
    this.dispatcher.unregisterHandler(MainHandler.AccessLogRing);
    this.closeMesh();
    this.tls?.shutdownThread();
    log.info('exiting');
    await this.logs?.close();
    this.resolveExited(0);
    return 0;
  }

  private closeMesh(): void {
    this.mesh?.close();
    this.mesh = null;
  }

  private async rollBack(): Promise<void> {
    while (this.undo.length > 0) {
      const undo = this.undo.pop() as () => unknown;
      try {
        await undo();
      } catch {
        // Undoing a half-made start: what fails here was never fully there.
      }
    }
  }

  private mainLog(): ComponentLogger {
    return this.logFor('main');
  }

  private logFor(
    component: 'main' | 'admin' | 'config' | 'stats' | 'file' | 'upstream' | 'wasm',
  ): ComponentLogger {
    if (this.logs === null) return consoleLogger as unknown as ComponentLogger;
    return this.logs.getLogger(component);
  }
}

/** Before the log registry exists (the stats store's first steps), lines go to stderr. */
const consoleLogger = {
  info: (...args: unknown[]) => console.error(...args),
  warn: (...args: unknown[]) => console.error(...args),
  error: (...args: unknown[]) => console.error(...args),
  debug: () => {},
};

function nodeJson(bootstrap: Bootstrap): Record<string, unknown> {
  const node = bootstrap.node;
  if (node === undefined) return {};
  const out: Record<string, unknown> = {};
  if (node.id !== '') out.id = node.id;
  if (node.cluster !== '') out.cluster = node.cluster;
  if (node.locality !== undefined) {
    const locality: Record<string, string> = {};
    if (node.locality.region !== '') locality.region = node.locality.region;
    if (node.locality.zone !== '') locality.zone = node.locality.zone;
    if (node.locality.subZone !== '') locality.sub_zone = node.locality.subZone;
    out.locality = locality;
  }
  return out;
}
