import { createServer, type Server, type Socket } from 'node:net';
import type { OwnedBuffer } from '@nuncio/buffer';
import type { Dispatcher } from '@nuncio/dispatcher';
import {
  ActiveTcpSocket,
  type ActiveTcpSocketOwner,
  type SocketRejectReason,
} from './active-tcp-socket.ts';
import type { ConnectionBalancer } from './connection-balancer.ts';
import type { ConnectionCallbacks } from './connection-callbacks.ts';
import { ConnectionCloseType } from './connection-close-type.ts';
import { ConnectionEvent } from './connection-event.ts';
import { ConnectionImpl } from './connection-impl.ts';
import type { ConnectionLimit } from './connection-limit.ts';
import { ConnectionSocketImpl, RAW_BUFFER_TRANSPORT_PROTOCOL } from './connection-socket-impl.ts';
import { listenerRejectChannel } from './diagnostics.ts';
import type { DrainManager } from './drain-manager.ts';
import { NetworkError, NetworkErrorCode } from './errors.ts';
import type { NetworkFilterFactoryCb } from './filter-factory.ts';
import type { NetworkFilterChain } from './listener-config.ts';
import type { ListenerConfigImpl } from './listener-config-impl.ts';
import { ListenerStats } from './listener-stats.ts';
import { type SocketAddress, socketAddress } from './socket-address.ts';
import type { SocketHandOff } from './socket-hand-off.ts';

/** Node's default stream high-water mark since v22; accepted sockets never buffer more than this. */
const SOCKET_HIGH_WATER_MARK = 64 * 1024;

/** `0.0.0.0` or an all-zero IPv6 address (`::`): sockets accepted there have various local IPs. */
function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || /^[0:]+$/.test(address);
}

/** How a listener balances its connections over the workers (Envoy's `exact_balance`). */
export interface ListenerBalancing {
  readonly balancer: ConnectionBalancer;
  /** Reaches the other workers; sockets are served here when it cannot. */
  readonly handOff: SocketHandOff;
}

/** A connection of a listener, and its listener's bookkeeping when it closes. */
class ActiveTcpConnection implements ConnectionCallbacks {
  readonly connection: ConnectionImpl;
  private readonly listener: ActiveTcpListener;

  constructor(listener: ActiveTcpListener, connection: ConnectionImpl) {
    this.listener = listener;
    this.connection = connection;
  }

  onEvent(event: ConnectionEvent): void {
    if (event === ConnectionEvent.RemoteClose || event === ConnectionEvent.LocalClose) {
      this.listener.removeConnection(this);
    }
  }

  onAboveWriteBufferHighWatermark(): void {}

  onBelowWriteBufferLowWatermark(): void {}
}

/**
 * Envoy's `ActiveTcpListener`: one worker's listening socket for one listener (its own socket,
 * bound with `reusePort`), the sockets going through listener filters, and the connections made
 * from them. With a balancer, it is also Envoy's `BalancedConnectionHandler`: an accepted socket
 * may be handed to another worker, and sockets other workers accepted are adopted here.
 */
export class ActiveTcpListener implements ActiveTcpSocketOwner {
  readonly dispatcher: Dispatcher;
  readonly stats: ListenerStats;
  readonly limit: ConnectionLimit;
  readonly drainManager: DrainManager;
  config: ListenerConfigImpl;
  private readonly workerIndex: number;
  private readonly balancer: ConnectionBalancer | null;
  private readonly handOff: SocketHandOff | null;
  private server: Server | null;
  private bound: SocketAddress | null;
  /**
   * The local address of every socket accepted here when the listener is bound to one IP (null
   * for a wildcard address, where only `getsockname` can tell), as Envoy's listener does.
   */
  private acceptedLocal: SocketAddress | null;
  private readonly sockets: Set<ActiveTcpSocket>;
  private readonly connections: Set<ActiveTcpConnection>;
  private drainWaiters: (() => void)[];
  private readonly onConnectionBound: (socket: Socket) => void;

  constructor(
    dispatcher: Dispatcher,
    config: ListenerConfigImpl,
    limit: ConnectionLimit,
    drainManager: DrainManager,
    workerIndex: number,
    balancing: ListenerBalancing | null,
  ) {
    this.dispatcher = dispatcher;
    this.config = config;
    this.limit = limit;
    this.drainManager = drainManager;
    this.workerIndex = workerIndex;
    this.balancer = balancing?.balancer ?? null;
    this.handOff = balancing?.handOff ?? null;
    this.stats = new ListenerStats(config.listenerScope, workerIndex);
    this.server = null;
    this.bound = null;
    this.acceptedLocal = null;
    this.sockets = new Set();
    this.connections = new Set();
    this.drainWaiters = [];
    this.onConnectionBound = this.onConnection.bind(this);
  }

  /** The bound address (the configured one until bound). */
  address(): SocketAddress {
    return this.bound ?? this.config.address;
  }

  /** Connections open now (not counting sockets still in listener filters). */
  numConnections(): number {
    return this.connections.size;
  }

  /** Whether connections are balanced over the workers (`exact_balance`). */
  balanced(): boolean {
    return this.balancer !== null;
  }

  /** Whether the listening socket is open. */
  listening(): boolean {
    return this.server !== null;
  }

  /** Binds the listening socket. Rejects with `NUNCIO_ERR_LISTENER_BIND_FAILED`. */
  listen(): Promise<SocketAddress> {
    const config = this.config;
    const limit = config.perConnectionBufferLimitBytes;
    const server = createServer({
      allowHalfOpen: true,
      pauseOnConnect: true,
      noDelay: true,
      highWaterMark: limit > 0 ? Math.min(limit, SOCKET_HIGH_WATER_MARK) : SOCKET_HIGH_WATER_MARK,
    });
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          new NetworkError(
            NetworkErrorCode.BindFailed,
            `cannot bind '${config.addressString}' for listener '${config.name}': ${error.code ?? error.message}`,
            { cause: error },
          ),
        );
      };
      server.once('error', onError);
      server.listen(
        {
          host: config.address.address,
          port: config.address.port,
          reusePort: config.enableReusePort,
        },
        () => {
          server.off('error', onError);
          // Accept errors (EMFILE...) must not crash the worker; Node retries accepting.
          server.on('error', () => {});
          server.on('connection', this.onConnectionBound);
          const address = server.address();
          this.bound =
            address !== null && typeof address === 'object'
              ? socketAddress(address.address, address.port)
              : config.address;
          this.acceptedLocal = isWildcard(this.bound.address) ? null : this.bound;
          this.server = server;
          // Other workers may hand sockets here once this one accepts too.
          this.balancer?.registerHandler(this.workerIndex);
          resolve(this.bound);
        },
      );
    });
  }

  /** Stops accepting (Envoy's `pauseListening`/stop); existing connections go on. */
  stopListening(): Promise<void> {
    const server = this.server;
    if (server === null) return Promise.resolve();
    this.server = null;
    this.balancer?.unregisterHandler(this.workerIndex);
    server.off('connection', this.onConnectionBound);
    return new Promise((resolve) => {
      server.close();
      // The handle closes on the next turn of the loop; `close`'s callback would wait for every
      // connection, which is not what stopping a listener means.
      setImmediate(resolve);
    });
  }

  private onConnection(socket: Socket): void {
    if (this.drainManager.draining()) {
      socket.destroy();
      return;
    }
    if (!this.limit.tryAcquire()) {
      this.stats.downstreamCxOverflow.inc();
      this.publishReject(socket, 'overflow');
      socket.destroy();
      return;
    }
    const balancer = this.balancer;
    if (balancer !== null) {
      // Envoy's onAcceptWorker: the pick counts the socket on its target at once. The limit
      // counted above is shared by every worker, so the target takes it over as it is.
      const target = balancer.pickTargetHandler(this.workerIndex);
      if (target !== this.workerIndex) {
        if (
          (this.handOff as SocketHandOff).handOff(target, { listener: this.config.name, socket })
        ) {
          return;
        }
        balancer.decNumConnections(target);
        balancer.incNumConnections(this.workerIndex);
      }
    }
    this.acceptSocket(socket);
  }

  /**
   * Serves a socket another worker accepted for this listener and handed here (Envoy's
   * `onAcceptWorker` with `rebalanced`): it was counted here and against the limit already.
   * Returns false, having closed it, when this listener no longer accepts.
   */
  adoptRebalancedSocket(socket: Socket): boolean {
    // A transferred socket arrives neither flowing nor paused: pause it, so that nothing is read
    // before the connection (or a listener filter) asks for it.
    socket.pause();
    if (this.server === null || this.drainManager.draining()) {
      socket.destroy();
      this.releaseSocket();
      return false;
    }
    this.acceptSocket(socket);
    return true;
  }

  private acceptSocket(socket: Socket): void {
    const info = new ConnectionSocketImpl(socket, true, this.acceptedLocal);
    const config = this.config;
    if (config.listenerFilterFactories.length === 0) {
      this.newConnection(info, null);
      return;
    }
    const active = new ActiveTcpSocket(
      this,
      info,
      config.listenerFiltersTimeoutMs,
      config.continueOnListenerFiltersTimeout,
    );
    this.sockets.add(active);
    this.stats.downstreamPreCxActive.inc();
    active.start(config.listenerFilterFactories);
  }

  onListenerFiltersDone(socket: ActiveTcpSocket, data: OwnedBuffer): void {
    this.sockets.delete(socket);
    this.stats.downstreamPreCxActive.dec();
    if (socket.timedOut) this.stats.downstreamPreCxTimeout.inc();
    this.newConnection(socket.socket, data);
  }

  onListenerFiltersFailed(socket: ActiveTcpSocket, reason: SocketRejectReason): void {
    this.sockets.delete(socket);
    this.stats.downstreamPreCxActive.dec();
    if (reason === 'listener_filter_timeout') this.stats.downstreamPreCxTimeout.inc();
    else if (reason === 'listener_filter_error') this.stats.downstreamListenerFilterError.inc();
    else if (reason === 'listener_filter_remote_close') {
      this.stats.downstreamListenerFilterRemoteClose.inc();
    }
    this.publishReject(socket.socket.socket, reason);
    this.releaseSocket();
    this.maybeDrained();
  }

  /** Chooses the chain and makes the connection (Envoy's `ActiveStreamListenerBase::newConnection`). */
  private newConnection(info: ConnectionSocketImpl, data: OwnedBuffer | null): void {
    if (info.detectedTransportProtocol === '') {
      info.setDetectedTransportProtocol(RAW_BUFFER_TRANSPORT_PROTOCOL);
    }
    const config = this.config;
    const chain: NetworkFilterChain | null = config.filterChainManager.findFilterChain(info);
    if (chain === null) {
      this.stats.noFilterChainMatch.inc();
      this.publishReject(info.socket, 'no_filter_chain_match');
      info.socket.destroy();
      this.releaseSocket();
      this.maybeDrained();
      return;
    }
    const connection = new ConnectionImpl(
      this.dispatcher,
      info,
      data === null
        ? { bufferLimit: config.perConnectionBufferLimitBytes }
        : { bufferLimit: config.perConnectionBufferLimitBytes, initialData: data },
    );
    connection.streamInfo.filterChainName = chain.name;
    const active = new ActiveTcpConnection(this, connection);
    this.connections.add(active);
    const stats = this.stats;
    stats.downstreamCxTotal.inc();
    stats.downstreamCxActive.inc();
    stats.workerCxTotal.inc();
    stats.workerCxActive.inc();
    connection.addConnectionCallbacks(active);
    const factories = chain.networkFilterFactories;
    for (let i = 0; i < factories.length; i++) (factories[i] as NetworkFilterFactoryCb)(connection);
    if (!connection.initializeReadFilters()) {
      // Envoy closes a connection whose chain made no filters.
      connection.close(ConnectionCloseType.NoFlush, 'no_filters');
    }
  }

  /** Called by a connection's callbacks when it closes. */
  removeConnection(active: ActiveTcpConnection): void {
    if (!this.connections.delete(active)) return;
    const stats = this.stats;
    stats.downstreamCxDestroy.inc();
    stats.downstreamCxActive.dec();
    stats.workerCxActive.dec();
    stats.downstreamCxLengthMs.recordValue(active.connection.streamInfo.durationMs ?? 0);
    this.releaseSocket();
    // The connection may still be on the stack (closed from one of its own callbacks).
    this.dispatcher.deferredDelete(active.connection);
    this.maybeDrained();
  }

  /** A socket counted at accept is gone: one fewer against the limit and in the balancer. */
  private releaseSocket(): void {
    this.limit.release();
    this.balancer?.decNumConnections(this.workerIndex);
  }

  private publishReject(socket: Socket, reason: string): void {
    if (listenerRejectChannel.hasSubscribers) {
      listenerRejectChannel.publish({
        listener: this.config.name,
        reason,
        remoteAddress: socketAddress(socket.remoteAddress, socket.remotePort),
      });
    }
  }

  /**
   * Stops accepting, starts the drain sequence (filters asking `drainClose()` get the strategy's
   * answer), waits up to `timeoutMs` for the connections to close by themselves, then closes the
   * rest (`NoFlush`). Once it is over, `drainClose()` answers true.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.drainManager.startDrainSequence(timeoutMs);
    await this.stopListening();
    await this.waitForConnections(timeoutMs);
    this.drainManager.startDrainSequence(0);
    this.closeAll();
  }

  private async waitForConnections(timeoutMs: number): Promise<void> {
    if (this.connections.size === 0 && this.sockets.size === 0) return;
    if (timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = this.dispatcher.createTimer(() => resolve());
        timer.enableTimer(timeoutMs);
        this.drainWaiters.push(() => {
          timer.disableTimer();
          resolve();
        });
      });
    }
  }

  private maybeDrained(): void {
    if (this.drainWaiters.length === 0) return;
    if (this.connections.size !== 0 || this.sockets.size !== 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Closes every socket in listener filters and every connection (`NoFlush`), at once. */
  closeAll(): void {
    for (const socket of [...this.sockets]) socket.abort();
    for (const active of [...this.connections]) {
      active.connection.close(ConnectionCloseType.NoFlush, 'listener_removed');
    }
  }
}
