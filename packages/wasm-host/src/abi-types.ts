// The small enumerations of the proxy-wasm ABI, with the ABI's numbers.

/** `proxy_log_level_t`: the levels of `proxy_log` and `proxy_get_log_level`. */
export const LogLevel = {
  Trace: 0,
  Debug: 1,
  Info: 2,
  Warn: 3,
  Error: 4,
  Critical: 5,
} as const;
/** One of the {@link LogLevel} values. */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** `proxy_buffer_type_t`: the buffers `proxy_get_buffer_bytes` and friends name. */
export const BufferType = {
  HttpRequestBody: 0,
  HttpResponseBody: 1,
  DownstreamData: 2,
  UpstreamData: 3,
  HttpCallResponseBody: 4,
  GrpcReceiveBuffer: 5,
  VmConfiguration: 6,
  PluginConfiguration: 7,
  /** Envoy's `CallData`, the spec's `FOREIGN_FUNCTION_ARGUMENTS`. */
  CallData: 8,
} as const;
/** One of the {@link BufferType} values. */
export type BufferType = (typeof BufferType)[keyof typeof BufferType];

/** `proxy_map_type_t`: the header maps the header-map host functions name. */
export const MapType = {
  HttpRequestHeaders: 0,
  HttpRequestTrailers: 1,
  HttpResponseHeaders: 2,
  HttpResponseTrailers: 3,
  GrpcReceiveInitialMetadata: 4,
  GrpcReceiveTrailingMetadata: 5,
  HttpCallResponseHeaders: 6,
  HttpCallResponseTrailers: 7,
} as const;
/** One of the {@link MapType} values. */
export type MapType = (typeof MapType)[keyof typeof MapType];

/** `proxy_stream_type_t`: what `proxy_continue_stream` and `proxy_close_stream` act on. */
export const StreamType = {
  HttpRequest: 0,
  HttpResponse: 1,
  Downstream: 2,
  Upstream: 3,
} as const;
/** One of the {@link StreamType} values. */
export type StreamType = (typeof StreamType)[keyof typeof StreamType];

/** `proxy_peer_type_t`: who closed a connection, as told to the connection-close callbacks. */
export const PeerType = {
  Unknown: 0,
  Local: 1,
  Remote: 2,
} as const;
/** One of the {@link PeerType} values. */
export type PeerType = (typeof PeerType)[keyof typeof PeerType];

/** `proxy_metric_type_t`. */
export const MetricType = {
  Counter: 0,
  Gauge: 1,
  Histogram: 2,
} as const;
/** One of the {@link MetricType} values. */
export type MetricType = (typeof MetricType)[keyof typeof MetricType];
