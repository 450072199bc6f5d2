/**
 * Envoy's proxy-wasm network filter (`envoy.filters.network.wasm`) and wasm bootstrap service
 * (`envoy.bootstrap.wasm`) for Nuncio: plugins are loaded once on the main thread (the base VM
 * compiled once, the plugin tried on a throwaway copy), published to every thread through one
 * thread-local slot, instantiated per worker, and driven by each connection's bytes in both
 * directions.
 * @packageDocumentation
 */

export {
  invalidConfig,
  missingSingleton,
  pluginLoadFailed,
  pluginNotLoaded,
  WasmNetworkFilterError,
  WasmNetworkFilterErrorCode,
} from './errors.ts';
export { checkPluginConfig, pluginConfigKey } from './plugin-config.ts';
export { provideWasmThreadEnvironment, type WasmThreadEnvironment } from './thread-environment.ts';
export { WASM_FAIL_STREAM_DETAILS, WasmNetworkFilter } from './wasm-network-filter.ts';
export {
  checkWasmNetworkFilterConfig,
  WASM_NETWORK_FILTER_NAME,
  WASM_NETWORK_FILTER_TYPE_NAME,
  wasmNetworkFilterConfigFactory,
  wasmNetworkFilterExtension,
  wasmNetworkFilterSupportedFields,
  wasmPluginSupportedFields,
} from './wasm-network-filter-extension.ts';
export type {
  BootstrapExtensionInput,
  WasmPluginManager,
  WasmPluginSummary,
} from './wasm-plugin-manager.ts';
export {
  createWasmPluginManager,
  type WasmPluginManagerOptions,
} from './wasm-plugin-manager-impl.ts';
export {
  BOOTSTRAP_EXTENSION_CATEGORY,
  type BootstrapExtensionFactory,
  checkWasmServiceConfig,
  WASM_SERVICE_NAME,
  WASM_SERVICE_TYPE_NAME,
  type WasmServiceConfig,
  wasmServiceExtension,
  wasmServiceFactory,
} from './wasm-service-extension.ts';
export {
  WASM_THREAD_LOCAL_SINGLETON,
  type WasmPluginEntry,
  type WasmPluginSnapshotEntry,
  WasmThreadLocal,
  type WasmThreadLocalArgs,
  type WasmThreadLocalSnapshot,
  wasmThreadLocal,
} from './wasm-thread-local.ts';
