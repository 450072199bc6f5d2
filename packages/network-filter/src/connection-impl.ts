import { threadId } from 'node:worker_threads';
import {
  type BufferInstance,
  OwnedBuffer,
  WatermarkBuffer,
  type WatermarkCallbacks,
} from '@nuncio/buffer';
import type { DeferredDeletable, Dispatcher, SchedulableCallback, Timer } from '@nuncio/dispatcher';
import type { Connection, ConnectionBufferStats, ConnectionStats } from './connection.ts';
import type { ConnectionCallbacks } from './connection-callbacks.ts';
import { ConnectionCloseType } from './connection-close-type.ts';
import { ConnectionEvent } from './connection-event.ts';
import type { ConnectionInfoProvider } from './connection-info.ts';
import type { ConnectionSocketImpl } from './connection-socket-impl.ts';
import { ConnectionState, ReadDisableStatus } from './connection-state.ts';
import { connectionCloseChannel, connectionNewChannel } from './diagnostics.ts';
import { invalidArgument } from './errors.ts';
import type { Filter, ReadFilter, WriteFilter } from './filter.ts';
import { type FilterManagerConnection, FilterManagerImpl } from './filter-manager-impl.ts';
import { FilterStatus } from './filter-status.ts';
import { adoptSocket, type SocketOwner } from './socket-events.ts';
import type { ConnectionStreamInfo } from './stream-info.ts';
import { StreamInfoImpl } from './stream-info-impl.ts';

// Connection ids: the thread id in the high bits keeps ids from different workers apart without
// any shared state (threadId stays far below 2^21, so ids stay safe integers).
const ID_THREAD_FACTOR = 2 ** 32;
let lastLocalId = 0;

function nextConnectionId(): number {
  lastLocalId = lastLocalId + 1 >= ID_THREAD_FACTOR ? 1 : lastLocalId + 1;
  return threadId * ID_THREAD_FACTOR + lastLocalId;
}

/** Envoy's default delayed-close timeout, used by `FlushWriteAndDelay` when none was set. */
const DEFAULT_DELAYED_CLOSE_MS = 1000;

const MAX_TIMER_MS = 2_147_483_647;

/** Slices handed to the socket in one `writev` at most (the kernel's `IOV_MAX` is 1024). */
const MAX_WRITEV_SLICES = 64;

/** Written with a callback to hear when the bytes queued before it are written. */
const EMPTY_WRITE = Buffer.alloc(0);

function checkMs(what: string, ms: number): void {
  if (!(Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIMER_MS)) {
    throw invalidArgument(what, ms, `an integer number of milliseconds from 0 to ${MAX_TIMER_MS}`);
  }
}

/** Options for a connection over an existing socket. */
export interface ConnectionOptions {
  /** The buffer limit (Envoy's `per_connection_buffer_limit_bytes`); 0 (default) for none. */
  bufferLimit?: number;
  /** Bytes already read from the socket (what listener filters peeked), moved in as read data. */
  initialData?: BufferInstance;
  /** The socket is not connected yet (a client connection): listen for `'connect'`. */
  awaitConnect?: boolean;
}

/** The read buffer's watermarks: above the limit the connection stops reading by itself. */
class ReadBufferWatermarks implements WatermarkCallbacks {
  private readonly connection: ConnectionImpl;
  constructor(connection: ConnectionImpl) {
    this.connection = connection;
  }
  onAboveHighWatermark(): void {
    this.connection.onReadBufferHighWatermark();
  }
  onBelowLowWatermark(): void {
    this.connection.onReadBufferLowWatermark();
  }
}

/** The write buffer's watermarks, passed on to the connection callbacks. */
class WriteBufferWatermarks implements WatermarkCallbacks {
  private readonly connection: ConnectionImpl;
  constructor(connection: ConnectionImpl) {
    this.connection = connection;
  }
  onAboveHighWatermark(): void {
    this.connection.onWriteBufferHighWatermark();
  }
  onBelowLowWatermark(): void {
    this.connection.onWriteBufferLowWatermark();
  }
}

/**
 * Envoy's `ConnectionImpl` over a Node `net.Socket` (opened with `allowHalfOpen: true`). Reads go
 * from `'data'` events into the read buffer with no copy, then through the read filters; writes go
 * through the write filters into the write buffer and to the socket with one `write()` per slice
 * (under `cork()` when there are several: one `writev`), as far as the socket takes them without
 * back-pressure; the rest waits in the write buffer for `'drain'`.
 */
export class ConnectionImpl
  implements Connection, FilterManagerConnection, SocketOwner, DeferredDeletable
{
  readonly id: number;
  readonly dispatcher: Dispatcher;
  readonly connectionInfoProvider: ConnectionInfoProvider;
  readonly streamInfo: ConnectionStreamInfo;
  readonly connection: Connection;
  protected readonly socketInfo: ConnectionSocketImpl;
  protected readonly socket: ConnectionSocketImpl['socket'];
  protected readonly filterManager: FilterManagerImpl;
  private readonly readBuf: WatermarkBuffer;
  private readonly writeBuf: WatermarkBuffer;
  private callbacks: ConnectionCallbacks[];
  private currentState: ConnectionState;
  private limit: number;
  private readDisableCount: number;
  private readDisabledByBuffer: boolean;
  private halfClose: boolean;
  /** The peer's FIN arrived. */
  private readEnded: boolean;
  /** The peer's FIN was handed to the read filters. */
  private readEndDelivered: boolean;
  /** A write with endStream arrived: FIN once the write buffer is flushed. */
  private writeEndPending: boolean;
  /** `socket.end()` was called. */
  private writeEnded: boolean;
  /** The socket finished writing after `end()` (the FIN is out). */
  private writeFinished: boolean;
  private flushing: boolean;
  /** Bytes at the front of the write buffer handed to the socket and not yet written by it. */
  private inFlight: number;
  /** An empty write with {@link ConnectionImpl.onWriteDone} is queued behind the bytes in flight. */
  private completionRequested: boolean;
  private readonly onWriteDoneBound: () => void;
  protected connectingFlag: boolean;
  /** False for a client connection until it has connected: writes wait in the write buffer. */
  protected socketReady: boolean;
  /** Whether the socket may flow: set once the filters are in place (clients: from the start). */
  protected readingStarted: boolean;
  private closeType: ConnectionCloseType;
  private resetOnClose: boolean;
  private localReason: string;
  private failureReason: string;
  private readonly startMonotonic: number;
  private idleTimeoutMs: number;
  private idleTimer: Timer | null;
  private delayedCloseMs: number;
  private delayedCloseTimer: Timer | null;
  private resumeReadCallback: SchedulableCallback | null;
  private stats: ConnectionStats | null;
  private lastReadSize: number;
  private lastWriteSize: number;

  constructor(
    dispatcher: Dispatcher,
    socket: ConnectionSocketImpl,
    options: ConnectionOptions = {},
  ) {
    this.id = nextConnectionId();
    this.dispatcher = dispatcher;
    this.connection = this;
    this.socketInfo = socket;
    this.socket = socket.socket;
    this.connectionInfoProvider = socket;
    const info = new StreamInfoImpl(this.id, dispatcher.timeSource.systemTime(), socket);
    info.requestedServerName = socket.requestedServerName || undefined;
    this.streamInfo = info;
    this.filterManager = new FilterManagerImpl(this);
    this.readBuf = new WatermarkBuffer(new ReadBufferWatermarks(this));
    this.writeBuf = new WatermarkBuffer(new WriteBufferWatermarks(this));
    this.callbacks = [];
    this.currentState = ConnectionState.Open;
    this.limit = 0;
    this.readDisableCount = 0;
    this.readDisabledByBuffer = false;
    this.halfClose = false;
    this.readEnded = false;
    this.readEndDelivered = false;
    this.writeEndPending = false;
    this.writeEnded = false;
    this.writeFinished = false;
    this.flushing = false;
    this.inFlight = 0;
    this.completionRequested = false;
    this.onWriteDoneBound = this.onWriteDone.bind(this);
    this.connectingFlag = false;
    this.socketReady = true;
    this.readingStarted = false;
    this.closeType = ConnectionCloseType.NoFlush;
    this.resetOnClose = false;
    this.localReason = '';
    this.failureReason = '';
    this.startMonotonic = dispatcher.timeSource.monotonicTime();
    this.idleTimeoutMs = 0;
    this.idleTimer = null;
    this.delayedCloseMs = 0;
    this.delayedCloseTimer = null;
    this.resumeReadCallback = null;
    this.stats = null;
    this.lastReadSize = 0;
    this.lastWriteSize = 0;
    this.setBufferLimits(options.bufferLimit ?? 0);
    if (options.initialData !== undefined && options.initialData.length > 0) {
      info.bytesReceived += options.initialData.length;
      this.readBuf.move(options.initialData);
    }
    this.socket.setNoDelay(true);
    adoptSocket(this.socket, this, options.awaitConnect === true);
    if (connectionNewChannel.hasSubscribers) connectionNewChannel.publish({ connection: this });
  }

  // ---- Connection: state and callbacks ----

  state(): ConnectionState {
    return this.currentState;
  }

  addConnectionCallbacks(callbacks: ConnectionCallbacks): void {
    this.callbacks = [...this.callbacks, callbacks];
  }

  removeConnectionCallbacks(callbacks: ConnectionCallbacks): void {
    this.callbacks = this.callbacks.filter((entry) => entry !== callbacks);
  }

  // ---- FilterManager ----

  addReadFilter(filter: ReadFilter): void {
    this.filterManager.addReadFilter(filter);
  }

  addWriteFilter(filter: WriteFilter): void {
    this.filterManager.addWriteFilter(filter);
  }

  addFilter(filter: Filter): void {
    this.filterManager.addFilter(filter);
  }

  removeReadFilter(filter: ReadFilter): void {
    this.filterManager.removeReadFilter(filter);
  }

  initializeReadFilters(): boolean {
    const started = this.filterManager.initializeReadFilters();
    // The socket was paused until the filters were in place; now it may flow.
    if (started) this.startReading();
    return started;
  }

  // ---- FilterManagerConnection ----

  readBuffer(): BufferInstance {
    return this.readBuf;
  }

  readEndStream(): boolean {
    return this.readEndDelivered;
  }

  // ---- reading ----

  /** Starts the socket flowing unless reading is disabled (after `initializeReadFilters`). */
  startReading(): void {
    this.readingStarted = true;
    if (this.currentState === ConnectionState.Open && this.readDisableCount === 0) {
      this.socket.resume();
    }
  }

  onSocketData(chunk: Buffer): void {
    // A flushing close reads only to see the peer's FIN; the bytes are dropped, as in Envoy.
    if (this.currentState !== ConnectionState.Open) return;
    this.readBuf.add(chunk);
    this.streamInfo.bytesReceived += chunk.length;
    if (this.idleTimer !== null) this.idleTimer.enableTimer(this.idleTimeoutMs);
    if (this.stats !== null) {
      this.stats.readTotal?.add(chunk.length);
    }
    this.filterManager.onRead();
    if (this.stats !== null) this.updateReadBufferStats();
  }

  onSocketEnd(): void {
    this.readEnded = true;
    if (this.currentState === ConnectionState.Closing) {
      // FlushWriteAndDelay was waiting for the peer: it has closed its side.
      if (this.writeFinished) this.closeSocket(ConnectionEvent.RemoteClose);
      return;
    }
    if (this.currentState !== ConnectionState.Open) return;
    if (!this.halfClose) {
      // Envoy without half-close: the peer's FIN closes the connection.
      this.closeSocket(ConnectionEvent.RemoteClose);
      return;
    }
    this.deliverEndStream();
  }

  private deliverEndStream(): void {
    if (this.readEndDelivered) return;
    this.readEndDelivered = true;
    this.filterManager.onRead();
    if (this.currentState === ConnectionState.Open && this.writeFinished) {
      // Both directions are done; the read side finished last.
      this.closeSocket(ConnectionEvent.RemoteClose);
    }
  }

  readDisable(disable: boolean): ReadDisableStatus {
    if (this.currentState !== ConnectionState.Open) return ReadDisableStatus.NoTransition;
    if (disable) {
      this.readDisableCount++;
      if (this.readDisableCount > 1) return ReadDisableStatus.StillReadDisabled;
      this.socket.pause();
      return ReadDisableStatus.TransitionedToReadDisabled;
    }
    if (this.readDisableCount === 0) return ReadDisableStatus.NoTransition;
    this.readDisableCount--;
    if (this.readDisableCount > 0) return ReadDisableStatus.StillReadDisabled;
    if (this.readingStarted) this.socket.resume();
    if (this.readBuf.length > 0 || (this.readEnded && !this.readEndDelivered)) {
      // Bytes already read wait in the buffer and the socket may have nothing new to say: deliver
      // them again in this loop iteration, as Envoy does by activating a read event.
      this.resumeReadCallback ??= this.dispatcher.createSchedulableCallback(() =>
        this.onResumeRead(),
      );
      this.resumeReadCallback.scheduleCallbackCurrentIteration();
    }
    return ReadDisableStatus.TransitionedToReadEnabled;
  }

  private onResumeRead(): void {
    if (this.currentState !== ConnectionState.Open || this.readDisableCount > 0) return;
    if (this.readEnded && !this.readEndDelivered && this.halfClose) {
      this.deliverEndStream();
      return;
    }
    if (this.readBuf.length > 0) this.filterManager.onRead();
  }

  readEnabled(): boolean {
    return this.readDisableCount === 0;
  }

  /** The read buffer went above the limit: stop reading until the filters drain it. */
  onReadBufferHighWatermark(): void {
    if (this.readDisabledByBuffer || this.currentState !== ConnectionState.Open) return;
    this.readDisabledByBuffer = true;
    this.readDisable(true);
  }

  onReadBufferLowWatermark(): void {
    if (!this.readDisabledByBuffer) return;
    this.readDisabledByBuffer = false;
    this.readDisable(false);
  }

  // ---- writing ----

  write(data: BufferInstance, endStream: boolean): void {
    if (this.currentState !== ConnectionState.Open || this.writeEndPending) {
      // Dropped, as Envoy drops writes after close or after end of stream.
      if (data.length > 0) data.drain(data.length);
      return;
    }
    if (this.filterManager.hasWriteFilters()) {
      if (this.filterManager.onWrite(data, endStream) === FilterStatus.StopIteration) return;
    }
    this.rawWrite(data, endStream);
  }

  rawWrite(data: BufferInstance, endStream: boolean): void {
    if (this.currentState !== ConnectionState.Open || this.writeEndPending) {
      if (data.length > 0) data.drain(data.length);
      return;
    }
    if (data.length > 0) {
      // Only our own buffers: their bytes are never written over once drained (another
      // implementation's might be, while the socket still holds them), as move() assumes too.
      if (
        this.writeBuf.length === 0 &&
        data instanceof OwnedBuffer &&
        data.sliceCount === 1 &&
        this.writableNow()
      ) {
        this.writeDirect(data);
      } else {
        this.writeBuf.move(data);
      }
    }
    if (endStream) this.writeEndPending = true;
    if (this.idleTimer !== null) this.idleTimer.enableTimer(this.idleTimeoutMs);
    if (this.writeBuf.length > this.inFlight || this.writeEndPending) this.flush();
  }

  /** Whether a write may go to the socket now: connected, not ended, no back-pressure. */
  private writableNow(): boolean {
    const socket = this.socket;
    return (
      this.socketReady &&
      !this.writeEnded &&
      !this.flushing &&
      !socket.destroyed &&
      !socket.writableNeedDrain
    );
  }

  /**
   * The fast path for one slice when nothing waits to be written (the usual case: a read chunk
   * passed on): straight to the socket, without going through the write buffer. Only what the
   * kernel did not take at once is added to the write buffer, as bytes in flight.
   */
  private writeDirect(data: OwnedBuffer): void {
    const socket = this.socket;
    const piece = data.frontSlice();
    const size = piece.length;
    socket.write(piece);
    data.drain(size);
    this.streamInfo.bytesSent += size;
    if (this.stats !== null) this.stats.writeTotal?.add(size);
    // The socket holds whole writes until they complete: all of this one, or none of it.
    const held = socket.writableLength;
    if (held > 0) {
      this.inFlight = held;
      // The view stays valid: bytes in a buffer are never written over.
      this.writeBuf.add(held === size ? piece : piece.subarray(size - held));
      if (this.stats !== null) this.updateWriteBufferStats();
      this.settleWrites();
    }
  }

  /**
   * Hands the bytes of the write buffer not yet given to the socket over (one `write()` per slice,
   * under `cork()` when there are several: one `writev`) until the socket asks for back-pressure,
   * then drops from the write buffer what the kernel took at once, and sends the FIN if one is
   * pending and everything is handed over. Bytes the kernel did not take stay in the write buffer
   * (counted as in flight) until the socket has written them, so the watermarks see everything not
   * yet accepted by the kernel, as Envoy's do, and Node's own socket buffer adds nothing on top of
   * the limit.
   *
   * The writes carry no callback: a write the kernel takes whole completes inside `write()` (Node
   * then schedules nothing), and `socket.writableLength` says what is still held. Only bytes left
   * in flight need to be heard of again: through `'drain'` when the socket asked for back-pressure,
   * or else through one empty write with a callback queued behind them.
   */
  protected flush(): void {
    if (this.flushing || !this.socketReady || this.writeEnded) return;
    const socket = this.socket;
    if (this.currentState === ConnectionState.Closed || socket.destroyed) return;
    const buffer = this.writeBuf;
    if (this.inFlight > 0) this.settleWrites();
    while (buffer.length > this.inFlight && !socket.writableNeedDrain) {
      // A callback of the last round may have closed the connection (state() is not narrowed).
      if (this.state() === ConnectionState.Closed || socket.destroyed) return;
      this.flushing = true;
      let handed: number;
      if (this.inFlight === 0 && buffer.sliceCount === 1) {
        // The usual case (a read chunk passed on): one slice, one write, nothing to skip.
        const piece = buffer.frontSlice();
        handed = piece.length;
        socket.write(piece);
      } else {
        handed = this.writeSlices();
      }
      this.inFlight += handed;
      this.streamInfo.bytesSent += handed;
      if (this.stats !== null) this.stats.writeTotal?.add(handed);
      this.flushing = false;
      // May cross the low watermark; its callbacks may write more, which the loop picks up.
      this.settleWrites();
    }
    if (buffer.length === this.inFlight && this.writeEndPending && !this.writeEnded) {
      this.writeEnded = true;
      socket.end();
    }
  }

  /**
   * Writes the slices past those in flight (at most {@link MAX_WRITEV_SLICES}) under `cork()`, as
   * one `writev`; returns the bytes handed over. The socket's answers to the single writes are
   * not looked at: corked writes only queue, and what the kernel does not take stays in flight in
   * the write buffer, where the watermarks see it.
   */
  private writeSlices(): number {
    const socket = this.socket;
    socket.cork();
    let skip = this.inFlight;
    let handed = 0;
    let slices = 0;
    // Iterating does not change the buffer; nothing the writes call back runs in this loop.
    for (const slice of this.writeBuf) {
      if (skip >= slice.length) {
        skip -= slice.length;
        continue;
      }
      const piece = skip === 0 ? slice : slice.subarray(skip);
      skip = 0;
      handed += piece.length;
      socket.write(piece);
      if (++slices === MAX_WRITEV_SLICES) break;
    }
    socket.uncork();
    return handed;
  }

  /**
   * Drops from the write buffer what the socket no longer holds (it holds only our bytes, the
   * last ones handed over), and makes sure to hear of the rest once written.
   */
  private settleWrites(): void {
    const socket = this.socket;
    const held = socket.writableLength;
    const written = this.inFlight - held;
    if (written > 0) {
      this.inFlight = held;
      // May cross the low watermark: callbacks then resume whoever produces for this connection.
      this.writeBuf.drain(written);
      if (this.stats !== null) this.updateWriteBufferStats();
    }
    if (
      this.inFlight > 0 &&
      !this.completionRequested &&
      !socket.writableNeedDrain &&
      !this.writeEnded &&
      this.currentState !== ConnectionState.Closed
    ) {
      // No 'drain' will come (the socket holds less than its high-water mark): an empty write's
      // callback runs once everything before it is written.
      this.completionRequested = true;
      socket.write(EMPTY_WRITE, this.onWriteDoneBound);
    }
  }

  /** The empty write queued by {@link ConnectionImpl.settleWrites} completed. */
  private onWriteDone(): void {
    this.completionRequested = false;
    if (this.currentState === ConnectionState.Closed) return;
    this.flush();
  }

  onSocketDrain(): void {
    this.flush();
  }

  onSocketFinish(): void {
    this.writeFinished = true;
    // Everything, the FIN included, is written.
    if (this.inFlight > 0 && this.currentState !== ConnectionState.Closed) this.settleWrites();
    if (this.currentState === ConnectionState.Closing) {
      if (this.closeType === ConnectionCloseType.FlushWriteAndDelay && !this.readEnded) {
        // Wait for the peer to close its side (or for the delayed-close timer).
        if (this.delayedCloseMs === 0) this.closeSocket(ConnectionEvent.LocalClose);
        return;
      }
      this.closeSocket(ConnectionEvent.LocalClose);
      return;
    }
    if (this.currentState === ConnectionState.Open && this.readEndDelivered) {
      // Both directions are done; the write side finished last.
      this.closeSocket(ConnectionEvent.LocalClose);
    }
  }

  onWriteBufferHighWatermark(): void {
    if (this.currentState === ConnectionState.Closed) return;
    const callbacks = this.callbacks;
    for (let i = 0; i < callbacks.length; i++) {
      (callbacks[i] as ConnectionCallbacks).onAboveWriteBufferHighWatermark();
    }
  }

  onWriteBufferLowWatermark(): void {
    if (this.currentState === ConnectionState.Closed) return;
    const callbacks = this.callbacks;
    for (let i = 0; i < callbacks.length; i++) {
      (callbacks[i] as ConnectionCallbacks).onBelowWriteBufferLowWatermark();
    }
  }

  // ---- closing ----

  close(type: ConnectionCloseType, details?: string): void {
    if (this.currentState === ConnectionState.Closed) return;
    if (details !== undefined && details !== '' && this.localReason === '') {
      this.localReason = details;
      this.streamInfo.connectionTerminationDetails ??= details;
    }
    if (this.currentState === ConnectionState.Closing) {
      // A flushing close is under way; only a harder close changes it.
      if (
        type !== ConnectionCloseType.FlushWrite &&
        type !== ConnectionCloseType.FlushWriteAndDelay
      ) {
        this.resetOnClose = type === ConnectionCloseType.AbortReset;
        this.closeSocket(ConnectionEvent.LocalClose);
      }
      return;
    }
    switch (type) {
      case ConnectionCloseType.AbortReset:
        this.resetOnClose = true;
        this.closeSocket(ConnectionEvent.LocalClose);
        return;
      case ConnectionCloseType.NoFlush:
      case ConnectionCloseType.Abort:
        this.closeSocket(ConnectionEvent.LocalClose);
        return;
      default:
        this.closeFlushing(type);
    }
  }

  private closeFlushing(type: ConnectionCloseType): void {
    if (!this.socketReady) {
      // Nothing can be flushed to a socket that is not connected.
      this.closeSocket(ConnectionEvent.LocalClose);
      return;
    }
    this.closeType = type;
    this.currentState = ConnectionState.Closing;
    // Keep reading (bytes are dropped) so the peer's FIN or reset is seen and our close is a FIN.
    this.readDisableCount = 0;
    this.socket.resume();
    if (this.resumeReadCallback !== null) this.resumeReadCallback.cancel();
    if (this.idleTimer !== null) this.idleTimer.disableTimer();
    const timeout =
      this.delayedCloseMs !== 0
        ? this.delayedCloseMs
        : type === ConnectionCloseType.FlushWriteAndDelay
          ? DEFAULT_DELAYED_CLOSE_MS
          : 0;
    this.delayedCloseMs = timeout;
    if (timeout > 0) {
      this.delayedCloseTimer ??= this.dispatcher.createTimer(() => this.onDelayedCloseTimeout());
      this.delayedCloseTimer.enableTimer(timeout);
    }
    if (this.writeFinished) {
      // The FIN is already out: FlushWrite is done; FlushWriteAndDelay waits for the peer.
      if (type === ConnectionCloseType.FlushWrite || this.readEnded || timeout === 0) {
        this.closeSocket(ConnectionEvent.LocalClose);
      }
      return;
    }
    this.writeEndPending = true;
    this.flush();
  }

  private onDelayedCloseTimeout(): void {
    if (this.currentState === ConnectionState.Closed) return;
    this.stats?.delayedCloseTimeouts?.inc();
    this.closeSocket(ConnectionEvent.LocalClose);
  }

  onSocketError(error: Error): void {
    if (this.failureReason === '') {
      const code = (error as NodeJS.ErrnoException).code;
      this.failureReason = code ?? error.message;
    }
  }

  onSocketClose(): void {
    if (this.currentState === ConnectionState.Closed) return;
    // The socket went away underneath us: a reset, an error, or the peer closing both ways.
    this.closeSocket(ConnectionEvent.RemoteClose);
  }

  onSocketConnect(): void {}

  /** Closes the socket at once and raises `event` (Envoy's `closeSocket`). */
  protected closeSocket(event: ConnectionEvent): void {
    if (this.currentState === ConnectionState.Closed) return;
    this.currentState = ConnectionState.Closed;
    if (this.idleTimer !== null) this.idleTimer.disableTimer();
    if (this.delayedCloseTimer !== null) this.delayedCloseTimer.disableTimer();
    if (this.resumeReadCallback !== null) this.resumeReadCallback.cancel();
    this.onClosing();
    if (this.resetOnClose && !this.socket.destroyed) this.socket.resetAndDestroy();
    else this.socket.destroy();
    this.streamInfo.durationMs = this.dispatcher.timeSource.monotonicTime() - this.startMonotonic;
    // Drop what is left; watermark callbacks are muted now that the state is Closed.
    this.inFlight = 0;
    if (this.writeBuf.length > 0) this.writeBuf.drain(this.writeBuf.length);
    if (this.readBuf.length > 0) this.readBuf.drain(this.readBuf.length);
    if (this.stats !== null) {
      this.updateReadBufferStats();
      this.updateWriteBufferStats();
    }
    if (connectionCloseChannel.hasSubscribers) {
      connectionCloseChannel.publish({
        connection: this,
        event,
        details: this.localReason || this.failureReason,
      });
    }
    this.raiseEvent(event);
  }

  /** A hook for subclasses, run when the connection starts closing its socket. */
  protected onClosing(): void {}

  protected raiseEvent(event: ConnectionEvent): void {
    const callbacks = this.callbacks;
    for (let i = 0; i < callbacks.length; i++) {
      (callbacks[i] as ConnectionCallbacks).onEvent(event);
    }
  }

  // ---- half-close, limits, timers, stats ----

  enableHalfClose(enabled: boolean): void {
    this.halfClose = enabled;
  }

  isHalfCloseEnabled(): boolean {
    return this.halfClose;
  }

  setBufferLimits(limit: number): void {
    if (!(Number.isSafeInteger(limit) && limit >= 0)) {
      throw invalidArgument('setBufferLimits(limit)', limit, 'a non-negative integer');
    }
    this.limit = limit;
    // Envoy: both buffers' high watermark is the limit, the low one half of it.
    this.writeBuf.setWatermarks(limit);
    this.readBuf.setWatermarks(limit);
  }

  bufferLimit(): number {
    return this.limit;
  }

  aboveHighWatermark(): boolean {
    return this.writeBuf.highWatermarkTriggered;
  }

  bufferStats(): ConnectionBufferStats {
    return {
      readBuffer: this.readBuf.length,
      // Includes the bytes handed to the socket and not yet written: they are the same Buffers.
      writeBuffer: this.writeBuf.length,
      socketWrite: this.socket.destroyed ? 0 : this.socket.writableLength,
      socketRead: this.socket.destroyed ? 0 : this.socket.readableLength,
    };
  }

  setIdleTimeout(ms: number): void {
    checkMs('setIdleTimeout(ms)', ms);
    this.idleTimeoutMs = ms;
    if (ms === 0) {
      if (this.idleTimer !== null) this.idleTimer.disableTimer();
      return;
    }
    if (this.currentState !== ConnectionState.Open) return;
    this.idleTimer ??= this.dispatcher.createTimer(() => this.onIdleTimeout());
    this.idleTimer.enableTimer(ms);
  }

  private onIdleTimeout(): void {
    if (this.currentState !== ConnectionState.Open) return;
    this.close(ConnectionCloseType.NoFlush, 'idle_timeout');
  }

  setDelayedCloseTimeout(ms: number): void {
    checkMs('setDelayedCloseTimeout(ms)', ms);
    this.delayedCloseMs = ms;
  }

  noDelay(enable: boolean): void {
    if (!this.socket.destroyed) this.socket.setNoDelay(enable);
  }

  setConnectionStats(stats: ConnectionStats): void {
    this.stats = stats;
    this.lastReadSize = 0;
    this.lastWriteSize = 0;
    this.updateReadBufferStats();
    this.updateWriteBufferStats();
  }

  private updateReadBufferStats(): void {
    const size = this.readBuf.length;
    if (size !== this.lastReadSize) {
      this.stats?.readCurrent?.add(size - this.lastReadSize);
      this.lastReadSize = size;
    }
  }

  private updateWriteBufferStats(): void {
    const size = this.writeBuf.length;
    if (size !== this.lastWriteSize) {
      this.stats?.writeCurrent?.add(size - this.lastWriteSize);
      this.lastWriteSize = size;
    }
  }

  localCloseReason(): string {
    return this.localReason;
  }

  transportFailureReason(): string {
    return this.failureReason;
  }

  requestedServerName(): string {
    return this.connectionInfoProvider.requestedServerName;
  }

  nextProtocol(): string {
    return '';
  }

  // ---- DeferredDeletable ----

  onDeferredDelete(): void {
    // Dropping the references is enough; make sure nothing outlives a connection closed late.
    if (this.currentState !== ConnectionState.Closed) this.closeSocket(ConnectionEvent.LocalClose);
    this.callbacks = [];
  }
}
