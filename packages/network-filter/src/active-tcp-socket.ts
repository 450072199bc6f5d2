import { OwnedBuffer } from '@nuncio/buffer';
import type { Dispatcher, Timer } from '@nuncio/dispatcher';
import type { ConnectionSocketImpl } from './connection-socket-impl.ts';
import type { ListenerFilterFactoryCb } from './filter-factory.ts';
import { FilterStatus } from './filter-status.ts';
import type {
  ListenerFilter,
  ListenerFilterBuffer,
  ListenerFilterCallbacks,
  ListenerFilterManager,
} from './listener-filter.ts';
import { adoptSocket, type SocketOwner } from './socket-events.ts';

/** Why an accepted socket was closed before it became a connection. */
export type SocketRejectReason =
  | 'listener_filter_error'
  | 'listener_filter_remote_close'
  | 'listener_filter_timeout'
  | 'listener_removed';

/** What the listener-filter phase reports to its listener. */
export interface ActiveTcpSocketOwner {
  readonly dispatcher: Dispatcher;
  /** Every listener filter passed (or the timeout said to go on): choose a chain. */
  onListenerFiltersDone(socket: ActiveTcpSocket, data: OwnedBuffer): void;
  /** The socket was closed before the filters finished. */
  onListenerFiltersFailed(socket: ActiveTcpSocket, reason: SocketRejectReason): void;
}

const NO_CONTINUE = 0;
const CONTINUE_SUCCESS = 1;
const CONTINUE_FAILURE = 2;

/**
 * Envoy's `ActiveTcpSocket`: an accepted socket going through the listener filters. The bytes
 * they look at are read into a buffer that becomes the connection's first read, so listener
 * filters consume nothing (Node has no `MSG_PEEK`; this is the same effect).
 */
export class ActiveTcpSocket
  implements ListenerFilterCallbacks, ListenerFilterManager, ListenerFilterBuffer, SocketOwner
{
  readonly socket: ConnectionSocketImpl;
  readonly dispatcher: Dispatcher;
  private readonly owner: ActiveTcpSocketOwner;
  private readonly filters: ListenerFilter[];
  private readonly data: OwnedBuffer;
  private readonly timeoutMs: number;
  private readonly continueOnTimeout: boolean;
  private index: number;
  /** Whether `onAccept` was called on the current filter. */
  private accepted: boolean;
  private waitingForData: boolean;
  private inFilterCall: boolean;
  private pendingContinue: number;
  private timer: Timer | null;
  private finished: boolean;
  /** Whether the listener-filter timeout passed (with `continue_on_listener_filters_timeout`). */
  timedOut: boolean;

  constructor(
    owner: ActiveTcpSocketOwner,
    socket: ConnectionSocketImpl,
    timeoutMs: number,
    continueOnTimeout: boolean,
  ) {
    this.owner = owner;
    this.socket = socket;
    this.dispatcher = owner.dispatcher;
    this.filters = [];
    this.data = new OwnedBuffer();
    this.timeoutMs = timeoutMs;
    this.continueOnTimeout = continueOnTimeout;
    this.index = 0;
    this.accepted = false;
    this.waitingForData = false;
    this.inFilterCall = false;
    this.pendingContinue = NO_CONTINUE;
    this.timer = null;
    this.finished = false;
    this.timedOut = false;
  }

  /** Creates the filters and runs them. */
  start(factories: readonly ListenerFilterFactoryCb[]): void {
    for (const factory of factories) factory(this);
    adoptSocket(this.socket.socket, this);
    if (this.timeoutMs > 0) {
      this.timer = this.dispatcher.createTimer(() => this.onTimeout());
      this.timer.enableTimer(this.timeoutMs);
    }
    this.runFilters();
  }

  /** Closes the socket (listener removal or shutdown). */
  abort(): void {
    if (this.finished) return;
    this.fail('listener_removed', false);
  }

  // ---- ListenerFilterManager / ListenerFilterBuffer ----

  addAcceptFilter(filter: ListenerFilter): void {
    this.filters.push(filter);
  }

  get length(): number {
    return this.data.length;
  }

  rawSlice(): Buffer {
    return this.data.linearize(this.data.length);
  }

  // ---- ListenerFilterCallbacks ----

  continueFilterChain(success: boolean): void {
    if (this.finished) return;
    if (this.inFilterCall) {
      // Called from inside the filter's own callback: acted on when it returns.
      this.pendingContinue = success ? CONTINUE_SUCCESS : CONTINUE_FAILURE;
      return;
    }
    if (!success) {
      this.fail('listener_filter_error', true);
      return;
    }
    this.advance();
    this.runFilters();
  }

  // ---- the filter loop ----

  private advance(): void {
    this.index++;
    this.accepted = false;
    this.waitingForData = false;
  }

  /** After a filter call: true when the loop must stop, having acted on continueFilterChain. */
  private takePendingContinue(): 'none' | 'next' | 'stop' {
    const pending = this.pendingContinue;
    this.pendingContinue = NO_CONTINUE;
    if (this.finished) return 'stop';
    if (pending === CONTINUE_FAILURE) {
      this.fail('listener_filter_error', true);
      return 'stop';
    }
    if (pending === CONTINUE_SUCCESS) return 'next';
    return 'none';
  }

  private runFilters(): void {
    while (!this.finished && this.index < this.filters.length) {
      const filter = this.filters[this.index] as ListenerFilter;
      if (!this.accepted) {
        this.accepted = true;
        this.inFilterCall = true;
        const status = filter.onAccept(this);
        this.inFilterCall = false;
        const pending = this.takePendingContinue();
        if (pending === 'stop') return;
        if (pending === 'next' || status === FilterStatus.Continue) {
          this.advance();
          continue;
        }
        if (filter.maxReadBytes() === 0) {
          // An asynchronous filter: it calls continueFilterChain() when done.
          this.socket.socket.pause();
          return;
        }
      }
      this.waitingForData = true;
      if (this.data.length > 0) {
        this.inFilterCall = true;
        const status = filter.onData(this);
        this.inFilterCall = false;
        const pending = this.takePendingContinue();
        if (pending === 'stop') return;
        if (pending === 'next' || status === FilterStatus.Continue) {
          this.advance();
          continue;
        }
        if (this.data.length >= filter.maxReadBytes()) {
          // It has seen all it may and still wants more: give up, as Envoy does.
          this.fail('listener_filter_error', true);
          return;
        }
      }
      this.socket.socket.resume();
      return;
    }
    if (!this.finished) this.succeed();
  }

  private succeed(): void {
    this.finished = true;
    if (this.timer !== null) this.timer.disableTimer();
    // The socket is handed over flowing or paused as it is; the connection decides.
    this.owner.onListenerFiltersDone(this, this.data);
  }

  private fail(reason: SocketRejectReason, notifyFilter: boolean): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== null) this.timer.disableTimer();
    if (notifyFilter) this.filters[this.index]?.onClose?.();
    this.socket.socket.destroy();
    this.data.clear();
    this.owner.onListenerFiltersFailed(this, reason);
  }

  private onTimeout(): void {
    if (this.finished) return;
    if (this.continueOnTimeout) {
      this.filters[this.index]?.onClose?.();
      this.timedOut = true;
      this.succeed();
      return;
    }
    this.fail('listener_filter_timeout', true);
  }

  // ---- SocketOwner ----

  onSocketData(chunk: Buffer): void {
    if (this.finished) return;
    this.data.add(chunk);
    if (this.waitingForData) this.runFilters();
  }

  onSocketEnd(): void {
    this.fail('listener_filter_remote_close', true);
  }

  onSocketDrain(): void {}

  onSocketFinish(): void {}

  onSocketConnect(): void {}

  onSocketError(_error: Error): void {}

  onSocketClose(): void {
    this.fail('listener_filter_remote_close', true);
  }
}
