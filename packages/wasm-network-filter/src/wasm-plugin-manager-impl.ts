import type { WasmPluginConfig } from '@nuncio/config';
import { currentDispatcher, type Dispatcher } from '@nuncio/dispatcher';
import type { ListenerInput, NetworkFilterInput } from '@nuncio/network-filter';
import type { SharedDataStore } from '@nuncio/shared-data';
import type { StatsStore } from '@nuncio/stats';
import type { Slot, ThreadLocalInstance } from '@nuncio/thread-local';
import {
  type HttpCallClient,
  type LoadedWasmPlugin,
  loadWasmPlugin,
  type NodeInfo,
  type WasmHostEnvironment,
  type WasmLogger,
  type WasmPlugin,
  WasmPluginCache,
  wasmPluginOptionsFromConfig,
} from '@nuncio/wasm-host';
import { pluginLoadFailed, shutDown, WasmNetworkFilterError } from './errors.ts';
import { pluginConfigKey } from './plugin-config.ts';
import { provideWasmThreadEnvironment } from './thread-environment.ts';
import {
  checkWasmNetworkFilterConfig,
  WASM_NETWORK_FILTER_NAME,
  WASM_NETWORK_FILTER_TYPE_NAME,
} from './wasm-network-filter-extension.ts';
import type {
  BootstrapExtensionInput,
  WasmPluginManager,
  WasmPluginSummary,
} from './wasm-plugin-manager.ts';
import {
  checkWasmServiceConfig,
  WASM_SERVICE_NAME,
  WASM_SERVICE_TYPE_NAME,
} from './wasm-service-extension.ts';
import {
  type WasmThreadLocal,
  type WasmThreadLocalSnapshot,
  wasmThreadLocal,
} from './wasm-thread-local.ts';

/** Options of {@link createWasmPluginManager}. */
export interface WasmPluginManagerOptions {
  /** Main's thread-local instance, with the workers registered (or to be registered). */
  readonly threadLocal: ThreadLocalInstance;
  /** The process's shared-data store (main's handle); workers open it from its descriptor. */
  readonly sharedData: SharedDataStore;
  /** The stats store: `wasm.*` stats and the plugins' metrics. Without it, no stats. */
  readonly stats?: StatsStore;
  /** Plugin logs on the main thread (default: stderr, from info). */
  readonly logger?: WasmLogger;
  /** `proxy_http_call` for singleton services on main. */
  readonly httpCallClient?: HttpCallClient;
  /** The bootstrap's `node`, for the `node` property. */
  readonly node?: NodeInfo;
  /** Reads `code.local.filename` (default `fs.readFileSync`). */
  readonly readFile?: (path: string) => Uint8Array;
  /** Where `environment_variables.host_env_keys` are looked up (default `process.env`). */
  readonly hostEnvironment?: Readonly<Record<string, string | undefined>>;
  /** Main's dispatcher (default: this thread's). */
  readonly dispatcher?: Dispatcher;
}

type PluginKind = WasmPluginSummary['kind'];

interface LoadedEntry {
  readonly key: string;
  readonly config: WasmPluginConfig;
  readonly loaded: LoadedWasmPlugin;
  readonly kind: PluginKind;
  readonly users: Set<string>;
  /** The main thread's handle, for a singleton service. */
  handle: WasmPlugin | null;
}

interface FoundPlugin {
  readonly key: string;
  readonly config: WasmPluginConfig;
  readonly where: string;
}

const BOOTSTRAP_USER = 'bootstrap';

function isWasmFilter(filter: NetworkFilterInput): boolean {
  const url = filter.typedConfig?.typeUrl;
  if (url !== undefined && url !== '') {
    return url.slice(url.lastIndexOf('/') + 1) === WASM_NETWORK_FILTER_TYPE_NAME;
  }
  return filter.name === WASM_NETWORK_FILTER_NAME;
}

/** The config error `error`, its message prefixed with where the filter is. */
function withWhere(error: unknown, where: string): WasmNetworkFilterError {
  if (!(error instanceof WasmNetworkFilterError)) {
    return pluginLoadFailed(where, '', error);
  }
  return new WasmNetworkFilterError(error.code, `${where}: ${error.message}`, {
    cause: error,
    ...(error.pluginName === undefined ? {} : { pluginName: error.pluginName }),
  });
}

class WasmPluginManagerImpl implements WasmPluginManager {
  private readonly options: WasmPluginManagerOptions;
  private readonly env: WasmHostEnvironment;
  private readonly slot: Slot<WasmThreadLocal, WasmThreadLocalSnapshot>;
  private readonly entries: Map<string, LoadedEntry>;
  private readonly listenerKeys: Map<string, ReadonlySet<string>>;
  private mainCache: WasmPluginCache | null;
  private shut: boolean;

  constructor(options: WasmPluginManagerOptions) {
    this.options = options;
    this.env = {
      dispatcher: options.dispatcher ?? currentDispatcher(),
      sharedData: options.sharedData,
      ...(options.stats === undefined ? {} : { stats: options.stats }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.httpCallClient === undefined ? {} : { httpCallClient: options.httpCallClient }),
    };
    // Main's own slot object must use main's stores, not open second views of them.
    provideWasmThreadEnvironment({
      sharedData: options.sharedData,
      ...(options.stats === undefined ? {} : { stats: options.stats }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.httpCallClient === undefined ? {} : { httpCallClient: options.httpCallClient }),
    });
    this.slot = options.threadLocal
      .allocateSlot<WasmThreadLocal, WasmThreadLocalSnapshot>()
      .set(wasmThreadLocal, {
        sharedData: options.sharedData.descriptor(),
        ...(options.stats === undefined ? {} : { stats: options.stats.descriptor }),
      }) as unknown as Slot<WasmThreadLocal, WasmThreadLocalSnapshot>;
    this.slot.publish({ plugins: [] });
    this.entries = new Map();
    this.listenerKeys = new Map();
    this.mainCache = null;
    this.shut = false;
  }

  get slotRef() {
    return this.slot.ref;
  }

  async addOrUpdateListener(listener: ListenerInput): Promise<void> {
    if (this.shut) throw shutDown(`listener '${listener.name}'`);
    const found = this.findPlugins(listener);
    const keys = new Set<string>();
    const added = this.loadAll(found, 'network_filter');
    const user = `listener:${listener.name}`;
    for (const plugin of found) {
      keys.add(plugin.key);
      this.entries.get(plugin.key)?.users.add(user);
    }
    const dropped = this.dropUser(user, this.listenerKeys.get(listener.name), keys);
    if (keys.size > 0) this.listenerKeys.set(listener.name, keys);
    else this.listenerKeys.delete(listener.name);
    if (added.length > 0 || dropped.length > 0) await this.publish(dropped);
  }

  async removeListener(name: string): Promise<boolean> {
    const previous = this.listenerKeys.get(name);
    if (previous === undefined) return false;
    this.listenerKeys.delete(name);
    const dropped = this.dropUser(`listener:${name}`, previous, new Set());
    if (dropped.length > 0 && !this.shut) await this.publish(dropped);
    return true;
  }

  async startBootstrapExtensions(
    extensions: readonly BootstrapExtensionInput[] | undefined,
  ): Promise<number> {
    if (this.shut) throw shutDown('bootstrap_extensions');
    const singletons: FoundPlugin[] = [];
    const perThread: FoundPlugin[] = [];
    (extensions ?? []).forEach((extension, i) => {
      const url = extension.typedConfig?.typeUrl ?? '';
      const typeName = url.slice(url.lastIndexOf('/') + 1);
      if (
        typeName !== WASM_SERVICE_TYPE_NAME &&
        !(url === '' && extension.name === WASM_SERVICE_NAME)
      ) {
        return;
      }
      const field = `bootstrap_extensions[${i}].typed_config`;
      const checked = checkWasmServiceConfig(
        extension.typedConfig?.value as Parameters<typeof checkWasmServiceConfig>[0],
        field,
      );
      const found = {
        key: pluginConfigKey(checked.plugin),
        config: checked.plugin,
        where: `bootstrap_extensions[${i}] (${WASM_SERVICE_NAME})`,
      };
      (checked.singleton ? singletons : perThread).push(found);
    });
    const added = [...this.loadAll(singletons, 'singleton'), ...this.loadAll(perThread, 'service')];
    // Singletons run here, on main, now: one that fails to start undoes the whole call.
    for (const found of singletons) {
      const entry = this.entries.get(found.key);
      if (entry === undefined || entry.handle !== null) continue;
      const handle = this.cache().getOrCreate(entry.loaded.descriptor);
      if (handle.failed) {
        handle.release();
        for (const key of added) this.unload(key);
        throw pluginLoadFailed(found.where, found.config.name, handle.error ?? 'failed to start');
      }
      entry.handle = handle;
    }
    for (const found of [...singletons, ...perThread]) {
      this.entries.get(found.key)?.users.add(BOOTSTRAP_USER);
    }
    if (perThread.length > 0) await this.publish([]);
    return singletons.length + perThread.length;
  }

  plugins(): WasmPluginSummary[] {
    return [...this.entries.values()].map((entry) => ({
      name: entry.config.name,
      rootId: entry.config.rootId,
      vmId: entry.config.vmConfig?.vmId ?? '',
      key: entry.key,
      kind: entry.kind,
      users: [...entry.users],
    }));
  }

  shutdown(): void {
    if (this.shut) return;
    this.shut = true;
    this.slot.free();
    for (const key of [...this.entries.keys()]) this.unload(key);
    this.listenerKeys.clear();
    this.mainCache?.close();
    this.mainCache = null;
  }

  /** The wasm filters of a listener, checked (throws naming the filter's path). */
  private findPlugins(listener: ListenerInput): FoundPlugin[] {
    const found: FoundPlugin[] = [];
    const chains: [string, ListenerInput['defaultFilterChain']][] = (
      listener.filterChains ?? []
    ).map((chain, i) => [`filter_chains[${i}]`, chain]);
    if (listener.defaultFilterChain !== undefined) {
      chains.push(['default_filter_chain', listener.defaultFilterChain]);
    }
    for (const [chainPath, chain] of chains) {
      (chain?.filters ?? []).forEach((filter, i) => {
        if (!isWasmFilter(filter)) return;
        const where = `listener '${listener.name}': ${chainPath}.filters[${i}] (${WASM_NETWORK_FILTER_NAME})`;
        let config: WasmPluginConfig;
        try {
          config = checkWasmNetworkFilterConfig(
            filter.typedConfig?.value as Parameters<typeof checkWasmNetworkFilterConfig>[0],
          );
        } catch (error) {
          throw withWhere(error, where);
        }
        found.push({ key: pluginConfigKey(config), config, where });
      });
    }
    return found;
  }

  /** Loads what is not loaded yet; all or nothing. Returns the keys loaded now. */
  private loadAll(found: readonly FoundPlugin[], kind: PluginKind): string[] {
    const added: string[] = [];
    try {
      for (const plugin of found) {
        if (this.entries.has(plugin.key)) continue;
        const loaded = this.load(plugin);
        this.entries.set(plugin.key, {
          key: plugin.key,
          config: plugin.config,
          loaded,
          kind,
          users: new Set(),
          handle: null,
        });
        added.push(plugin.key);
      }
    } catch (error) {
      for (const key of added) this.unload(key);
      throw error;
    }
    return added;
  }

  private load(plugin: FoundPlugin): LoadedWasmPlugin {
    const { options } = this;
    try {
      const pluginOptions = wasmPluginOptionsFromConfig(plugin.config, {
        ...(options.readFile === undefined ? {} : { readFile: options.readFile }),
        ...(options.hostEnvironment === undefined
          ? {}
          : { hostEnvironment: options.hostEnvironment }),
        ...(options.node === undefined ? {} : { node: options.node }),
      });
      return loadWasmPlugin(pluginOptions, this.env);
    } catch (error) {
      throw pluginLoadFailed(plugin.where, plugin.config.name, error);
    }
  }

  /** Removes `user` from the plugins of `previous` not in `next`; returns the keys left unused. */
  private dropUser(
    user: string,
    previous: ReadonlySet<string> | undefined,
    next: ReadonlySet<string>,
  ): string[] {
    const dropped: string[] = [];
    for (const key of previous ?? []) {
      if (next.has(key)) continue;
      const entry = this.entries.get(key);
      if (entry === undefined) continue;
      entry.users.delete(user);
      if (entry.users.size === 0) dropped.push(key);
    }
    return dropped;
  }

  /**
   * Publishes the plugins in use to every thread and waits until each holds them; then drops the
   * main thread's hold on `dropped` (whose threads release them as their connections end).
   */
  private async publish(dropped: readonly string[]): Promise<void> {
    const gone: LoadedEntry[] = [];
    for (const key of dropped) {
      const entry = this.entries.get(key);
      if (entry === undefined || entry.users.size > 0) continue;
      this.entries.delete(key);
      gone.push(entry);
    }
    const plugins: WasmThreadLocalSnapshot['plugins'] = [...this.entries.values()]
      .filter((entry) => entry.kind !== 'singleton')
      .map((entry) => ({
        key: entry.key,
        descriptor: entry.loaded.descriptor,
        service: entry.kind === 'service',
      }));
    const version = this.slot.publish({ plugins });
    try {
      await this.slot.whenApplied(version);
    } finally {
      for (const entry of gone) {
        entry.handle?.release();
        entry.loaded.release();
      }
    }
  }

  private unload(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    entry.handle?.release();
    entry.loaded.release();
  }

  private cache(): WasmPluginCache {
    this.mainCache ??= new WasmPluginCache(this.env);
    return this.mainCache;
  }
}

/**
 * Creates the main thread's {@link WasmPluginManager}: allocates the slot of each thread's
 * `WasmThreadLocal` (so workers must load `@nuncio/thread-local`'s worker module and be
 * registered with `threadLocal`).
 */
export function createWasmPluginManager(options: WasmPluginManagerOptions): WasmPluginManager {
  return new WasmPluginManagerImpl(options);
}
