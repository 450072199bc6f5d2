import { isIP, Socket } from 'node:net';
import type { Dispatcher, Timer } from '@nuncio/dispatcher';
import type { ClientConnection } from './connection.ts';
import { ConnectionCloseType } from './connection-close-type.ts';
import { ConnectionEvent } from './connection-event.ts';
import { ConnectionImpl } from './connection-impl.ts';
import { ConnectionSocketImpl } from './connection-socket-impl.ts';
import { ConnectionState } from './connection-state.ts';
import { invalidArgument } from './errors.ts';
import { type SocketAddress, socketAddress } from './socket-address.ts';

/** Where and how a client connection connects. */
export interface ClientConnectionOptions {
  /** The host to connect to (an IP address or a name Node resolves). */
  host: string;
  /** The port to connect to. */
  port: number;
  /** A local address to bind before connecting (Envoy's `source_address`). */
  localAddress?: string;
  /**
   * Give up connecting after this many milliseconds, raising `LocalClose` with
   * `localCloseReason()` `connect_timeout` (Envoy's cluster `connect_timeout`, default 5000 ms;
   * 0 waits for the operating system's own timeout).
   */
  connectTimeoutMs?: number;
  /** The buffer limit (the cluster's `per_connection_buffer_limit_bytes`); 0 for none. */
  bufferLimit?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/**
 * Envoy's `ClientConnectionImpl`: an outgoing {@link ConnectionImpl}. Writes made while it
 * connects wait in the write buffer (watermarks apply) and go out once connected.
 */
class ClientConnectionImpl extends ConnectionImpl implements ClientConnection {
  private readonly options: ClientConnectionOptions;
  private readonly connectTimeoutMs: number;
  /** The address connected to when `host` is an IP: no `getpeername` needed once connected. */
  private readonly knownRemote: SocketAddress | null;
  private connectTimer: Timer | null;
  private connectCalled: boolean;

  constructor(dispatcher: Dispatcher, options: ClientConnectionOptions) {
    const socket = new Socket({ allowHalfOpen: true });
    super(dispatcher, new ConnectionSocketImpl(socket, false), {
      bufferLimit: options.bufferLimit ?? 0,
      awaitConnect: true,
    });
    this.options = options;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.knownRemote = isIP(options.host) !== 0 ? socketAddress(options.host, options.port) : null;
    this.connectTimer = null;
    this.connectCalled = false;
    // A client connection delivers reads from the start; its filters start on the first read.
    this.readingStarted = true;
    this.socketReady = false;
  }

  connect(): void {
    if (this.connectCalled || this.state() !== ConnectionState.Open) return;
    this.connectCalled = true;
    this.connectingFlag = true;
    if (this.connectTimeoutMs > 0) {
      this.connectTimer = this.dispatcher.createTimer(() => this.onConnectTimeout());
      this.connectTimer.enableTimer(this.connectTimeoutMs);
    }
    const { host, port, localAddress } = this.options;
    this.socket.connect(localAddress === undefined ? { host, port } : { host, port, localAddress });
    if (!this.readEnabled()) this.socket.pause();
  }

  connecting(): boolean {
    return this.connectingFlag;
  }

  override onSocketConnect(): void {
    if (this.state() === ConnectionState.Closed) return;
    this.connectingFlag = false;
    this.socketReady = true;
    if (this.connectTimer !== null) this.connectTimer.disableTimer();
    this.socketInfo.refreshAddresses(this.knownRemote);
    this.raiseEvent(ConnectionEvent.Connected);
    // Writes made while connecting (and a pending FIN) go out now.
    this.flush();
  }

  private onConnectTimeout(): void {
    if (!this.connectingFlag || this.state() === ConnectionState.Closed) return;
    // NoFlush: nothing was ever connected to flush to.
    this.close(ConnectionCloseType.NoFlush, 'connect_timeout');
  }

  protected override onClosing(): void {
    if (this.connectTimer !== null) this.connectTimer.disableTimer();
    this.connectingFlag = false;
  }
}

/**
 * Creates an outgoing connection on `dispatcher`'s thread (Envoy's
 * `Dispatcher::createClientConnection`); call `connect()` to start connecting. Throws
 * `NUNCIO_ERR_NETWORK_INVALID_ARGUMENT` for a bad port or timeout.
 */
export function createClientConnection(
  dispatcher: Dispatcher,
  options: ClientConnectionOptions,
): ClientConnection {
  if (!(Number.isInteger(options.port) && options.port > 0 && options.port <= 65535)) {
    throw invalidArgument(
      'createClientConnection: port',
      options.port,
      'an integer from 1 to 65535',
    );
  }
  const timeout = options.connectTimeoutMs;
  if (
    timeout !== undefined &&
    !(Number.isInteger(timeout) && timeout >= 0 && timeout <= 2_147_483_647)
  ) {
    throw invalidArgument(
      'createClientConnection: connectTimeoutMs',
      timeout,
      'an integer number of milliseconds, 0 or more',
    );
  }
  return new ClientConnectionImpl(dispatcher, options);
}
