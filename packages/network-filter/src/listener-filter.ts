import type { Dispatcher } from '@nuncio/dispatcher';
import type { ConnectionSocket } from './connection-info.ts';
import type { FilterStatus } from './filter-status.ts';

/**
 * The first bytes of an accepted connection, as listener filters see them (Envoy's
 * `ListenerFilterBuffer`). Nothing here is consumed: every byte is handed on to the chosen filter
 * chain as the connection's first read.
 */
export interface ListenerFilterBuffer {
  /** Bytes read so far. */
  readonly length: number;
  /**
   * A contiguous view of every byte read so far (joined once when they came in several reads).
   * Read it; do not change it.
   */
  rawSlice(): Buffer;
}

/** What the listener hands a listener filter (Envoy's `ListenerFilterCallbacks`). */
export interface ListenerFilterCallbacks {
  /** The accepted socket: addresses, and setters for what the filter detects. */
  readonly socket: ConnectionSocket;
  /** The worker's dispatcher. */
  readonly dispatcher: Dispatcher;
  /**
   * For a filter that returned `StopIteration` from `onAccept` without wanting data (an
   * asynchronous filter): go on with the next filter (`true`) or close the socket (`false`).
   */
  continueFilterChain(success: boolean): void;
}

/**
 * A listener filter (Envoy's `Network::ListenerFilter`): runs on an accepted socket before a
 * filter chain is chosen, to detect what the chain is chosen by (the TLS inspector sets the
 * transport protocol, SNI and ALPN). Filters run in order; each may look at the first bytes.
 */
export interface ListenerFilter {
  /**
   * The socket was accepted. `Continue`: done, next filter. `StopIteration`: wait, for data
   * (`onData`, when `maxReadBytes()` is above 0) or for `continueFilterChain()`.
   */
  onAccept(callbacks: ListenerFilterCallbacks): FilterStatus;
  /**
   * Bytes arrived (all of them from the first, each time). `Continue`: done, next filter.
   * `StopIteration`: more bytes needed; when `maxReadBytes()` bytes are there and the filter still
   * wants more, the listener gives up (`downstream_listener_filter_error`) and closes the socket.
   */
  onData(buffer: ListenerFilterBuffer): FilterStatus;
  /** The most bytes the filter will look at; 0 for a filter that needs no data. */
  maxReadBytes(): number;
  /** The socket closed, or the listener-filter timeout passed, before the filter finished. */
  onClose?(): void;
}

/** Where a listener filter factory adds its filters (Envoy's `ListenerFilterManager`). */
export interface ListenerFilterManager {
  /** Appends a listener filter for the socket being accepted. */
  addAcceptFilter(filter: ListenerFilter): void;
}
