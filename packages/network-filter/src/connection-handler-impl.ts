import { currentDispatcher, type Dispatcher } from '@nuncio/dispatcher';
import type { Counter, Scope } from '@nuncio/stats';
import { nullScope } from '@nuncio/stats';
import { ActiveTcpListener, type ListenerBalancing } from './active-tcp-listener.ts';
import { ExactConnectionBalancer } from './connection-balancer-impl.ts';
import type {
  ActiveListenerInfo,
  ConnectionHandler,
  ListenerOptions,
  ListenerSnapshot,
} from './connection-handler.ts';
import { ConnectionLimit } from './connection-limit.ts';
import type { DrainManager, DrainStrategy } from './drain-manager.ts';
import { createDrainManager } from './drain-manager-impl.ts';
import { invalidArgument, NetworkError, NetworkErrorCode } from './errors.ts';
import { type ExtensionResolver, ListenerConfigImpl } from './listener-config-impl.ts';
import type { ListenerInput } from './listener-input.ts';
import type { RebalancedSocket, SocketHandOff } from './socket-hand-off.ts';

/** Envoy's default `--drain-time-s`: 600 s. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 600_000;

/** Options for {@link createConnectionHandler}. */
export interface ConnectionHandlerOptions {
  /**
   * Where filter names are looked up: a `ConfigRegistry` holding this package's
   * `builtinExtensions` and whatever else the program registered (the TCP proxy...).
   */
  registry: ExtensionResolver;
  /** The worker's dispatcher (default `currentDispatcher()`). */
  dispatcher?: Dispatcher;
  /** The worker's index (default 0). */
  workerIndex?: number;
  /** The stats scope (a `StatsStore` opened on the worker); default: no stats. */
  scope?: Scope;
  /** Services factories can look up by name (`FactoryContext.getSingleton`). */
  singletons?: Readonly<Record<string, unknown>>;
  /** How long a listener removed by a snapshot drains before its connections are closed. */
  drainTimeoutMs?: number;
  /**
   * How `drainClose()` answers filters while a listener drains (Envoy's `--drain-strategy`):
   * `gradual` (the default, Envoy's) or `immediate`.
   */
  drainStrategy?: DrainStrategy;
  /**
   * How this worker reaches the others to hand them sockets, for listeners with
   * `exact_balance` (a `DispatcherSocketHandOff`). Without it, no listener balances.
   */
  socketHandOff?: SocketHandOff;
}

interface Entry {
  readonly listener: ActiveTcpListener;
  readonly version: string;
}

/** A config's identity: its JSON (64-bit integers as strings). */
export function listenerVersion(config: ListenerInput, options: ListenerOptions = {}): string {
  return JSON.stringify([config, options.maxConnections ?? null], (_key, value) =>
    typeof value === 'bigint'
      ? value.toString()
      : value instanceof SharedArrayBuffer
        ? null
        : value,
  );
}

class ConnectionHandlerImpl implements ConnectionHandler {
  readonly workerIndex: number;
  private readonly dispatcher: Dispatcher;
  private readonly registry: ExtensionResolver;
  private readonly scope: Scope;
  private readonly singletons: ReadonlyMap<string, unknown>;
  private readonly drainTimeoutMs: number;
  private readonly drainStrategy: DrainStrategy | undefined;
  private readonly socketHandOff: SocketHandOff | null;
  private readonly entries: Map<string, Entry>;
  private readonly createSuccess: Counter;
  private readonly createFailure: Counter;

  constructor(options: ConnectionHandlerOptions) {
    this.workerIndex = options.workerIndex ?? 0;
    if (!Number.isInteger(this.workerIndex) || this.workerIndex < 0) {
      throw invalidArgument(
        'ConnectionHandler workerIndex',
        options.workerIndex,
        'an integer, 0 or more',
      );
    }
    this.dispatcher = options.dispatcher ?? currentDispatcher();
    this.registry = options.registry;
    this.scope = options.scope ?? nullScope;
    this.singletons = new Map(Object.entries(options.singletons ?? {}));
    this.drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
    this.drainStrategy = options.drainStrategy;
    // Checked here, so that a bad strategy fails the handler rather than its first listener.
    this.newDrainManager();
    this.socketHandOff = options.socketHandOff ?? null;
    this.entries = new Map();
    const manager = this.scope.scopeFromStatName('listener_manager');
    this.createSuccess = manager.counterFromString('listener_create_success');
    this.createFailure = manager.counterFromString('listener_create_failure');
  }

  numConnections(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.listener.numConnections();
    return total;
  }

  private newDrainManager(): DrainManager {
    return createDrainManager({
      ...(this.drainStrategy === undefined ? {} : { strategy: this.drainStrategy }),
      timeSource: this.dispatcher.timeSource,
    });
  }

  private buildConfig(config: ListenerInput, drainManager: DrainManager): ListenerConfigImpl {
    return new ListenerConfigImpl(config, {
      registry: this.registry,
      dispatcher: this.dispatcher,
      scope: this.scope,
      workerIndex: this.workerIndex,
      drainDecision: drainManager,
      singletons: this.singletons,
      buildFactories: true,
    });
  }

  async addListener(
    config: ListenerInput,
    options: ListenerOptions = {},
  ): Promise<ActiveListenerInfo> {
    if (this.entries.has(config.name)) {
      throw new NetworkError(
        NetworkErrorCode.ListenerExists,
        `a listener named '${config.name}' already exists on worker ${this.workerIndex}`,
      );
    }
    const drainManager = this.newDrainManager();
    const built = this.buildConfig(config, drainManager);
    const balancing = this.balancingFor(built, options);
    const limit = new ConnectionLimit(
      options.maxConnections ?? ConnectionLimit.UNLIMITED,
      // A balanced listener's limit must be one counter for every worker (a socket counted on
      // one is released on another): the balancer's counters start with one.
      options.connectionCounter ??
        (balancing === null ? undefined : options.connectionBalanceCounters),
    );
    const listener = new ActiveTcpListener(
      this.dispatcher,
      built,
      limit,
      drainManager,
      this.workerIndex,
      balancing,
    );
    // Reserve the name while binding, so a second add of the same name fails cleanly.
    const entry: Entry = { listener, version: listenerVersion(config, options) };
    this.entries.set(config.name, entry);
    try {
      await listener.listen();
    } catch (error) {
      this.entries.delete(config.name);
      this.createFailure.inc();
      throw error;
    }
    this.createSuccess.inc();
    return this.info(entry);
  }

  /** The listener's balancer and hand-off, when it asks for exact balance and can have it. */
  private balancingFor(
    built: ListenerConfigImpl,
    options: ListenerOptions,
  ): ListenerBalancing | null {
    const counters = options.connectionBalanceCounters;
    if (!built.exactBalance || counters === undefined || this.socketHandOff === null) return null;
    const balancer = new ExactConnectionBalancer(counters);
    if (this.workerIndex >= balancer.workers) {
      throw invalidArgument(
        `listener '${built.name}': connectionBalanceCounters`,
        `counters for ${balancer.workers} worker(s)`,
        `counters with room for worker ${this.workerIndex}`,
      );
    }
    return { balancer, handOff: this.socketHandOff };
  }

  async updateListener(
    config: ListenerInput,
    options: ListenerOptions = {},
  ): Promise<ActiveListenerInfo> {
    const existing = this.entries.get(config.name);
    if (existing === undefined) return this.addListener(config, options);
    const listener = existing.listener;
    const built = this.buildConfig(config, listener.drainManager);
    // Balancing is fixed when the listener is made: a change of it makes a new listener.
    const sameSocket =
      built.address.address === listener.config.address.address &&
      built.address.port === listener.config.address.port &&
      built.enableReusePort === listener.config.enableReusePort &&
      listener.balanced() === (this.balancingFor(built, options) !== null);
    if (sameSocket && listener.listening()) {
      listener.config = built;
      listener.limit.max = options.maxConnections ?? ConnectionLimit.UNLIMITED;
      const entry: Entry = { listener, version: listenerVersion(config, options) };
      this.entries.set(config.name, entry);
      return this.info(entry);
    }
    this.entries.delete(config.name);
    void listener.drain(this.drainTimeoutMs);
    return this.addListener(config, options);
  }

  async removeListener(name: string): Promise<boolean> {
    const entry = this.entries.get(name);
    if (entry === undefined) return false;
    this.entries.delete(name);
    entry.listener.drainManager.startDrainSequence(0);
    await entry.listener.stopListening();
    entry.listener.closeAll();
    return true;
  }

  async drainListener(name: string, timeoutMs?: number): Promise<boolean> {
    const entry = this.entries.get(name);
    if (entry === undefined) return false;
    this.entries.delete(name);
    await entry.listener.drain(timeoutMs ?? this.drainTimeoutMs);
    return true;
  }

  async stopListeners(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.listener.stopListening()));
  }

  async applySnapshot(snapshot: ListenerSnapshot): Promise<void> {
    const wanted = new Map(snapshot.listeners.map((entry) => [entry.config.name, entry]));
    for (const name of [...this.entries.keys()]) {
      if (!wanted.has(name)) void this.drainListener(name);
    }
    let firstError: unknown = null;
    for (const entry of snapshot.listeners) {
      const options: ListenerOptions = {};
      if (entry.maxConnections !== undefined) options.maxConnections = entry.maxConnections;
      if (entry.connectionCounter !== undefined)
        options.connectionCounter = entry.connectionCounter;
      if (entry.connectionBalanceCounters !== undefined) {
        options.connectionBalanceCounters = entry.connectionBalanceCounters;
      }
      const version = entry.version ?? listenerVersion(entry.config, options);
      const current = this.entries.get(entry.config.name);
      if (current !== undefined && current.version === version) continue;
      try {
        if (current === undefined) await this.addListener(entry.config, options);
        else await this.updateListener(entry.config, options);
        const applied = this.entries.get(entry.config.name);
        if (applied !== undefined) {
          this.entries.set(entry.config.name, { listener: applied.listener, version });
        }
      } catch (error) {
        firstError ??= error;
      }
    }
    if (firstError !== null) throw firstError;
  }

  listeners(): ActiveListenerInfo[] {
    return [...this.entries.values()].map((entry) => this.info(entry));
  }

  private info(entry: Entry): ActiveListenerInfo {
    const listener = entry.listener;
    const chains = listener.config.filterChainManager;
    return {
      name: listener.config.name,
      address: listener.address(),
      connections: listener.numConnections(),
      draining: listener.drainManager.draining() || !listener.listening(),
      filterChains: chains.filterChains.length,
      defaultFilterChain: chains.defaultFilterChain !== null,
    };
  }

  adoptRebalancedSocket(message: RebalancedSocket): boolean {
    const entry = this.entries.get(message.listener);
    if (entry === undefined) {
      // The listener is gone here (removed or drained away): so is its balancing.
      message.socket.destroy();
      return false;
    }
    return entry.listener.adoptRebalancedSocket(message.socket);
  }

  async shutdown(): Promise<void> {
    const listeners = [...this.entries.values()].map((entry) => entry.listener);
    this.entries.clear();
    for (const listener of listeners) listener.drainManager.startDrainSequence(0);
    await Promise.all(listeners.map((listener) => listener.stopListening()));
    for (const listener of listeners) listener.closeAll();
  }
}

/**
 * Creates a worker's {@link ConnectionHandler}. Call it on the worker thread (typically in the
 * worker module's `init`), with a registry holding the extensions the program supports.
 */
export function createConnectionHandler(options: ConnectionHandlerOptions): ConnectionHandler {
  return new ConnectionHandlerImpl(options);
}
