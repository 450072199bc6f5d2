import type { HeaderPair } from './pairs.ts';

/** An outgoing `proxy_http_call` request, as the plugin gave it. */
export interface HttpCallRequest {
  /** The cluster named by the plugin. */
  readonly cluster: string;
  /** Request headers, pseudo-headers (`:method`, `:path`, `:authority`) included. */
  readonly headers: readonly HeaderPair[];
  readonly body: Uint8Array;
  readonly trailers: readonly HeaderPair[];
  /** Milliseconds; 0 means no timeout. */
  readonly timeoutMs: number;
}

/** A response to an `http_call`: headers with `:status`, body and trailers. */
export interface HttpCallResponse {
  readonly headers: readonly HeaderPair[];
  readonly body: Uint8Array;
  readonly trailers: readonly HeaderPair[];
}

/** How an `http_call` ends; exactly one method is called, on the thread that sent it. */
export interface HttpCallHandler {
  /**
   * A response arrived. As with Envoy's async client, a timeout or an upstream that cannot be
   * reached is a response too: a local reply (504 `upstream request timeout`, 503 ...).
   */
  onSuccess(response: HttpCallResponse): void;
  /** The stream was reset before a response (the plugin sees zero headers, status "reset"). */
  onFailure(reason: string): void;
}

/** A request in flight. */
export interface HttpCallCancel {
  /** Cancels it; the handler is then never called. */
  cancel(): void;
}

/**
 * The wire behind `proxy_http_call`: sends a request to a host of the named cluster. The default
 * implementation (`@nuncio/wasm-host/undici`) uses undici; the HTTP work will replace it with the
 * router's connection pools.
 */
export interface HttpCallClient {
  /** True when `cluster` exists on this thread (an unknown one makes the call `BadArgument`). */
  hasCluster(cluster: string): boolean;
  /**
   * Starts the request; returns its cancel handle, or null when it could not be started (the
   * plugin sees `InternalFailure`).
   */
  send(request: HttpCallRequest, handler: HttpCallHandler): HttpCallCancel | null;
}
