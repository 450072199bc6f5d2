import type { StreamType } from './abi-types.ts';
import type { WasmHeaderMap } from './header-map.ts';
import type { HeaderPair } from './pairs.ts';
import type { StreamAttributes } from './stream-attributes.ts';

/** A local reply a plugin asked for with `proxy_send_local_response`. */
export interface LocalReply {
  readonly statusCode: number;
  readonly body: Uint8Array;
  /** Headers to add to the reply (names lowercased). */
  readonly headers: readonly HeaderPair[];
  /** The gRPC status to reply with, or undefined when the plugin gave none (-1). */
  readonly grpcStatus: number | undefined;
  /** `response_code_details`. */
  readonly details: string;
}

/**
 * What the filter driving a stream (the HTTP connection manager's wasm filter, the network wasm
 * filter, a Fastify plugin...) offers the host. The host calls these on the stream's thread, never
 * from inside the plugin: actions a plugin asks for during a callback run once that callback has
 * returned, as in Envoy. Members a filter does not implement make the matching host call return
 * `BadArgument` (HTTP members on a TCP stream and the reverse).
 */
export interface StreamCallbacks {
  /**
   * The plugin's VM failed (a trap, or it never loaded) and the plugin is not `fail_open`: fail the
   * stream. Envoy answers HTTP with a 503 local reply (details `wasm_fail_stream`, gRPC status
   * Unavailable) and closes a TCP connection. Called at most once per stream, with the direction the
   * failure was seen in.
   */
  failStream(streamType: StreamType): void;
  /** The stream's attributes for `proxy_get_property` (read when a plugin asks). */
  attributes?(): StreamAttributes | undefined;

  /** HTTP: resume request processing the plugin paused (`proxy_continue_stream(HTTP_REQUEST)`). */
  continueRequest?(): void;
  /** HTTP: resume response processing (`proxy_continue_stream(HTTP_RESPONSE)`). */
  continueResponse?(): void;
  /** HTTP: send a local reply instead of the upstream's response. */
  sendLocalReply?(reply: LocalReply): void;
  /** HTTP: reset the stream (`proxy_close_stream` with a request or response type). */
  resetStream?(streamType: StreamType): void;
  /** HTTP: the plugin changed request headers; forget the chosen route (`clear_route_cache`). */
  clearRouteCache?(): void;
  /**
   * HTTP: trailers for a request that has none, asked for in `on_request_body` at end of stream
   * (Envoy's `addDecodedTrailers`). Return the map that will be sent.
   */
  addRequestTrailers?(): WasmHeaderMap;
  /** HTTP: the same for the response (Envoy's `addEncodedTrailers`). */
  addResponseTrailers?(): WasmHeaderMap;

  /** TCP: resume reading downstream data the plugin paused (`proxy_continue_stream(DOWNSTREAM)`). */
  continueDownstream?(): void;
  /** TCP: resume upstream data the plugin paused. */
  continueUpstream?(): void;
  /** TCP: close the downstream connection after flushing (`proxy_close_stream(DOWNSTREAM)`). */
  closeDownstream?(): void;
  /** TCP: close the upstream connection after flushing. */
  closeUpstream?(): void;
}
