// One thread's instance of a base VM (proxy-wasm-cpp-host's `WasmBase`): the WebAssembly instance,
// its contexts, the calls into the module and the failed state. Not exported from the package:
// plugins reach it through `WasmPluginCache` and `WasmPlugin`.
import type { Timer } from '@nuncio/dispatcher';
import type { Counter, Gauge, Histogram } from '@nuncio/stats';
import { LogLevel } from './abi-types.ts';
import { AbiVersion } from './abi-version.ts';
import { ContextImpl } from './context-impl.ts';
import {
  configureFailedError,
  initializeFailedError,
  startFailedError,
  type WasmHostError,
} from './errors.ts';
import { FailState } from './fail-state.ts';
import type { WasmHostEnvironment } from './host-environment.ts';
import { createHostImports } from './host-imports.ts';
import type { HttpCallCancel } from './http-call.ts';
import type { BaseVmDescriptor, PluginDescriptor } from './plugin-options.ts';
import type { StreamCallbacks } from './stream-callbacks.ts';
import { consoleWasmLogger, type WasmLogger } from './wasm-logger.ts';
import { WasmMemory } from './wasm-memory.ts';
import { WasmHostStats } from './wasm-stats.ts';
import { WasmApi, type WasmInstanceObject } from './webassembly-api.ts';

/** An exported function of the module, as called by the host. */
type ModuleFunction = (a?: number, b?: number, c?: number, d?: number, e?: number) => unknown;

/** The module's callbacks the host calls, looked up once after instantiation. */
export interface ModuleFunctions {
  readonly malloc: ModuleFunction | undefined;
  readonly onVmStart: ModuleFunction | undefined;
  readonly onConfigure: ModuleFunction | undefined;
  readonly onTick: ModuleFunction | undefined;
  readonly onContextCreate: ModuleFunction | undefined;
  readonly onNewConnection: ModuleFunction | undefined;
  readonly onDownstreamData: ModuleFunction | undefined;
  readonly onUpstreamData: ModuleFunction | undefined;
  readonly onDownstreamConnectionClose: ModuleFunction | undefined;
  readonly onUpstreamConnectionClose: ModuleFunction | undefined;
  readonly onRequestHeaders: ModuleFunction | undefined;
  readonly onRequestBody: ModuleFunction | undefined;
  readonly onRequestTrailers: ModuleFunction | undefined;
  readonly onResponseHeaders: ModuleFunction | undefined;
  readonly onResponseBody: ModuleFunction | undefined;
  readonly onResponseTrailers: ModuleFunction | undefined;
  readonly onHttpCallResponse: ModuleFunction | undefined;
  readonly onQueueReady: ModuleFunction | undefined;
  readonly onDone: ModuleFunction | undefined;
  readonly onLog: ModuleFunction | undefined;
  readonly onDelete: ModuleFunction | undefined;
}

/** What a plugin metric needs of a stat (a no-op stands in when the thread has no stats). */
interface MetricCell {
  add(amount: number): void;
  sub(amount: number): void;
  set(value: number): void;
  value(): number;
  recordValue(value: number): void;
}

/** A plugin-defined metric. */
type PluginMetric =
  | { readonly type: 0; readonly counter: Pick<Counter, 'add' | 'value'> }
  | { readonly type: 1; readonly gauge: Pick<Gauge, 'add' | 'sub' | 'set' | 'value'> }
  | { readonly type: 2; readonly histogram: Pick<Histogram, 'recordValue'> };

const NULL_METRIC: MetricCell = {
  add() {},
  sub() {},
  set() {},
  value: () => 0,
  recordValue() {},
};

/** An `http_call` in flight. */
interface PendingHttpCall {
  readonly root: ContextImpl;
  cancel: HttpCallCancel | null;
}

/** Memory of size zero: every access is out of bounds until the instance's memory is known. */
const NO_MEMORY = new WasmMemory(new WasmApi.Memory({ initial: 0 }));

const METRIC_TYPE_MASK = 0x3;
const METRIC_ID_INCREMENT = 0x4;

/** The host functions a module may call while its start functions run (proxy-wasm-cpp-host's list). */
export const START_ALLOWED = new Set([
  'emscripten_notify_memory_growth',
  'proxy_log',
  'fd_write',
  'args_sizes_get',
  'args_get',
  'environ_sizes_get',
  'environ_get',
  'clock_time_get',
  'clock_res_get',
  'random_get',
  'poll_oneoff',
  'fd_fdstat_get',
  'fd_fdstat_set_flags',
]);

/** Shared state of the host across the VMs of one thread: stats and a defaulted logger. */
export interface ThreadHost {
  readonly env: WasmHostEnvironment;
  readonly logger: WasmLogger;
  readonly stats: WasmHostStats;
  readonly customStatNamespace: string;
}

/** Resolves an environment's defaults once per thread. */
export function threadHost(env: WasmHostEnvironment, runtime: string): ThreadHost {
  return {
    env,
    logger: env.logger ?? consoleWasmLogger(),
    stats: new WasmHostStats(env.stats, runtime),
    customStatNamespace: env.customStatNamespace ?? 'wasmcustom',
  };
}

/** Thrown from a host function to stop the module (becomes a failure of the running call). */
export class HostTrap extends Error {
  override readonly name = 'HostTrap';
}

/**
 * One thread's copy of a base VM. Every call into the module goes through {@link WasmVm.call},
 * which sets the current context for host functions, turns a trap into the VM's failed state, and
 * runs the actions the plugin asked for once the outermost call has returned.
 */
export class WasmVm {
  readonly base: BaseVmDescriptor;
  readonly host: ThreadHost;
  readonly vmId: string;
  readonly vmKey: string;
  readonly abiVersion: AbiVersion;
  /** The module's memory, bounds-checked. */
  memory: WasmMemory;
  fns: ModuleFunctions | null;
  /** Why the VM failed, or null while it works. */
  failState: FailState | null;
  failMessage: string;
  /** True while the module's start functions run (most host functions trap then). */
  starting: boolean;
  /** The context host functions act for (the effective context once set). */
  current: ContextImpl | null;
  /** Set by `proxy_send_local_response`: the running callback's result becomes a stop. */
  stopNextIteration: boolean;
  /** Whether the last outermost call asked to stop (read right after `call` returns). */
  lastCallStopped: boolean;
  readonly vmContext: ContextImpl;
  readonly contexts: Map<number, ContextImpl>;
  readonly rootContexts: Map<string, ContextImpl>;
  private readonly pendingDone: Map<string, ContextImpl>;
  private nextContextId: number;
  private callDepth: number;
  private effectiveContextId: number;
  private readonly afterCall: (() => void)[];
  private readonly failCallbacks: ((state: FailState) => void)[];
  private readonly tickTimers: Map<number, { timer: Timer; period: number }>;
  readonly metrics: Map<number, PluginMetric>;
  private nextCounterId: number;
  private nextGaugeId: number;
  private nextHistogramId: number;
  readonly httpCalls: Map<number, PendingHttpCall>;
  private nextHttpCallId: number;
  /** Names of unimplemented host functions already logged (each is logged once per VM). */
  private readonly unimplementedLogged: Set<string>;
  private instance: WasmInstanceObject | null;
  private disposed: boolean;

  constructor(base: BaseVmDescriptor, host: ThreadHost) {
    this.base = base;
    this.host = host;
    this.vmId = base.vmId;
    this.vmKey = base.vmKey;
    this.abiVersion = base.abiVersion;
    this.memory = NO_MEMORY;
    this.fns = null;
    this.failState = null;
    this.failMessage = '';
    this.starting = false;
    this.current = null;
    this.stopNextIteration = false;
    this.lastCallStopped = false;
    this.contexts = new Map();
    this.rootContexts = new Map();
    this.pendingDone = new Map();
    this.nextContextId = 1;
    this.callDepth = 0;
    this.effectiveContextId = 0;
    this.afterCall = [];
    this.failCallbacks = [];
    this.tickTimers = new Map();
    this.metrics = new Map();
    this.nextCounterId = 0;
    this.nextGaugeId = 1;
    this.nextHistogramId = 2;
    this.httpCalls = new Map();
    this.nextHttpCallId = 1;
    this.unimplementedLogged = new Set();
    this.instance = null;
    this.disposed = false;
    this.vmContext = new ContextImpl(this, 0, null, null);
    this.contexts.set(0, this.vmContext);
  }

  /** True once the VM has failed; it then runs no more plugin code. */
  get failed(): boolean {
    return this.failState !== null;
  }

  /**
   * Instantiates the module and runs its start functions (`_initialize` then `main` or
   * `__main_void`, else `_start`, else `__wasm_call_ctors`). Throws a `WasmHostError` on failure.
   */
  initialize(): void {
    let instance: WasmInstanceObject;
    try {
      instance = new WasmApi.Instance(this.base.module, createHostImports(this));
    } catch (error) {
      const failure = initializeFailedError(describeError(error), error);
      this.fail(FailState.UnableToInitializeCode, failure.message);
      throw failure;
    }
    this.instance = instance;
    this.host.stats.vmCreated();
    const exports = instance.exports;
    const memory = exports.memory;
    if (memory instanceof WasmApi.Memory) this.memory = new WasmMemory(memory);
    const fn = (name: string) => {
      const f = exports[name];
      return typeof f === 'function' ? (f as ModuleFunction) : undefined;
    };
    const v02 = this.abiVersion !== AbiVersion.V0_1_0;
    this.fns = {
      malloc: fn('proxy_on_memory_allocate') ?? fn('malloc'),
      onVmStart: fn('proxy_on_vm_start'),
      onConfigure: fn('proxy_on_configure'),
      onTick: fn('proxy_on_tick'),
      onContextCreate: fn('proxy_on_context_create'),
      onNewConnection: fn('proxy_on_new_connection'),
      onDownstreamData: fn('proxy_on_downstream_data'),
      onUpstreamData: fn('proxy_on_upstream_data'),
      onDownstreamConnectionClose: fn('proxy_on_downstream_connection_close'),
      onUpstreamConnectionClose: fn('proxy_on_upstream_connection_close'),
      onRequestHeaders: fn('proxy_on_request_headers'),
      onRequestBody: fn('proxy_on_request_body'),
      onRequestTrailers: fn('proxy_on_request_trailers'),
      onResponseHeaders: fn('proxy_on_response_headers'),
      onResponseBody: fn('proxy_on_response_body'),
      onResponseTrailers: fn('proxy_on_response_trailers'),
      onHttpCallResponse: fn('proxy_on_http_call_response'),
      onQueueReady: fn('proxy_on_queue_ready'),
      onDone: fn('proxy_on_done'),
      onLog: fn('proxy_on_log'),
      onDelete: fn('proxy_on_delete'),
    };
    // `proxy_on_foreign_function` exists for 0.2.x, but no foreign function calls back into a
    // plugin here (no host function is registered that would).
    void v02;
    const initialize = fn('_initialize');
    const start = fn('_start');
    const ctors = fn('__wasm_call_ctors');
    this.starting = true;
    try {
      if (initialize !== undefined) {
        this.call(this.vmContext, '_initialize', initialize);
        const main = fn('main');
        const mainVoid = fn('__main_void');
        if (!this.failed && main !== undefined) this.call(this.vmContext, 'main', main, 0, 0);
        else if (!this.failed && mainVoid !== undefined) {
          this.call(this.vmContext, '__main_void', mainVoid);
        }
      } else if (start !== undefined) {
        this.call(this.vmContext, '_start', start);
      } else if (ctors !== undefined) {
        this.call(this.vmContext, '__wasm_call_ctors', ctors);
      }
    } finally {
      this.starting = false;
    }
    if (this.failed) {
      this.failState = FailState.UnableToInitializeCode;
      throw initializeFailedError(this.failMessage);
    }
  }

  /**
   * Creates (or finds) the plugin's root context and runs `proxy_on_context_create` and
   * `proxy_on_vm_start`. Throws `StartFailed` when the module refuses or traps.
   */
  startPlugin(plugin: PluginDescriptor): ContextImpl {
    let root = this.rootContexts.get(plugin.key);
    if (root === undefined) {
      root = new ContextImpl(this, this.allocContextId(), null, plugin);
      this.contexts.set(root.id, root);
      this.rootContexts.set(plugin.key, root);
    }
    const fns = this.fns as ModuleFunctions;
    let ok = true;
    if (fns.onContextCreate !== undefined && !this.failed) {
      root.tempPluginConfiguration = plugin.configuration;
      this.call(root, 'proxy_on_context_create', fns.onContextCreate, root.id, 0);
      root.tempPluginConfiguration = null;
      root.createdInVm = true;
    }
    if (fns.onVmStart !== undefined && !this.failed) {
      const size = this.base.vmConfiguration.length;
      ok = this.call(root, 'proxy_on_vm_start', fns.onVmStart, root.id, size) !== 0;
    }
    if (this.failed)
      throw this.refused(
        root,
        FailState.StartFailed,
        startFailedError(plugin.name, this.failMessage),
      );
    if (!ok) {
      throw this.refused(
        root,
        FailState.StartFailed,
        startFailedError(plugin.name, 'proxy_on_vm_start returned false'),
      );
    }
    return root;
  }

  /** Runs `proxy_on_configure` on `root`. Throws `ConfigureFailed` when it refuses or traps. */
  configurePlugin(root: ContextImpl, plugin: PluginDescriptor): void {
    const fns = this.fns as ModuleFunctions;
    if (!root.createdInVm && fns.onContextCreate !== undefined && !this.failed) {
      this.call(root, 'proxy_on_context_create', fns.onContextCreate, root.id, 0);
    }
    root.createdInVm = true;
    if (this.failed) {
      throw this.refused(
        root,
        FailState.ConfigureFailed,
        configureFailedError(plugin.name, this.failMessage),
      );
    }
    if (fns.onConfigure === undefined) return;
    root.tempPluginConfiguration = plugin.configuration;
    const ok =
      this.call(
        root,
        'proxy_on_configure',
        fns.onConfigure,
        root.id,
        plugin.configuration.length,
      ) !== 0;
    root.tempPluginConfiguration = null;
    if (this.failed) {
      throw this.refused(
        root,
        FailState.ConfigureFailed,
        configureFailedError(plugin.name, this.failMessage),
      );
    }
    if (!ok) {
      throw this.refused(
        root,
        FailState.ConfigureFailed,
        configureFailedError(plugin.name, 'proxy_on_configure returned false'),
      );
    }
  }

  /**
   * A plugin that did not start or configure: its root context is forgotten (the VM stays usable
   * for its other plugins unless the module trapped), the failure counted and logged.
   */
  private refused(root: ContextImpl, state: FailState, error: WasmHostError): WasmHostError {
    this.stopTick(root.id);
    this.contexts.delete(root.id);
    if (root.plugin !== null && this.rootContexts.get(root.plugin.key) === root) {
      this.rootContexts.delete(root.plugin.key);
    }
    this.host.stats.failed(state);
    return error;
  }

  /** A new stream context under `root`, not yet announced to the module. */
  createStreamContext(root: ContextImpl, callbacks: StreamCallbacks): ContextImpl {
    const context = new ContextImpl(this, this.allocContextId(), root, root.plugin);
    context.callbacks = callbacks;
    this.contexts.set(context.id, context);
    return context;
  }

  /**
   * Ends a plugin's root context: `proxy_on_done`, then `proxy_on_delete`; a plugin answering
   * false to `on_done` is deleted when it calls `proxy_done`.
   */
  shutdownPlugin(pluginKey: string): void {
    const root = this.rootContexts.get(pluginKey);
    if (root === undefined) return;
    this.rootContexts.delete(pluginKey);
    this.stopTick(root.id);
    if (root.onDone()) {
      this.deleteRoot(root);
    } else {
      this.pendingDone.set(pluginKey, root);
    }
  }

  /** `proxy_done` from `context`: finishes a root context that answered false to `on_done`. */
  done(context: ContextImpl): number {
    const key = context.plugin?.key;
    const root = key === undefined ? undefined : this.pendingDone.get(key);
    if (root === undefined || key === undefined) return 1; // NotFound
    this.pendingDone.delete(key);
    // Not from inside the call that asked for it.
    this.afterCall.push(() => this.deleteRoot(root));
    return 0;
  }

  private deleteRoot(root: ContextImpl): void {
    root.onDelete();
    for (const [token, call] of this.httpCalls) {
      if (call.root === root) {
        call.cancel?.cancel();
        this.httpCalls.delete(token);
      }
    }
    this.contexts.delete(root.id);
  }

  /** Shuts every root context down, then disposes of the instance. */
  shutdown(): void {
    for (const key of [...this.rootContexts.keys()]) this.shutdownPlugin(key);
    this.dispose();
  }

  /** Drops the instance without calling into it: timers off, calls cancelled. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { timer } of this.tickTimers.values()) timer.disableTimer();
    this.tickTimers.clear();
    for (const call of this.httpCalls.values()) call.cancel?.cancel();
    this.httpCalls.clear();
    if (this.instance !== null) this.host.stats.vmDestroyed();
    this.instance = null;
  }

  /** Registers a callback for when the VM fails (after initialization). */
  onFail(callback: (state: FailState) => void): void {
    this.failCallbacks.push(callback);
  }

  allocContextId(): number {
    while (this.contexts.has(this.nextContextId)) this.nextContextId++;
    return this.nextContextId++;
  }

  /**
   * Calls an exported function for `context` and returns its result as an unsigned 32-bit number
   * (0 for void functions and after a failure). A trap or error fails the VM.
   */
  call(
    context: ContextImpl,
    name: string,
    fn: ModuleFunction,
    a?: number,
    b?: number,
    c?: number,
    d?: number,
    e?: number,
  ): number {
    const previous = this.current;
    const previousEffective = this.effectiveContextId;
    this.current = context;
    this.effectiveContextId = 0;
    this.callDepth++;
    try {
      const result = fn(a, b, c, d, e);
      return typeof result === 'number' ? result >>> 0 : 0;
    } catch (error) {
      this.fail(FailState.RuntimeError, `Function: ${name} failed: ${describeError(error)}`);
      return 0;
    } finally {
      this.current = previous;
      this.effectiveContextId = previousEffective;
      if (--this.callDepth === 0) {
        this.lastCallStopped = this.stopNextIteration;
        this.stopNextIteration = false;
        if (this.afterCall.length > 0) this.runAfterCall();
      }
    }
  }

  /** True while a call into the module is running on this VM. */
  get inCall(): boolean {
    return this.callDepth > 0;
  }

  /** Queues an action to run when the outermost call into the module has returned. */
  deferAfterCall(action: () => void): void {
    this.afterCall.push(action);
  }

  private runAfterCall(): void {
    // Actions may call into the module again (and queue more).
    while (this.afterCall.length > 0) {
      const action = this.afterCall.shift() as () => void;
      try {
        action();
      } catch (error) {
        this.host.logger.log(
          LogLevel.Error,
          `wasm vm ${this.vmId}: a deferred action threw: ${describeError(error)}`,
        );
      }
    }
  }

  /** The context host functions act for: the effective context, else the calling one. */
  context(): ContextImpl {
    if (this.starting) throw new HostTrap('restricted_callback');
    if (this.effectiveContextId !== 0) {
      const effective = this.contexts.get(this.effectiveContextId);
      if (effective !== undefined) return effective;
    }
    return this.current ?? this.vmContext;
  }

  /** The context for host functions allowed while start functions run. */
  contextOrVm(): ContextImpl {
    if (this.effectiveContextId !== 0) {
      const effective = this.contexts.get(this.effectiveContextId);
      if (effective !== undefined) return effective;
    }
    return this.current ?? this.vmContext;
  }

  /** `proxy_set_effective_context`. */
  setEffectiveContext(id: number): boolean {
    if (!this.contexts.has(id)) return false;
    this.effectiveContextId = id;
    return true;
  }

  /**
   * Allocates `size` bytes in the module (`proxy_on_memory_allocate` or `malloc`); returns the
   * address, or 0 when the module cannot allocate.
   */
  allocate(size: number): number {
    const malloc = this.fns?.malloc;
    if (malloc === undefined || this.failed) return 0;
    let address: number;
    try {
      address = Number(malloc(size)) >>> 0;
    } catch (error) {
      this.fail(FailState.RuntimeError, `Function: malloc failed: ${describeError(error)}`);
      return 0;
    }
    if (address === 0 || !this.memory.inBounds(address, size)) return 0;
    return address;
  }

  /**
   * Copies `data` into memory the module allocates and writes its address and size at
   * `pointerPointer` and `sizePointer` (an empty value writes 0, 0). False on a bad pointer or a
   * failed allocation.
   */
  copyOut(data: Uint8Array, pointerPointer: number, sizePointer: number): boolean {
    let address = 0;
    if (data.length > 0) {
      address = this.allocate(data.length);
      if (address === 0 || !this.memory.write(address, data)) return false;
    }
    return (
      this.memory.setU32(pointerPointer, address) && this.memory.setU32(sizePointer, data.length)
    );
  }

  /** Marks the VM failed (once), logs, counts, and tells the fail callbacks. */
  fail(state: FailState, message: string): void {
    if (this.failState !== null) return;
    this.failState = state;
    this.failMessage = message;
    this.host.stats.failed(state);
    this.host.logger.log(LogLevel.Critical, `wasm vm ${this.vmId}: ${message}`);
    for (const { timer } of this.tickTimers.values()) timer.disableTimer();
    for (const callback of this.failCallbacks) {
      try {
        callback(state);
      } catch {
        // A fail callback must not stop the others.
      }
    }
  }

  /** Logs `proxy_<name>` as unimplemented, once per VM. */
  unimplemented(name: string): number {
    if (!this.unimplementedLogged.has(name)) {
      this.unimplementedLogged.add(name);
      this.host.logger.log(
        LogLevel.Warn,
        `wasm vm ${this.vmId}: ${name} is not implemented by this host; it returns Unimplemented`,
      );
    }
    return 12; // WasmResult.Unimplemented
  }

  /** `proxy_set_tick_period_milliseconds` for a root context (0 stops the ticks). */
  setTickPeriod(rootId: number, period: number): void {
    const existing = this.tickTimers.get(rootId);
    if (period === 0) {
      if (existing !== undefined) {
        existing.timer.disableTimer();
        this.tickTimers.delete(rootId);
      }
      return;
    }
    if (this.disposed) return;
    if (existing !== undefined) {
      existing.period = period;
      existing.timer.enableTimer(period);
      return;
    }
    const entry = {
      period,
      timer: this.host.env.dispatcher.createTimer(() => this.tick(rootId)),
    };
    this.tickTimers.set(rootId, entry);
    entry.timer.enableTimer(period);
  }

  private stopTick(rootId: number): void {
    const existing = this.tickTimers.get(rootId);
    if (existing === undefined) return;
    existing.timer.disableTimer();
    this.tickTimers.delete(rootId);
  }

  private tick(rootId: number): void {
    const root = this.contexts.get(rootId);
    const fn = this.fns?.onTick;
    if (root !== undefined && fn !== undefined && !this.failed && !this.disposed) {
      this.call(root, 'proxy_on_tick', fn, rootId);
    }
    const entry = this.tickTimers.get(rootId);
    if (entry !== undefined && !this.failed && !this.disposed)
      entry.timer.enableTimer(entry.period);
  }

  /** `proxy_on_queue_ready` for the root context that registered the queue. */
  queueReady(rootId: number, token: number): void {
    const root = this.contexts.get(rootId);
    const fn = this.fns?.onQueueReady;
    if (root === undefined || fn === undefined || this.failed || this.disposed) return;
    this.call(root, 'proxy_on_queue_ready', fn, rootId, token);
  }

  /**
   * `proxy_define_metric`: returns the metric id (its low bits carry the type, as in Envoy), or -1
   * for an unknown type. Metrics are `<custom namespace>.<name>` in the thread's stats scope.
   */
  defineMetric(type: number, name: string): number {
    const scope = this.host.env.stats;
    const fullName = `${this.host.customStatNamespace}.${name}`;
    if (type === 0) {
      const id = this.nextCounterId;
      this.nextCounterId += METRIC_ID_INCREMENT;
      this.metrics.set(id, { type: 0, counter: scope?.counterFromString(fullName) ?? NULL_METRIC });
      return id;
    }
    if (type === 1) {
      const id = this.nextGaugeId;
      this.nextGaugeId += METRIC_ID_INCREMENT;
      this.metrics.set(id, {
        type: 1,
        gauge: scope?.gaugeFromString(fullName, 'Accumulate') ?? NULL_METRIC,
      });
      return id;
    }
    if (type === 2) {
      const id = this.nextHistogramId;
      this.nextHistogramId += METRIC_ID_INCREMENT;
      this.metrics.set(id, {
        type: 2,
        histogram: scope?.histogramFromString(fullName, 'Unspecified') ?? NULL_METRIC,
      });
      return id;
    }
    return -1;
  }

  /** The type bits of a metric id. */
  static metricType(id: number): number {
    return id & METRIC_TYPE_MASK;
  }

  /** A fresh `http_call` token. */
  nextHttpCallToken(): number {
    let token = this.nextHttpCallId++;
    while (token === 0 || this.httpCalls.has(token)) {
      if (this.nextHttpCallId > 0xffffffff) this.nextHttpCallId = 1;
      token = this.nextHttpCallId++;
    }
    return token;
  }
}

/** A short description of a thrown value, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error)
    return `${error.name === 'RuntimeError' ? '' : `${error.name}: `}${error.message}`;
  return String(error);
}
