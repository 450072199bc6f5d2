import type {
  ExtensionRegistration,
  WasmNetworkFilter as WasmNetworkFilterConfig,
} from '@nuncio/config';
import {
  type FactoryContext,
  type FilterManager,
  type ListenerInfo,
  NETWORK_FILTER_CATEGORY,
  type NetworkFilterConfigFactory,
  type NetworkFilterFactoryCb,
} from '@nuncio/network-filter';
import { missingSingleton } from './errors.ts';
import { checkPluginConfig, pluginConfigKey } from './plugin-config.ts';
import { WasmNetworkFilter } from './wasm-network-filter.ts';
import {
  WASM_THREAD_LOCAL_SINGLETON,
  type WasmPluginEntry,
  type WasmThreadLocal,
} from './wasm-thread-local.ts';

/** The filter's Envoy name. */
export const WASM_NETWORK_FILTER_NAME = 'envoy.filters.network.wasm';
/** The filter's config type. */
export const WASM_NETWORK_FILTER_TYPE_NAME = 'envoy.extensions.filters.network.wasm.v3.Wasm';

/**
 * Fields of Envoy's wasm messages Nuncio implements (proto names by message type): the plugin's
 * `name`, `root_id`, `vm_config` (`vm_id`, `runtime`, `code`, `configuration`,
 * `environment_variables`), `configuration` and `fail_open`. `code.remote` is accepted by the
 * subset so that the filter can refuse it with its own message.
 */
export const wasmPluginSupportedFields: Readonly<Record<string, readonly string[]>> = Object.freeze(
  {
    'envoy.extensions.wasm.v3.PluginConfig': [
      'name',
      'root_id',
      'vm_config',
      'configuration',
      'fail_open',
    ],
    'envoy.extensions.wasm.v3.VmConfig': [
      'vm_id',
      'runtime',
      'code',
      'configuration',
      'environment_variables',
    ],
    'envoy.extensions.wasm.v3.EnvironmentVariables': ['host_env_keys', 'key_values'],
    'envoy.config.core.v3.AsyncDataSource': ['local', 'remote'],
    'envoy.config.core.v3.DataSource': ['filename', 'inline_bytes', 'inline_string'],
    'envoy.config.core.v3.RemoteDataSource': ['http_uri', 'sha256'],
    'envoy.config.core.v3.HttpUri': ['uri', 'cluster', 'timeout'],
  },
);

/** {@link wasmPluginSupportedFields} plus the filter's own message. */
export const wasmNetworkFilterSupportedFields: Readonly<Record<string, readonly string[]>> =
  Object.freeze({
    [WASM_NETWORK_FILTER_TYPE_NAME]: ['config'],
    ...wasmPluginSupportedFields,
  });

/**
 * Checks a decoded `Wasm` filter config and returns its plugin config with defaults filled in
 * (throws `NUNCIO_ERR_WASM_NETWORK_INVALID_CONFIG` naming the field). Reads no file.
 */
export function checkWasmNetworkFilterConfig(
  config: Partial<WasmNetworkFilterConfig> | undefined,
): ReturnType<typeof checkPluginConfig> {
  return checkPluginConfig(config?.config, 'config');
}

/** Adds one filter per connection over a plugin of this worker: the per-connection callback. */
class WasmNetworkFilterFactory {
  private readonly entry: WasmPluginEntry;
  private readonly listener: ListenerInfo;

  constructor(entry: WasmPluginEntry, listener: ListenerInfo) {
    this.entry = entry;
    this.listener = listener;
  }

  readonly create: NetworkFilterFactoryCb = (filterManager: FilterManager) => {
    filterManager.addFilter(new WasmNetworkFilter(this.entry, this.listener));
  };
}

/**
 * The filter's factory. On the main thread it only checks the config; loading the plugin there is
 * the `WasmPluginManager`'s job (`addOrUpdateListener`, before the listener reaches the workers).
 * On a worker it finds the plugin the main thread loaded in this worker's {@link WasmThreadLocal}
 * (singleton {@link WASM_THREAD_LOCAL_SINGLETON}), starting it on this thread if needed, and
 * returns a callback that adds a {@link WasmNetworkFilter} to each connection.
 */
export const wasmNetworkFilterConfigFactory: NetworkFilterConfigFactory<
  Partial<WasmNetworkFilterConfig>
> = {
  isTerminalFilter: false,
  validateConfig(config) {
    checkWasmNetworkFilterConfig(config);
  },
  createFilterFactoryFromProto(config, context: FactoryContext) {
    const plugin = checkWasmNetworkFilterConfig(config);
    const threadLocal = context.getSingleton<WasmThreadLocal>(WASM_THREAD_LOCAL_SINGLETON);
    if (threadLocal === undefined) throw missingSingleton(WASM_THREAD_LOCAL_SINGLETON);
    const entry = threadLocal.plugin(pluginConfigKey(plugin), plugin.name);
    // The listener's direction and metadata go to the plugin per connection (listener_direction,
    // listener_metadata): the plugin may be shared with other listeners.
    return new WasmNetworkFilterFactory(entry, context.listenerInfo).create;
  },
};

/**
 * The filter's registration for a `ConfigRegistry` (category `envoy.filters.network`), with its
 * supported fields: register it with `@nuncio/network-filter`'s `registerNetworkExtensions` next
 * to the built-in extensions and the TCP proxy.
 */
export const wasmNetworkFilterExtension: ExtensionRegistration<NetworkFilterConfigFactory> = {
  name: WASM_NETWORK_FILTER_NAME,
  typeUrls: [`type.googleapis.com/${WASM_NETWORK_FILTER_TYPE_NAME}`],
  category: NETWORK_FILTER_CATEGORY,
  factory: wasmNetworkFilterConfigFactory as NetworkFilterConfigFactory,
  supportedFields: wasmNetworkFilterSupportedFields,
};
