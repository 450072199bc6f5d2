import type { PeerType } from './abi-types.ts';
import type {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterStatus,
  FilterTrailersStatus,
} from './filter-status.ts';
import type { WasmHeaderMap } from './header-map.ts';
import type { WasmBuffer } from './wasm-buffer.ts';

/** The maps a plugin may read in `proxy_on_log` (Envoy's access-log phase). */
export interface AccessLogMaps {
  readonly requestHeaders?: WasmHeaderMap;
  readonly responseHeaders?: WasmHeaderMap;
  readonly responseTrailers?: WasmHeaderMap;
}

/**
 * One plugin stream context (an HTTP request/response pair, or a TCP connection), created by
 * `WasmPlugin.createStream`. The filter calls these on the stream's thread as events happen; each
 * returns what the filter should do next. Maps and buffers passed in are lent to the plugin until
 * the call returns, or for as long as the plugin keeps the stream paused.
 *
 * When the plugin's VM has failed, every call returns `Continue` for a `fail_open` plugin (the
 * stream passes through untouched), else the stream's `failStream` callback is called once and the
 * call returns a stop status.
 */
export interface WasmStream {
  /** The context id the plugin knows this stream by (0 when the plugin has no VM). */
  readonly contextId: number;
  /** True when the plugin's VM has failed (or never loaded) on this thread. */
  readonly failed: boolean;

  /** HTTP request headers arrived (`proxy_on_request_headers`). */
  onRequestHeaders(headers: WasmHeaderMap, endOfStream: boolean): FilterHeadersStatus;
  /** A request body chunk (`proxy_on_request_body`): `body` is everything buffered so far. */
  onRequestBody(body: WasmBuffer, endOfStream: boolean): FilterDataStatus;
  /** HTTP request trailers (`proxy_on_request_trailers`). */
  onRequestTrailers(trailers: WasmHeaderMap): FilterTrailersStatus;
  /** HTTP response headers (`proxy_on_response_headers`). */
  onResponseHeaders(headers: WasmHeaderMap, endOfStream: boolean): FilterHeadersStatus;
  /** A response body chunk (`proxy_on_response_body`). */
  onResponseBody(body: WasmBuffer, endOfStream: boolean): FilterDataStatus;
  /** HTTP response trailers (`proxy_on_response_trailers`). */
  onResponseTrailers(trailers: WasmHeaderMap): FilterTrailersStatus;
  /** Access logging (`proxy_on_log`), with the final maps. */
  onLog(maps?: AccessLogMaps): void;
  /** The HTTP stream is gone: `proxy_on_done`, then `proxy_on_delete`. Idempotent. */
  onDestroy(): void;

  /** A TCP connection was accepted (`proxy_on_new_connection`). */
  onNewConnection(): FilterStatus;
  /** Bytes from downstream (`proxy_on_downstream_data`): `data` is readable and writable. */
  onDownstreamData(data: WasmBuffer, endOfStream: boolean): FilterStatus;
  /** Bytes from upstream (`proxy_on_upstream_data`). */
  onUpstreamData(data: WasmBuffer, endOfStream: boolean): FilterStatus;
  /**
   * The downstream connection closed (`proxy_on_downstream_connection_close`); with the upstream
   * closed too, the context ends (`on_done`, `on_log`, `on_delete`).
   */
  onDownstreamConnectionClose(peer: PeerType): void;
  /** The upstream connection closed (`proxy_on_upstream_connection_close`). */
  onUpstreamConnectionClose(peer: PeerType): void;
}
