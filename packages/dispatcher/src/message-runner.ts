import type { MessagePort } from 'node:worker_threads';
import type { CallbackSource } from './dispatcher.ts';
import { DispatcherErrorCode, payloadNotCloneableError, unknownHandlerError } from './errors.ts';
import type { Handler } from './handler.ts';
import {
  isDataCloneError,
  MSG_CALL,
  MSG_POST,
  MSG_POST_ERROR,
  MSG_REPLY_ERROR,
  MSG_REPLY_OK,
  type ReplySink,
} from './protocol.ts';

/** What the target side of a channel needs from its dispatcher. */
export interface MessageHost {
  readonly name: string;
  handlerFor(name: string): Handler | undefined;
  /** Queues `fn(arg)` as a post callback. */
  enqueue(fn: (arg: unknown) => void, arg: unknown): void;
  noteRemoteMessage(): void;
  noteUnknownHandler(): void;
  reportError(error: unknown, source: CallbackSource, handler?: string): void;
  endpointClosed(endpoint: PortEndpoint): void;
}

/**
 * Runs cross-thread messages on the target thread, as post callbacks. The handler is looked up when
 * the message runs, not when it arrives, so a handler registered by an earlier post callback of the
 * same run is found.
 */
export class MessageRunner {
  /** Bound once: queued with each message instead of a closure per message. */
  readonly runBound: (message: unknown) => void;
  private readonly host: MessageHost;
  private readonly sink: ReplySink;

  constructor(host: MessageHost, sink: ReplySink) {
    this.host = host;
    this.sink = sink;
    this.runBound = this.run.bind(this);
  }

  private run(raw: unknown): void {
    const message = raw as unknown[];
    const kind = message[0];
    const name = message[1] as string;
    const handler = this.host.handlerFor(name);
    if (kind === MSG_POST) {
      if (handler === undefined) {
        this.host.noteUnknownHandler();
        const error = unknownHandlerError(name, this.host.name);
        this.send([MSG_POST_ERROR, 0, error.code, error.message, undefined, name, undefined]);
        return;
      }
      let result: unknown;
      try {
        result = handler(message[2]);
      } catch (error) {
        this.host.reportError(error, 'handler', name);
        return;
      }
      if (isThenable(result)) {
        result.then(undefined, (error: unknown) => this.host.reportError(error, 'handler', name));
      }
      return;
    }
    if (kind !== MSG_CALL) return;
    const id = message[3] as number;
    if (handler === undefined) {
      this.host.noteUnknownHandler();
      const error = unknownHandlerError(name, this.host.name);
      this.send([MSG_REPLY_ERROR, id, error.code, error.message, undefined, name, undefined]);
      return;
    }
    let result: unknown;
    try {
      result = handler(message[2]);
    } catch (error) {
      this.replyError(id, name, error);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (value: unknown) => this.replyOk(id, name, value),
        (error: unknown) => this.replyError(id, name, error),
      );
    } else {
      this.replyOk(id, name, result);
    }
  }

  private replyOk(id: number, name: string, value: unknown): void {
    try {
      this.sink.reply([MSG_REPLY_OK, id, value]);
    } catch (error) {
      if (!isDataCloneError(error)) throw error;
      const cloneError = payloadNotCloneableError(`${name} (its result)`, this.host.name, error);
      this.send([MSG_REPLY_ERROR, id, cloneError.code, cloneError.message, undefined, name]);
    }
  }

  private replyError(id: number, name: string, error: unknown): void {
    const remoteCode = (error as { code?: unknown } | null)?.code;
    this.send([
      MSG_REPLY_ERROR,
      id,
      DispatcherErrorCode.RemoteHandlerFailed,
      error instanceof Error ? error.message : String(error),
      error instanceof Error ? error.stack : undefined,
      name,
      typeof remoteCode === 'string' ? remoteCode : undefined,
    ]);
  }

  /** Sends a reply made of strings only; a closed sender is not an error on this side. */
  private send(message: unknown[]): void {
    try {
      this.sink.reply(message);
    } catch (error) {
      this.host.reportError(error, 'remote', message[5] as string);
    }
  }
}

/** The dispatcher's end of one handle's channel. */
export class PortEndpoint implements ReplySink {
  readonly port: MessagePort;
  private readonly host: MessageHost;
  private readonly runner: MessageRunner;
  private readonly onMessageBound: (message: unknown) => void;

  constructor(host: MessageHost, port: MessagePort) {
    this.host = host;
    this.port = port;
    this.runner = new MessageRunner(host, this);
    this.onMessageBound = this.onMessage.bind(this);
    port.on('message', this.onMessageBound);
    port.once('close', () => host.endpointClosed(this));
  }

  reply(message: unknown[]): void {
    this.port.postMessage(message);
  }

  close(): void {
    this.port.close();
  }

  private onMessage(message: unknown): void {
    this.host.noteRemoteMessage();
    this.host.enqueue(this.runner.runBound, message);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
