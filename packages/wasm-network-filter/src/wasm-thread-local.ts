// Each thread's wasm state, held in one thread-local slot (Envoy keeps a `PluginHandle` per thread
// in a TLS slot per filter config; here one slot holds the thread's plugin cache and the plugins
// the main thread has loaded, by config key).
import type { Dispatcher } from '@nuncio/dispatcher';
import type { SharedDataDescriptor } from '@nuncio/shared-data';
import type { StatsStoreDescriptor } from '@nuncio/stats';
import { defineThreadLocal, type ThreadLocalObject } from '@nuncio/thread-local';
import { type WasmPlugin, WasmPluginCache, type WasmPluginDescriptor } from '@nuncio/wasm-host';
import { pluginNotLoaded } from './errors.ts';
import { threadEnvironment } from './thread-environment.ts';

/** The name under which programs give network filter factories this worker's {@link WasmThreadLocal}. */
export const WASM_THREAD_LOCAL_SINGLETON = 'nuncio.wasm.thread_local';

/** What the slot's initializer is given (structured-cloneable). */
export interface WasmThreadLocalArgs {
  /** The process's shared-data store (shared data and queues of every plugin). */
  readonly sharedData: SharedDataDescriptor;
  /** The stats store, for `wasm.*` stats and the plugins' metrics; without it, no stats. */
  readonly stats?: StatsStoreDescriptor;
}

/** One loaded plugin as the main thread publishes it. */
export interface WasmPluginSnapshotEntry {
  /** The config key (`pluginConfigKey`). */
  readonly key: string;
  readonly descriptor: WasmPluginDescriptor;
  /**
   * True for a bootstrap service with `singleton: false`: every thread holding the slot starts
   * it at once (as Envoy runs such a service on every thread); false for a network filter's
   * plugin, started on a thread when a listener there first needs it.
   */
  readonly service: boolean;
}

/** What the main thread publishes to the slot: every plugin loaded now. */
export interface WasmThreadLocalSnapshot {
  readonly plugins: readonly WasmPluginSnapshotEntry[];
}

/**
 * A plugin in use on this thread, with the number of connections using it: a plugin the main
 * thread stopped publishing is released only when its last connection ends (Envoy's shared_ptr).
 */
export class WasmPluginEntry {
  readonly key: string;
  readonly plugin: WasmPlugin;
  /** Connections (or listeners' factories) using the plugin now. */
  users: number;
  /** True once the main thread no longer publishes it. */
  retired: boolean;

  constructor(key: string, plugin: WasmPlugin) {
    this.key = key;
    this.plugin = plugin;
    this.users = 0;
    this.retired = false;
  }

  /** A connection starts using the plugin. */
  acquire(): void {
    this.users++;
  }

  /** A connection is done with it; the last one out of a retired plugin releases it. */
  release(): void {
    if (this.users > 0) this.users--;
    if (this.users === 0 && this.retired) this.plugin.release();
  }
}

/**
 * One thread's wasm state (the object in the slot): the thread's {@link WasmPluginCache} (VM copies
 * instantiated from the base VMs the main thread compiled) and the plugins in use. Filter
 * factories on a worker reach it through the {@link WASM_THREAD_LOCAL_SINGLETON} singleton. Use it
 * on its own thread only.
 */
export class WasmThreadLocal implements ThreadLocalObject<WasmThreadLocalSnapshot> {
  private readonly dispatcher: Dispatcher;
  private readonly args: WasmThreadLocalArgs;
  private cacheInstance: WasmPluginCache | null;
  private readonly descriptors: Map<string, WasmPluginSnapshotEntry>;
  private readonly entries: Map<string, WasmPluginEntry>;
  private readonly services: Map<string, WasmPlugin>;
  private disposed: boolean;

  constructor(dispatcher: Dispatcher, args: WasmThreadLocalArgs) {
    this.dispatcher = dispatcher;
    this.args = args;
    this.cacheInstance = null;
    this.descriptors = new Map();
    this.entries = new Map();
    this.services = new Map();
    this.disposed = false;
  }

  /** This thread's plugin cache, made on first use with the thread's environment. */
  get cache(): WasmPluginCache {
    if (this.cacheInstance === null) {
      const env = threadEnvironment(this.args.sharedData, this.args.stats);
      this.cacheInstance = new WasmPluginCache({
        dispatcher: this.dispatcher,
        sharedData: env.sharedData,
        ...(env.stats === undefined ? {} : { stats: env.stats }),
        ...(env.logger === undefined ? {} : { logger: env.logger }),
        ...(env.httpCallClient === undefined ? {} : { httpCallClient: env.httpCallClient }),
      });
    }
    return this.cacheInstance;
  }

  /** Number of plugins published to this thread. */
  get publishedCount(): number {
    return this.descriptors.size;
  }

  /** Number of bootstrap services running on this thread. */
  get serviceCount(): number {
    return this.services.size;
  }

  /**
   * The plugin the main thread loaded for config `key`, started on this thread if it is not yet
   * (a plugin that fails to start here is returned failed: its connections fail, or pass when it
   * is `fail_open`). Throws `NUNCIO_ERR_WASM_NETWORK_PLUGIN_NOT_LOADED` when main never published
   * it.
   */
  plugin(key: string, pluginName: string): WasmPluginEntry {
    const existing = this.entries.get(key);
    if (existing !== undefined && !existing.retired) return existing;
    const published = this.descriptors.get(key);
    if (published === undefined || this.disposed) throw pluginNotLoaded(pluginName);
    const entry = new WasmPluginEntry(key, this.cache.getOrCreate(published.descriptor));
    this.entries.set(key, entry);
    return entry;
  }

  /** @internal Applies the main thread's newest list of plugins. */
  onSnapshot(snapshot: WasmThreadLocalSnapshot): void {
    if (this.disposed) return;
    const next = new Map(snapshot.plugins.map((entry) => [entry.key, entry]));
    for (const [key, entry] of this.entries) {
      if (next.has(key)) continue;
      this.entries.delete(key);
      entry.retired = true;
      if (entry.users === 0) entry.plugin.release();
    }
    for (const [key, service] of this.services) {
      if (next.get(key)?.service === true) continue;
      this.services.delete(key);
      service.release();
    }
    this.descriptors.clear();
    for (const [key, entry] of next) {
      this.descriptors.set(key, entry);
      if (entry.service && !this.services.has(key)) {
        // A service that fails to start is logged by the cache, naming it, and stays failed.
        this.services.set(key, this.cache.getOrCreate(entry.descriptor));
      }
    }
  }

  /** Releases every plugin and closes the cache (the slot was freed or the thread shuts down). */
  [Symbol.dispose](): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const service of this.services.values()) service.release();
    this.services.clear();
    this.entries.clear();
    this.descriptors.clear();
    this.cacheInstance?.close();
  }
}

/** The slot's initializer: every thread that loads this module can build its {@link WasmThreadLocal}. */
export const wasmThreadLocal = defineThreadLocal(
  import.meta.url,
  'nuncio.wasm-network-filter.threadLocal',
  (dispatcher: Dispatcher, args: WasmThreadLocalArgs) => new WasmThreadLocal(dispatcher, args),
);
