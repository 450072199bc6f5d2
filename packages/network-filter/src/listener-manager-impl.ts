import { createServer } from 'node:net';
import { currentDispatcher, type Dispatcher } from '@nuncio/dispatcher';
import type { Counter, Gauge, Scope } from '@nuncio/stats';
import { nullScope } from '@nuncio/stats';
import { ExactConnectionBalancer } from './connection-balancer-impl.ts';
import type {
  ListenerOptions,
  ListenerSnapshot,
  ListenerSnapshotEntry,
} from './connection-handler.ts';
import { listenerVersion } from './connection-handler-impl.ts';
import { ConnectionLimit } from './connection-limit.ts';
import { createDrainManager } from './drain-manager-impl.ts';
import { invalidArgument, NetworkError, NetworkErrorCode } from './errors.ts';
import { type ExtensionResolver, ListenerConfigImpl } from './listener-config-impl.ts';
import type { ListenerInput } from './listener-input.ts';
import type {
  ListenerManager,
  ListenerSummary,
  ListenerUpdateResult,
  ListenerWorkerSummary,
} from './listener-manager.ts';
import { LISTENER_COUNTER_NAMES, LISTENER_GAUGE_NAMES } from './listener-stats.ts';

/** Options for {@link createListenerManager}. */
export interface ListenerManagerOptions {
  /** Where filter names are looked up (the same extensions the workers register). */
  registry: ExtensionResolver;
  /** How many workers there are (for the per-worker stats). */
  concurrency: number;
  /** The stats scope: the main thread's `StatsStore`, whose shared stats the workers update. */
  scope?: Scope;
  /** The main thread's dispatcher (default `currentDispatcher()`), handed to factories. */
  dispatcher?: Dispatcher;
  /** Services factories can look up by name while their config is checked. */
  singletons?: Readonly<Record<string, unknown>>;
}

interface ManagedListener {
  /** The config as given (port 0 kept), to tell an update from a repeat. */
  readonly givenVersion: string;
  /** The config the workers get (port 0 resolved). */
  readonly config: ListenerInput;
  readonly options: ListenerOptions;
  readonly built: ListenerConfigImpl;
  readonly counter: SharedArrayBuffer;
  /** The per-worker counts of a listener with `exact_balance`. */
  readonly balanceCounters: SharedArrayBuffer | null;
  readonly version: string;
}

/** Binds port 0 on `host` for a moment and returns the port the OS chose. */
function choosePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      const port = address !== null && typeof address === 'object' ? address.port : 0;
      server.close(() =>
        port > 0 ? resolve(port) : reject(new Error(`no TCP port could be chosen on ${host}`)),
      );
    });
  });
}

function withPort(config: ListenerInput, port: number): ListenerInput {
  const socketAddress = config.address?.socketAddress;
  if (socketAddress === undefined) return config;
  return {
    ...config,
    address: { ...config.address, socketAddress: { ...socketAddress, portValue: port } },
  };
}

class ListenerManagerImpl implements ListenerManager {
  private readonly registry: ExtensionResolver;
  private readonly concurrency: number;
  private readonly scope: Scope;
  private readonly dispatcher: Dispatcher;
  private readonly singletons: ReadonlyMap<string, unknown>;
  private readonly managed: Map<string, ManagedListener>;
  private snapshotVersion: number;
  private readonly listenerAdded: Counter;
  private readonly listenerModified: Counter;
  private readonly listenerRemoved: Counter;
  private readonly totalListenersActive: Gauge;

  constructor(options: ListenerManagerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw invalidArgument(
        'ListenerManager concurrency',
        options.concurrency,
        'an integer, 1 or more',
      );
    }
    this.registry = options.registry;
    this.concurrency = options.concurrency;
    this.scope = options.scope ?? nullScope;
    this.dispatcher = options.dispatcher ?? currentDispatcher();
    this.singletons = new Map(Object.entries(options.singletons ?? {}));
    this.managed = new Map();
    this.snapshotVersion = 0;
    const stats = this.scope.scopeFromStatName('listener_manager');
    this.listenerAdded = stats.counterFromString('listener_added');
    this.listenerModified = stats.counterFromString('listener_modified');
    this.listenerRemoved = stats.counterFromString('listener_removed');
    this.totalListenersActive = stats.gaugeFromString('total_listeners_active', 'NeverImport');
  }

  private check(config: ListenerInput): ListenerConfigImpl {
    return new ListenerConfigImpl(config, {
      registry: this.registry,
      dispatcher: this.dispatcher,
      scope: this.scope,
      workerIndex: -1,
      drainDecision: createDrainManager(),
      singletons: this.singletons,
      buildFactories: false,
    });
  }

  async addOrUpdateListener(
    config: ListenerInput,
    options: ListenerOptions = {},
  ): Promise<ListenerUpdateResult> {
    const max = options.maxConnections;
    if (max !== undefined && !(Number.isInteger(max) && max >= 0)) {
      throw invalidArgument('maxConnections', max, 'an integer, 0 or more');
    }
    const checked = this.check(config);
    const givenVersion = listenerVersion(config, options);
    const existing = this.managed.get(config.name);
    if (existing !== undefined && existing.givenVersion === givenVersion) return 'unchanged';
    let resolved = config;
    if (checked.address.port === 0) {
      // Keep the port chosen before when the address is unchanged, so workers need not rebind.
      const before = existing?.built.address;
      const port =
        before !== undefined && before.address === checked.address.address
          ? existing?.config.address?.socketAddress?.portValue
          : undefined;
      try {
        resolved = withPort(config, port ?? (await choosePort(checked.address.address)));
      } catch (error) {
        throw new NetworkError(
          NetworkErrorCode.BindFailed,
          `listener '${config.name}': cannot choose a port on ${checked.address.address}: ${
            error instanceof Error ? error.message : String(error)
          }`,
          { cause: error },
        );
      }
    }
    const built = resolved === config ? checked : this.check(resolved);
    const stored: ListenerOptions = {};
    if (max !== undefined) stored.maxConnections = max;
    this.snapshotVersion++;
    this.managed.set(config.name, {
      givenVersion,
      config: resolved,
      options: stored,
      built,
      counter: existing?.counter ?? options.connectionCounter ?? ConnectionLimit.createCounter(),
      // Kept across updates, like the limit's counter: the workers' counts go on.
      balanceCounters: built.exactBalance
        ? (existing?.balanceCounters ??
          options.connectionBalanceCounters ??
          ExactConnectionBalancer.createCounters(this.concurrency))
        : null,
      version: `${config.name}@${this.snapshotVersion}`,
    });
    this.totalListenersActive.set(this.managed.size);
    if (existing === undefined) {
      this.listenerAdded.inc();
      return 'added';
    }
    this.listenerModified.inc();
    return 'updated';
  }

  removeListener(name: string): boolean {
    if (!this.managed.delete(name)) return false;
    this.snapshotVersion++;
    this.listenerRemoved.inc();
    this.totalListenersActive.set(this.managed.size);
    return true;
  }

  snapshot(): ListenerSnapshot {
    const listeners: ListenerSnapshotEntry[] = [];
    for (const entry of this.managed.values()) {
      listeners.push({
        config: entry.config,
        version: entry.version,
        connectionCounter: entry.counter,
        ...entry.options,
        ...(entry.balanceCounters === null
          ? {}
          : { connectionBalanceCounters: entry.balanceCounters }),
      });
    }
    return { version: this.snapshotVersion, listeners };
  }

  listeners(): ListenerSummary[] {
    const summaries: ListenerSummary[] = [];
    for (const entry of this.managed.values()) {
      const built = entry.built;
      const scope = built.listenerScope;
      const stats: Record<string, number> = {};
      for (const name of LISTENER_COUNTER_NAMES)
        stats[name] = scope.counterFromString(name).value();
      for (const name of LISTENER_GAUGE_NAMES) stats[name] = scope.gaugeFromString(name).value();
      const workers: ListenerWorkerSummary[] = [];
      for (let index = 0; index < this.concurrency; index++) {
        const worker = scope.scopeFromStatName(`worker_${index}`);
        workers.push({
          index,
          downstreamCxTotal: worker.counterFromString('downstream_cx_total').value(),
          downstreamCxActive: worker.gaugeFromString('downstream_cx_active').value(),
        });
      }
      summaries.push({
        name: built.name,
        address: built.address,
        addressString: built.addressString,
        statPrefix: built.statPrefix,
        filterChains: built.filterChainManager.filterChains.length,
        defaultFilterChain: built.filterChainManager.defaultFilterChain !== null,
        listenerFilters: built.listenerFilterNames,
        maxConnections: entry.options.maxConnections ?? null,
        openConnections: Atomics.load(new Int32Array(entry.counter, 0, 1), 0),
        stats,
        workers,
      });
    }
    return summaries;
  }

  workerLost(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.concurrency)) {
      throw invalidArgument('worker index', index, `an integer from 0 to ${this.concurrency - 1}`);
    }
    for (const entry of this.managed.values()) {
      if (entry.balanceCounters !== null) {
        new ExactConnectionBalancer(entry.balanceCounters).forgetHandler(index);
      }
    }
  }

  workerConnections(): number[] {
    const counts = new Array<number>(this.concurrency).fill(0);
    for (const summary of this.listeners()) {
      for (const worker of summary.workers) {
        counts[worker.index] = (counts[worker.index] ?? 0) + worker.downstreamCxActive;
      }
    }
    return counts;
  }
}

/** Creates the main thread's {@link ListenerManager}. */
export function createListenerManager(options: ListenerManagerOptions): ListenerManager {
  return new ListenerManagerImpl(options);
}
