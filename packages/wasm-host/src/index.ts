/**
 * The proxy-wasm ABI (0.1.0, 0.2.0, 0.2.1) on Node's WebAssembly, as Envoy hosts it: base VMs
 * compiled once on the main thread and instantiated on each worker, root and stream contexts,
 * shared data and queues across threads, metrics, ticks, `http_call`, properties, WASI, and a small
 * stream interface that HTTP and TCP filters drive.
 * @packageDocumentation
 */

export { BufferType, LogLevel, MapType, MetricType, PeerType, StreamType } from './abi-types.ts';
export { AbiVersion } from './abi-version.ts';
export { BytesBuffer } from './bytes-buffer.ts';
export {
  WasmHostError,
  WasmHostErrorCode,
} from './errors.ts';
export { FailState } from './fail-state.ts';
export {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterStatus,
  FilterTrailersStatus,
} from './filter-status.ts';
export {
  configurationBytes,
  type FromConfigOptions,
  wasmPluginOptionsFromConfig,
} from './from-config.ts';
export type { WasmHeaderMap } from './header-map.ts';
export { HeaderMapImpl } from './header-map-impl.ts';
export type { WasmHostEnvironment } from './host-environment.ts';
export type {
  HttpCallCancel,
  HttpCallClient,
  HttpCallHandler,
  HttpCallRequest,
  HttpCallResponse,
} from './http-call.ts';
export {
  cachedBaseVmCount,
  compileBaseVm,
  type LoadedWasmPlugin,
  loadWasmPlugin,
} from './load-plugin.ts';
export { decodePairs, encodePairs, type HeaderPair } from './pairs.ts';
export { WasmPluginCache } from './plugin-cache.ts';
export {
  type BaseVmDescriptor,
  type PluginDescriptor,
  SUPPORTED_RUNTIMES,
  type WasmPluginDescriptor,
  type WasmPluginOptions,
  type WasmVmOptions,
} from './plugin-options.ts';
export type {
  ConnectionAttributes,
  DurationValue,
  HeadersValue,
  IntegerValue,
  MetadataInfo,
  NodeInfo,
  PeerAttributes,
  RequestAttributes,
  ResponseAttributes,
  StreamAttributes,
  TimestampValue,
  TlsAttributes,
  UpstreamAttributes,
} from './stream-attributes.ts';
export type { LocalReply, StreamCallbacks } from './stream-callbacks.ts';
export { makeVmKey } from './vm-key.ts';
export type { WasmBuffer } from './wasm-buffer.ts';
export { consoleWasmLogger, type WasmLogger } from './wasm-logger.ts';
export type { WasmPlugin } from './wasm-plugin.ts';
export { WasmResult } from './wasm-result.ts';
export type { AccessLogMaps, WasmStream } from './wasm-stream.ts';
export type { CompiledWasmModule } from './webassembly-api.ts';
