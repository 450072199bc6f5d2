import type { BufferInstance } from '@nuncio/buffer';
import type { Dispatcher } from '@nuncio/dispatcher';
import type { Counter, Gauge } from '@nuncio/stats';
import type { ConnectionCallbacks } from './connection-callbacks.ts';
import type { ConnectionCloseType } from './connection-close-type.ts';
import type { ConnectionInfoProvider } from './connection-info.ts';
import type { ConnectionState, ReadDisableStatus } from './connection-state.ts';
import type { FilterManager } from './filter-manager.ts';
import type { ConnectionStreamInfo } from './stream-info.ts';

/**
 * Counters a connection's owner can attach with `setConnectionStats` (Envoy's
 * `Connection::ConnectionStats`); the TCP proxy attaches `tcp.<prefix>.downstream_cx_*` ones.
 * Every field is optional.
 */
export interface ConnectionStats {
  /** Bytes read, added per read. */
  readTotal?: Counter;
  /** Bytes in the read buffer, kept current. */
  readCurrent?: Gauge;
  /** Bytes handed to the socket, added per write. */
  writeTotal?: Counter;
  /** Bytes in the write buffer, kept current. */
  writeCurrent?: Gauge;
  /** Flushing closes that gave up at the delayed-close timeout. */
  delayedCloseTimeouts?: Counter;
}

/**
 * Where a connection's bytes are waiting, for memory accounting. What the connection holds in
 * memory is `readBuffer + writeBuffer + socketRead` (`socketWrite` is part of `writeBuffer`).
 */
export interface ConnectionBufferStats {
  /** Bytes in the read buffer (read, not yet drained by a filter). */
  readBuffer: number;
  /**
   * Bytes in the write buffer: written by filters and not yet written to the kernel, including
   * those already handed to the socket (the write buffer keeps them until the socket is done).
   */
  writeBuffer: number;
  /** Of `writeBuffer`, the bytes the socket still holds (`socket.writableLength`). */
  socketWrite: number;
  /** Bytes the socket read while the connection was read-disabled (`socket.readableLength`). */
  socketRead: number;
}

/**
 * Envoy's `Network::Connection`: one TCP connection over a Node `net.Socket`, with its filters
 * (it is their {@link FilterManager}), a read buffer shared by the read filters, a write buffer
 * with watermarks, half-close, Envoy's close types and timers from its dispatcher.
 *
 * Everything is single-threaded: use a connection only on its dispatcher's thread. Data-path
 * methods never throw for network conditions: on a closed connection, writes are dropped and
 * `readDisable` does nothing.
 */
export interface Connection extends FilterManager {
  /** Unique in the process: the thread id in the high bits, a per-thread count in the low ones. */
  readonly id: number;
  /** The dispatcher of the thread the connection lives on. */
  readonly dispatcher: Dispatcher;
  /** Addresses and what listener filters detected. */
  readonly connectionInfoProvider: ConnectionInfoProvider;
  /** Timing, byte counts and fields filters fill in, for access logs. */
  readonly streamInfo: ConnectionStreamInfo;

  /** `Open`, `Closing` (a flushing close is under way) or `Closed`. */
  state(): ConnectionState;
  /** Registers `callbacks` for events and write-buffer watermarks (an object, not a closure). */
  addConnectionCallbacks(callbacks: ConnectionCallbacks): void;
  /** Unregisters `callbacks`; safe to call from inside a callback. */
  removeConnectionCallbacks(callbacks: ConnectionCallbacks): void;

  /**
   * Writes `data` (it is drained: the bytes move, no copy) through the write filters, in reverse
   * order, to the socket. With `endStream`, half-closes the write side (FIN) once everything
   * before it is flushed. Dropped when the connection is not open or its write side has ended.
   */
  write(data: BufferInstance, endStream: boolean): void;
  /**
   * Closes the connection. `FlushWrite` and `FlushWriteAndDelay` first write out what is buffered
   * (the close event follows the flush); `NoFlush` and `Abort` drop it; `AbortReset` drops it and
   * sends an RST. `details` is kept as `localCloseReason()` and in the stream info.
   */
  close(type: ConnectionCloseType, details?: string): void;
  /**
   * With half-close enabled, a FIN from the peer is delivered to the read filters as
   * `onData(buffer, true)` and the connection stays open for writing until this side ends too
   * (`write(data, true)`); the connection closes when both directions are done. Disabled (the
   * default, as in Envoy), a FIN from the peer closes the connection (`RemoteClose`).
   */
  enableHalfClose(enabled: boolean): void;
  /** Whether half-close is enabled. */
  isHalfCloseEnabled(): boolean;

  /**
   * Stops (`true`) or resumes (`false`) reading from the socket. Calls nest: reading resumes when
   * every disable has been matched by an enable. On resuming, data already in the read buffer is
   * delivered to the filters again (on a later loop iteration), as Envoy does.
   */
  readDisable(disable: boolean): ReadDisableStatus;
  /** Whether reading is enabled (no outstanding `readDisable(true)`). */
  readEnabled(): boolean;

  /**
   * Sets the buffer limit (Envoy's `per_connection_buffer_limit_bytes`): the write buffer's high
   * watermark (low is half of it) and the read buffer's, above which the connection stops reading
   * by itself. 0 turns both off.
   */
  setBufferLimits(limit: number): void;
  /** The buffer limit, 0 when off. */
  bufferLimit(): number;
  /** Whether the write buffer is above its high watermark. */
  aboveHighWatermark(): boolean;
  /** Where the connection's bytes are waiting right now (allocates a small object). */
  bufferStats(): ConnectionBufferStats;

  /**
   * Closes the connection with `NoFlush` (details `idle_timeout`) when nothing was read or written
   * for `ms` milliseconds; 0 turns it off. The timer is the dispatcher's, re-armed by each read or
   * write (a `refresh()`, no allocation).
   */
  setIdleTimeout(ms: number): void;
  /**
   * How long `FlushWriteAndDelay` waits for the peer to close after the flush, and how long a
   * flushing close may take before the connection is closed anyway; 0 (the default for
   * `FlushWrite`) waits for ever. Default 1000 ms for `FlushWriteAndDelay`.
   */
  setDelayedCloseTimeout(ms: number): void;
  /** Sets `TCP_NODELAY` (on by default, as in Envoy). */
  noDelay(enable: boolean): void;
  /** Attaches counters and gauges this connection keeps up to date. */
  setConnectionStats(stats: ConnectionStats): void;

  /** Why this side closed the connection (`idle_timeout`, a filter's details), or `''`. */
  localCloseReason(): string;
  /** What went wrong at the socket level (`ECONNRESET`, a connect error), or `''`. */
  transportFailureReason(): string;
  /** The SNI the client asked for (from the TLS inspector), or `''`. */
  requestedServerName(): string;
  /** The negotiated application protocol: always `''` (Nuncio does not terminate TLS here). */
  nextProtocol(): string;
}

/**
 * An outgoing connection (Envoy's `ClientConnection`), made with `createClientConnection`. It has
 * the {@link Connection} interface, so a filter proxies between two of them symmetrically. Writes
 * made before it connects are buffered and flushed once it has.
 */
export interface ClientConnection extends Connection {
  /**
   * Starts connecting. Raises `Connected` on success; on failure raises `RemoteClose` with the
   * error in `transportFailureReason()`; after the connect timeout raises `LocalClose` with
   * `localCloseReason()` `connect_timeout`.
   */
  connect(): void;
  /** True from `connect()` until it connected or failed. */
  connecting(): boolean;
}
