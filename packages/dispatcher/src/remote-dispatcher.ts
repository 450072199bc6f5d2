import type { DispatcherError } from './errors.ts';
import type { HandlerMap, HandlerName, PostArgs, ResultOf } from './handler.ts';

/** Counts kept by one remote dispatcher, on the sending thread. */
export interface RemoteDispatcherCounters {
  /** Fire-and-forget posts sent. */
  posts: number;
  /** Calls sent. */
  calls: number;
  /** Posts the target rejected because it has no such handler (reported through `onError`). */
  unknownHandler: number;
}

/**
 * Another thread's dispatcher, seen from this thread: Envoy's cross-thread `post`, with data naming
 * a handler registered on the target instead of a closure (closures cannot cross threads). What is
 * posted runs on the target as one of its post callbacks: in its post queue's order, between I/O
 * callbacks, never in the middle of one. Use it only on the thread that created it.
 *
 * `H` maps handler names to their functions' types, so names and payloads are checked.
 */
export interface RemoteDispatcher<H extends object = HandlerMap> {
  /** The target dispatcher's name, e.g. `worker_0` or `main_thread`. */
  readonly name: string;
  /** The target thread's Node `threadId`. */
  readonly threadId: number;
  /** True once the target has exited or `close()` was called: posts then throw. */
  readonly closed: boolean;
  /**
   * Sends `payload` (structured-cloned, or moved for the `transfer` items) to the target, which runs
   * handler `handler` with it. Fire and forget: when the target has no such handler, it answers
   * with a `NUNCIO_ERR_DISPATCHER_UNKNOWN_HANDLER` error delivered to the `onError` listeners (or
   * logged when there are none) and counted in `counters().unknownHandler`. A handler that throws
   * is reported on the target thread. Throws `NUNCIO_ERR_DISPATCHER_PAYLOAD_NOT_CLONEABLE` at once
   * for a payload that cannot be cloned, and `NUNCIO_ERR_DISPATCHER_TARGET_CLOSED` once closed.
   */
  post<K extends HandlerName<H>>(handler: K, ...args: PostArgs<H[K]>): void;
  /**
   * Like `post`, but resolves with the handler's (awaited, cloned) result. Rejects with a
   * `DispatcherError`: `NUNCIO_ERR_DISPATCHER_UNKNOWN_HANDLER`,
   * `NUNCIO_ERR_DISPATCHER_PAYLOAD_NOT_CLONEABLE` (the payload or the result),
   * `NUNCIO_ERR_DISPATCHER_REMOTE_HANDLER_FAILED` (the handler threw; the message is the remote one)
   * or `NUNCIO_ERR_DISPATCHER_TARGET_CLOSED`. Costs a promise: for hot paths prefer `post`.
   */
  call<K extends HandlerName<H>>(handler: K, ...args: PostArgs<H[K]>): Promise<ResultOf<H[K]>>;
  /**
   * Adds a listener for errors the target reports back about fire-and-forget posts (an unknown
   * handler). Returns a function that removes it. Listeners run on this thread's loop.
   */
  onError(listener: (error: DispatcherError) => void): () => void;
  /** Counts kept on this side. */
  counters(): RemoteDispatcherCounters;
  /** Closes this side of the channel: pending calls reject with `NUNCIO_ERR_DISPATCHER_TARGET_CLOSED`. */
  close(): void;
}
