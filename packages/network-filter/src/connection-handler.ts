import type { ListenerInput } from './listener-input.ts';
import type { SocketAddress } from './socket-address.ts';
import type { RebalancedSocket } from './socket-hand-off.ts';

/** Per-listener options that are not part of Envoy's `Listener` message. */
export interface ListenerOptions {
  /**
   * Envoy's per-listener connection limit (its runtime key
   * `envoy.resource_limits.listener.<name>.connection_limit`): accepted sockets beyond it are
   * closed at once and counted in `downstream_cx_overflow`. Unlimited when unset.
   */
  maxConnections?: number;
  /**
   * The shared open-connection counter (`ConnectionLimit.createCounter()`), so that the limit
   * holds across workers. Without one, each worker counts its own connections.
   */
  connectionCounter?: SharedArrayBuffer;
  /**
   * The listener's shared per-worker counts (`ExactConnectionBalancer.createCounters(workers)`),
   * read when its config has `connection_balance_config.exact_balance`: every worker's listener
   * must get the same buffer. Without one (or without a `socketHandOff` on the handler), the
   * listener does not balance and the kernel spreads its connections.
   */
  connectionBalanceCounters?: SharedArrayBuffer;
}

/**
 * One listener of a {@link ListenerSnapshot}: plain data that crosses `postMessage` as it is (the
 * config is a decoded `Listener`; the counter is shared memory).
 */
export interface ListenerSnapshotEntry extends ListenerOptions {
  readonly config: ListenerInput;
  /**
   * Identifies the config's content: an entry whose version is unchanged is left alone by
   * `applySnapshot` (computed from the config when absent).
   */
  readonly version?: string;
}

/** The listeners every worker should have: what the main thread publishes to the workers. */
export interface ListenerSnapshot {
  /** Increases with every change. */
  readonly version: number;
  readonly listeners: readonly ListenerSnapshotEntry[];
}

/** A worker's view of one of its listeners. */
export interface ActiveListenerInfo {
  readonly name: string;
  /** The address the worker's socket is bound to (with the real port when 0 was configured). */
  readonly address: SocketAddress;
  /** Connections open on this worker. */
  readonly connections: number;
  /** True once the listener stopped accepting (drained, stopped or being removed). */
  readonly draining: boolean;
  readonly filterChains: number;
  readonly defaultFilterChain: boolean;
}

/**
 * Envoy's `ConnectionHandler`: a worker's listeners. Each listener binds its own socket (with
 * `reusePort`, so the kernel spreads connections over the workers), runs the listener filters,
 * picks a filter chain and owns its connections. A listener with `exact_balance` hands each
 * accepted socket to the worker with the fewest of its connections instead. Use it on the
 * worker's thread.
 *
 * Configuration is built once per listener (and again when its config changes): each filter's
 * factory callback is made then and called for every connection.
 */
export interface ConnectionHandler {
  /** The worker's index (`worker_<i>` in per-worker stats). */
  readonly workerIndex: number;
  /** Connections open on this worker, over all listeners (for the admin's `/threads`). */
  numConnections(): number;
  /**
   * Builds and binds a listener. Rejects with a `ListenerConfigError` for a bad config
   * (ambiguous chains, unknown filters...), `NUNCIO_ERR_LISTENER_EXISTS` when the name is taken,
   * `NUNCIO_ERR_LISTENER_BIND_FAILED` when the socket cannot be bound.
   */
  addListener(config: ListenerInput, options?: ListenerOptions): Promise<ActiveListenerInfo>;
  /**
   * Replaces a listener's config. On the same address the socket stays bound and only new
   * connections use the new chains (existing ones keep theirs); on another address the old
   * listener is drained away and a new one bound. Rejects as `addListener` does.
   */
  updateListener(config: ListenerInput, options?: ListenerOptions): Promise<ActiveListenerInfo>;
  /** Stops accepting and closes the listener's connections at once; false if there is none. */
  removeListener(name: string): Promise<boolean>;
  /**
   * Stops accepting and starts the listener's drain sequence (filters asking `drainClose()` get
   * the handler's drain strategy's answer over `timeoutMs`), waits up to `timeoutMs` (default: the
   * handler's drain timeout) for its connections to close, closes the rest and removes it. False
   * if there is none.
   */
  drainListener(name: string, timeoutMs?: number): Promise<boolean>;
  /** Stops accepting on every listener; connections go on (Envoy's `stopListeners`). */
  stopListeners(): Promise<void>;
  /**
   * Makes this worker's listeners those of `snapshot`: adds the new ones, updates the changed
   * ones, drains away the ones that are gone. Rejects with the first listener that failed (the
   * others are still applied).
   */
  applySnapshot(snapshot: ListenerSnapshot): Promise<void>;
  /** The listeners, in the order they were added. */
  listeners(): ActiveListenerInfo[];
  /**
   * Serves a socket another worker's listener accepted and handed here for balancing (Envoy's
   * rebalanced `onAcceptWorker`): it goes through this worker's listener of the same name, its
   * listener filters and filter chains, as if accepted here. Returns false, having closed the
   * socket, when there is no such listener or it no longer accepts.
   */
  adoptRebalancedSocket(message: RebalancedSocket): boolean;
  /** Stops every listener and closes every connection. */
  shutdown(): Promise<void>;
}
