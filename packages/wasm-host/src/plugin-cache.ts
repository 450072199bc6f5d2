// The per-thread plugin cache (proxy-wasm-cpp-host's thread-local `local_wasms` and
// `local_plugins`): one VM copy per vm_key and one root context per plugin key on this thread,
// dropped when the VM fails so that the next use builds them again from the base VM.
import { LogLevel } from './abi-types.ts';
import type { ContextImpl } from './context-impl.ts';
import { WasmHostError, WasmHostErrorCode } from './errors.ts';
import { FailState } from './fail-state.ts';
import { FailedStream } from './failed-stream.ts';
import type { WasmHostEnvironment } from './host-environment.ts';
import type { WasmPluginDescriptor } from './plugin-options.ts';
import type { StreamCallbacks } from './stream-callbacks.ts';
import { hostFor } from './thread-host.ts';
import type { WasmPlugin } from './wasm-plugin.ts';
import type { WasmStream } from './wasm-stream.ts';
import { WasmVm } from './wasm-vm.ts';

/** A plugin started on one of this thread's VMs (or that failed to). */
interface PluginInstance {
  readonly key: string;
  readonly vm: WasmVm | null;
  readonly root: ContextImpl | null;
  readonly error: WasmHostError | undefined;
  refs: number;
}

interface VmEntry {
  readonly vm: WasmVm;
}

/**
 * The thread's cache of VM copies and plugins. Make one per thread (it is the per-thread object a
 * thread-local slot holds) with that thread's {@link WasmHostEnvironment}, then get plugins from it
 * with the descriptors the main thread posted. Not thread-safe (nothing here is shared).
 */
export class WasmPluginCache {
  readonly env: WasmHostEnvironment;
  private readonly vms: Map<string, VmEntry>;
  private readonly instances: Map<string, PluginInstance>;
  /** Live plugin instances per VM (a failed VM leaves `vms` but lives while instances use it). */
  private readonly vmUsers: Map<WasmVm, number>;
  private closed: boolean;

  constructor(env: WasmHostEnvironment) {
    this.env = env;
    this.vms = new Map();
    this.instances = new Map();
    this.vmUsers = new Map();
    this.closed = false;
  }

  /** Number of plugin instances (working or failed) cached on this thread. */
  get pluginCount(): number {
    return this.instances.size;
  }

  /** Number of VM copies alive on this thread. */
  get vmCount(): number {
    return this.vms.size;
  }

  /**
   * The plugin `descriptor` names, on this thread: found in the cache, or started now (VM copy
   * instantiated from the base VM if needed, root context created, `proxy_on_vm_start` and
   * `proxy_on_configure` called). A plugin that fails to start or configure is logged with its
   * name and returned failed: it never serves, its streams fail (or pass when `failOpen`).
   */
  getOrCreate(descriptor: WasmPluginDescriptor): WasmPlugin {
    return new PluginHandle(this, descriptor, this.acquire(descriptor));
  }

  /** Shuts down every plugin and VM on this thread; handles still held then fail their streams. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const instance of this.instances.values()) instance.refs = 0;
    for (const vm of this.vmUsers.keys()) {
      if (vm.failed) vm.dispose();
      else vm.shutdown();
    }
    this.instances.clear();
    this.vms.clear();
    this.vmUsers.clear();
  }

  /** @internal A counted reference to the current instance of a plugin. */
  acquire(descriptor: WasmPluginDescriptor): PluginInstance {
    const key = `${descriptor.base.vmKey}||${descriptor.plugin.key}`;
    const cached = this.instances.get(key);
    if (cached !== undefined && !(cached.vm?.failState === FailState.RuntimeError)) {
      cached.refs++;
      return cached;
    }
    const instance = this.start(key, descriptor);
    this.instances.set(key, instance);
    return instance;
  }

  /** @internal Drops a reference; the last one shuts the plugin (and maybe its VM) down. */
  releaseInstance(instance: PluginInstance, descriptor: WasmPluginDescriptor): void {
    if (instance.refs <= 0) return;
    instance.refs--;
    if (instance.refs > 0) return;
    if (this.instances.get(instance.key) === instance) this.instances.delete(instance.key);
    const vm = instance.vm;
    if (vm === null) return;
    if (!vm.failed) vm.shutdownPlugin(descriptor.plugin.key);
    const users = (this.vmUsers.get(vm) ?? 1) - 1;
    if (users > 0) {
      this.vmUsers.set(vm, users);
      return;
    }
    this.vmUsers.delete(vm);
    if (this.vms.get(vm.vmKey)?.vm === vm) this.vms.delete(vm.vmKey);
    // A failed VM is only disposed of (its module runs no more code).
    if (vm.failed) vm.dispose();
    else vm.shutdown();
  }

  private start(key: string, descriptor: WasmPluginDescriptor): PluginInstance {
    const { base, plugin } = descriptor;
    const host = hostFor(this.env, base.runtime);
    if (this.closed) {
      return failedInstance(
        key,
        new WasmHostError(WasmHostErrorCode.Released, 'the plugin cache is closed', {
          pluginName: plugin.name,
        }),
      );
    }
    let entry = this.vms.get(base.vmKey);
    if (entry === undefined || entry.vm.failed) {
      const vm = new WasmVm(base, host);
      try {
        vm.initialize();
      } catch (error) {
        vm.dispose();
        return this.reportFailure(key, plugin.name, error);
      }
      entry = { vm };
      this.vms.set(base.vmKey, entry);
      const created = entry;
      vm.onFail((state) => {
        if (state !== FailState.RuntimeError) return;
        // Envoy's fail callback: forget the VM and its plugins so the next use starts afresh.
        if (this.vms.get(vm.vmKey) === created) this.vms.delete(vm.vmKey);
        for (const [k, instance] of this.instances) {
          if (instance.vm === vm) this.instances.delete(k);
        }
      });
    }
    const vm = entry.vm;
    let root: ContextImpl;
    try {
      root = vm.startPlugin(plugin);
      vm.configurePlugin(root, plugin);
    } catch (error) {
      // The plugin refused (the VM stays for its other plugins) or the module trapped (the VM is
      // failed: forget it so that other plugins get a fresh copy).
      if (vm.failed) {
        if (this.vms.get(base.vmKey) === entry) this.vms.delete(base.vmKey);
        if (!this.vmUsers.has(vm)) vm.dispose();
      } else if (!this.vmUsers.has(vm)) {
        this.vms.delete(base.vmKey);
        vm.shutdown();
      }
      return this.reportFailure(key, plugin.name, error);
    }
    this.vmUsers.set(vm, (this.vmUsers.get(vm) ?? 0) + 1);
    return { key, vm, root, error: undefined, refs: 1 };
  }

  private reportFailure(key: string, pluginName: string, error: unknown): PluginInstance {
    const wrapped =
      error instanceof WasmHostError
        ? error
        : new WasmHostError(WasmHostErrorCode.InitializeFailed, String(error), { pluginName });
    const host = this.env.logger;
    const message = wrapped.message.includes(pluginName)
      ? wrapped.message
      : `Wasm plugin "${pluginName}": ${wrapped.message}`;
    (host ?? hostFor(this.env, 'envoy.wasm.runtime.v8').logger).log(
      LogLevel.Critical,
      `${message}; the plugin will not serve on this thread`,
    );
    return failedInstance(key, wrapped);
  }
}

function failedInstance(key: string, error: WasmHostError): PluginInstance {
  return { key, vm: null, root: null, error, refs: 1 };
}

/** The handle `getOrCreate` returns; rebuilds the plugin after a runtime failure. */
class PluginHandle implements WasmPlugin {
  private readonly cache: WasmPluginCache;
  private readonly descriptor: WasmPluginDescriptor;
  private instance: PluginInstance;
  private released: boolean;

  constructor(cache: WasmPluginCache, descriptor: WasmPluginDescriptor, instance: PluginInstance) {
    this.cache = cache;
    this.descriptor = descriptor;
    this.instance = instance;
    this.released = false;
  }

  get name(): string {
    return this.descriptor.plugin.name;
  }

  get rootId(): string {
    return this.descriptor.plugin.rootId;
  }

  get vmId(): string {
    return this.descriptor.plugin.vmId;
  }

  get failOpen(): boolean {
    return this.descriptor.plugin.failOpen;
  }

  get failed(): boolean {
    return this.instance.vm === null || this.instance.vm.failed;
  }

  get error(): WasmHostError | undefined {
    return this.instance.error;
  }

  get rootContextId(): number {
    return this.instance.root?.id ?? 0;
  }

  createStream(callbacks: StreamCallbacks): WasmStream {
    if (!this.released && this.instance.vm?.failState === FailState.RuntimeError) {
      // Recreate from the base VM (the failed VM left the cache when it failed).
      const previous = this.instance;
      this.instance = this.cache.acquire(this.descriptor);
      this.cache.releaseInstance(previous, this.descriptor);
    }
    const { vm, root } = this.instance;
    if (this.released || vm === null || root === null || vm.failed) {
      return new FailedStream(callbacks, this.descriptor.plugin.failOpen);
    }
    return vm.createStreamContext(root, callbacks);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.cache.releaseInstance(this.instance, this.descriptor);
  }
}
