import type { MessagePort, TransferListItem } from 'node:worker_threads';
import type { DispatcherHandle } from './dispatcher-handle.ts';
import type { DispatcherImpl } from './dispatcher-impl.ts';
import {
  DispatcherError,
  DispatcherErrorCode,
  handleInUseError,
  invalidArgumentError,
  payloadNotCloneableError,
  remoteHandlerFailedError,
  targetClosedError,
} from './errors.ts';
import type { HandlerMap, HandlerName, PostArgs, ResultOf } from './handler.ts';
import { MessageRunner } from './message-runner.ts';
import {
  isDataCloneError,
  MSG_CALL,
  MSG_POST,
  MSG_POST_ERROR,
  MSG_REPLY_ERROR,
  MSG_REPLY_OK,
  type ReplySink,
} from './protocol.ts';
import type { RemoteDispatcher, RemoteDispatcherCounters } from './remote-dispatcher.ts';

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  handler: string;
}

/** Ports already turned into a remote dispatcher on this thread. */
const portsInUse = new WeakSet<MessagePort>();

/**
 * What both remote dispatchers share: pending calls, error listeners, counters, and turning the
 * target's replies into results and errors.
 */
abstract class RemoteDispatcherBase<H extends object> implements RemoteDispatcher<H> {
  readonly name: string;
  readonly threadId: number;
  protected isClosed: boolean;
  protected readonly pending: Map<number, PendingCall>;
  private nextCallId: number;
  private readonly errorListeners: ((error: DispatcherError) => void)[];
  private posts: number;
  private calls: number;
  private unknownHandler: number;

  constructor(name: string, threadId: number) {
    this.name = name;
    this.threadId = threadId;
    this.isClosed = false;
    this.pending = new Map();
    this.nextCallId = 1;
    this.errorListeners = [];
    this.posts = 0;
    this.calls = 0;
    this.unknownHandler = 0;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  post<K extends HandlerName<H>>(handler: K, ...args: PostArgs<H[K]>): void {
    if (typeof handler !== 'string') {
      throw invalidArgumentError('handler name', handler, 'a string');
    }
    if (this.isClosed) throw targetClosedError(this.name, handler);
    try {
      this.send(MSG_POST, handler, args[0], 0, args[1]);
    } catch (error) {
      if (isDataCloneError(error)) throw payloadNotCloneableError(handler, this.name, error);
      throw error;
    }
    this.posts++;
  }

  call<K extends HandlerName<H>>(handler: K, ...args: PostArgs<H[K]>): Promise<ResultOf<H[K]>> {
    if (typeof handler !== 'string') {
      return Promise.reject(invalidArgumentError('handler name', handler, 'a string'));
    }
    if (this.isClosed) return Promise.reject(targetClosedError(this.name, handler));
    const id = this.nextCallId++;
    return new Promise<ResultOf<H[K]>>((resolve, reject) => {
      try {
        this.send(MSG_CALL, handler, args[0], id, args[1]);
      } catch (error) {
        reject(
          isDataCloneError(error) ? payloadNotCloneableError(handler, this.name, error) : error,
        );
        return;
      }
      this.calls++;
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, handler });
      if (this.pending.size === 1) this.callsStarted();
    });
  }

  onError(listener: (error: DispatcherError) => void): () => void {
    this.errorListeners.push(listener);
    return () => {
      const index = this.errorListeners.indexOf(listener);
      if (index >= 0) this.errorListeners.splice(index, 1);
    };
  }

  counters(): RemoteDispatcherCounters {
    return { posts: this.posts, calls: this.calls, unknownHandler: this.unknownHandler };
  }

  abstract close(): void;

  /** Sends one message to the target; throws what cloning throws. */
  protected abstract send(
    kind: number,
    handler: string,
    payload: unknown,
    id: number,
    transfer: readonly TransferListItem[] | undefined,
  ): void;

  /** The first call is pending: keep the thread alive for its reply. */
  protected callsStarted(): void {}

  /** The last pending call settled. */
  protected callsFinished(): void {}

  /** Handles one reply from the target. */
  protected onReply(raw: unknown): void {
    const message = raw as unknown[];
    const kind = message[0];
    if (kind === MSG_POST_ERROR) {
      this.unknownHandler++;
      this.emitError(
        new DispatcherError(message[2] as DispatcherErrorCode, message[3] as string),
        message[5] as string,
      );
      return;
    }
    const id = message[1] as number;
    const call = this.pending.get(id);
    if (call === undefined) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.callsFinished();
    if (kind === MSG_REPLY_OK) {
      call.resolve(message[2]);
    } else if (kind === MSG_REPLY_ERROR) {
      call.reject(this.rebuildError(message, call.handler));
    }
  }

  /** Rejects every pending call: the target is gone. */
  protected failPending(): void {
    for (const call of this.pending.values())
      call.reject(targetClosedError(this.name, call.handler));
    if (this.pending.size > 0) this.callsFinished();
    this.pending.clear();
  }

  private rebuildError(message: unknown[], handler: string): DispatcherError {
    const code = message[2] as DispatcherErrorCode;
    const text = message[3] as string;
    if (code !== DispatcherErrorCode.RemoteHandlerFailed) return new DispatcherError(code, text);
    const stack = message[4] as string | undefined;
    const error = remoteHandlerFailedError(handler, this.name, text, stack);
    const remoteCode = message[6];
    if (typeof remoteCode === 'string') {
      (error as { remoteCode?: string }).remoteCode = remoteCode;
    }
    return error;
  }

  private emitError(error: DispatcherError, handler: string): void {
    if (this.errorListeners.length === 0) {
      console.error(`[nuncio] post of "${handler}" to dispatcher ${this.name} failed:`, error);
      return;
    }
    for (const listener of this.errorListeners.slice()) {
      try {
        listener(error);
      } catch (listenerError) {
        console.error('[nuncio] a remote dispatcher error listener threw', listenerError);
      }
    }
  }
}

/** A remote dispatcher over a `MessagePort` to another thread. */
class PortRemoteDispatcher<H extends object> extends RemoteDispatcherBase<H> {
  private readonly port: MessagePort;
  // postMessage clones synchronously, so one envelope array serves every message.
  private readonly envelope: unknown[];

  constructor(handle: DispatcherHandle) {
    super(handle.name, handle.threadId);
    this.port = handle.port;
    this.envelope = [MSG_POST, '', undefined, 0];
    this.port.on('message', (message: unknown) => this.onReply(message));
    this.port.once('close', () => {
      this.isClosed = true;
      this.failPending();
    });
    // Sending needs no liveness of its own; only a pending call holds the thread open.
    this.port.unref();
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.port.close();
    this.failPending();
  }

  protected send(
    kind: number,
    handler: string,
    payload: unknown,
    id: number,
    transfer: readonly TransferListItem[] | undefined,
  ): void {
    const envelope = this.envelope;
    envelope[0] = kind;
    envelope[1] = handler;
    envelope[2] = payload;
    envelope[3] = id;
    try {
      this.port.postMessage(envelope, transfer);
    } finally {
      envelope[2] = undefined;
    }
  }

  protected override callsStarted(): void {
    this.port.ref();
  }

  protected override callsFinished(): void {
    this.port.unref();
  }
}

/**
 * A remote dispatcher whose target is a dispatcher of this very thread: payloads are still cloned
 * (so code behaves the same whichever thread it targets) and run as the target's post callbacks.
 */
class LoopbackRemoteDispatcher<H extends object>
  extends RemoteDispatcherBase<H>
  implements ReplySink
{
  private readonly target: DispatcherImpl;
  private readonly runner: MessageRunner;

  constructor(target: DispatcherImpl) {
    super(target.name, target.threadId);
    this.target = target;
    this.runner = new MessageRunner(target, this);
    target.onExit(() => {
      this.isClosed = true;
      this.failPending();
    });
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.failPending();
  }

  reply(message: unknown[]): void {
    // Clone as a port would, so a result that cannot cross a thread fails here too.
    const copy = structuredClone(message);
    if (!this.isClosed) this.onReply(copy);
  }

  protected send(
    kind: number,
    handler: string,
    payload: unknown,
    id: number,
    transfer: readonly TransferListItem[] | undefined,
  ): void {
    const cloned =
      transfer === undefined
        ? structuredClone(payload)
        : structuredClone(payload, { transfer: transfer as TransferListItem[] });
    this.target.noteRemoteMessage();
    this.target.enqueue(this.runner.runBound, [kind, handler, cloned, id]);
  }
}

/**
 * Turns a handle made by another thread's `Dispatcher.createHandle()` into a remote dispatcher on
 * this thread. Throws `NUNCIO_ERR_DISPATCHER_HANDLE_IN_USE` for a handle already turned into one.
 */
export function remoteDispatcher<H extends object = HandlerMap>(
  handle: DispatcherHandle,
): RemoteDispatcher<H> {
  if (
    handle === null ||
    typeof handle !== 'object' ||
    typeof handle.port?.postMessage !== 'function'
  ) {
    throw invalidArgumentError('handle', handle, 'a DispatcherHandle made by createHandle()');
  }
  if (portsInUse.has(handle.port)) throw handleInUseError(handle.name);
  portsInUse.add(handle.port);
  return new PortRemoteDispatcher<H>(handle);
}

/** A remote dispatcher to `target`, a dispatcher of this thread (see `mainDispatcher()`). */
export function loopbackRemoteDispatcher<H extends object = HandlerMap>(
  target: DispatcherImpl,
): RemoteDispatcher<H> {
  return new LoopbackRemoteDispatcher<H>(target);
}
