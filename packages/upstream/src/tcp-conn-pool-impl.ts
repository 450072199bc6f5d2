import type { Dispatcher } from '@nuncio/dispatcher';
import {
  type ClientConnection,
  type ConnectionCallbacks,
  ConnectionCloseType,
  ConnectionEvent,
  createClientConnection,
} from '@nuncio/network-filter';
import type { ClusterInfo } from './cluster-info.ts';
import type { Host } from './host.ts';
import { HostStat } from './host-stats.ts';
import type { ResourceManager, ResourcePriority } from './resource-manager.ts';
import {
  type Cancellable,
  PoolFailureReason,
  type TcpConnectionData,
  type TcpConnPool,
  type TcpPoolCallbacks,
} from './tcp-conn-pool.ts';

const Connecting = 0;
const Connected = 1;
const Closed = 2;

/**
 * One connection of the pool, from connect to close (Envoy's `ActiveTcpClient`). It keeps the
 * stats and circuit-breaker counts as its connection goes through its life, and is the handle the
 * caller may cancel while it connects.
 */
class ActiveTcpClient implements ConnectionCallbacks, Cancellable, TcpConnectionData {
  readonly connection: ClientConnection;
  readonly host: Host;
  private readonly pool: TcpConnPoolImpl;
  private callbacks: TcpPoolCallbacks | null;
  private state: number;
  private readonly startMs: number;
  private connectedMs: number;

  constructor(pool: TcpConnPoolImpl, callbacks: TcpPoolCallbacks, connection: ClientConnection) {
    this.pool = pool;
    this.host = pool.host;
    this.callbacks = callbacks;
    this.connection = connection;
    this.state = Connecting;
    this.startMs = performance.now();
    this.connectedMs = 0;
  }

  cancel(): void {
    if (this.state !== Connecting || this.callbacks === null) return;
    this.callbacks = null;
    this.pool.info.stats.upstreamRqCancelled.inc();
    this.connection.close(ConnectionCloseType.NoFlush);
  }

  onEvent(event: ConnectionEvent): void {
    const info = this.pool.info;
    const stats = info.stats;
    const hostStats = this.host.stats;
    if (event === ConnectionEvent.Connected) {
      if (this.state !== Connecting) return;
      this.state = Connected;
      this.connectedMs = performance.now();
      stats.upstreamCxConnectMs.recordValue(this.connectedMs - this.startMs);
      this.pool.releasePending();
      stats.upstreamRqTotal.inc();
      stats.upstreamRqActive.inc();
      Atomics.add(hostStats, HostStat.rq_total, 1);
      Atomics.add(hostStats, HostStat.rq_active, 1);
      const callbacks = this.callbacks;
      this.callbacks = null;
      if (callbacks !== null) callbacks.onPoolReady(this);
      else this.connection.close(ConnectionCloseType.NoFlush);
      return;
    }
    if (this.state === Closed) return;
    const wasConnecting = this.state === Connecting;
    this.state = Closed;
    stats.upstreamCxDestroy.inc();
    if (event === ConnectionEvent.LocalClose) stats.upstreamCxDestroyLocal.inc();
    else stats.upstreamCxDestroyRemote.inc();
    stats.upstreamCxActive.dec();
    Atomics.sub(hostStats, HostStat.cx_active, 1);
    this.pool.releaseConnection();
    if (wasConnecting) {
      this.pool.releasePending();
      const timedOut = this.connection.localCloseReason() === 'connect_timeout';
      const callbacks = this.callbacks;
      this.callbacks = null;
      if (callbacks === null) return; // cancelled: the caller is gone
      stats.upstreamCxConnectFail.inc();
      Atomics.add(hostStats, HostStat.cx_connect_fail, 1);
      if (timedOut) stats.upstreamCxConnectTimeout.inc();
      callbacks.onPoolFailure(
        timedOut
          ? PoolFailureReason.Timeout
          : event === ConnectionEvent.RemoteClose
            ? PoolFailureReason.RemoteConnectionFailure
            : PoolFailureReason.LocalConnectionFailure,
        this.connection.transportFailureReason(),
        this.host,
      );
      return;
    }
    stats.upstreamCxLengthMs.recordValue(performance.now() - this.connectedMs);
    stats.upstreamRqActive.dec();
    Atomics.sub(hostStats, HostStat.rq_active, 1);
  }

  onAboveWriteBufferHighWatermark(): void {}

  onBelowWriteBufferLowWatermark(): void {}
}

/** The pool of one host on one worker. */
export class TcpConnPoolImpl implements TcpConnPool {
  readonly host: Host;
  readonly info: ClusterInfo;
  private readonly dispatcher: Dispatcher;
  private readonly resources: ResourceManager;
  private readonly priority: ResourcePriority;

  constructor(dispatcher: Dispatcher, info: ClusterInfo, host: Host, priority: ResourcePriority) {
    this.dispatcher = dispatcher;
    this.info = info;
    this.host = host;
    this.priority = priority;
    this.resources = info.resourceManager(priority);
  }

  newConnection(callbacks: TcpPoolCallbacks): Cancellable | null {
    const info = this.info;
    const stats = info.stats;
    const resources = this.resources;
    if (!resources.pendingRequests.canCreate()) {
      stats.upstreamRqPendingOverflow.inc();
      callbacks.onPoolFailure(PoolFailureReason.Overflow, '', this.host);
      return null;
    }
    if (!resources.connections.canCreate()) {
      stats.upstreamCxOverflow.inc();
      callbacks.onPoolFailure(PoolFailureReason.Overflow, '', this.host);
      return null;
    }
    let connection: ClientConnection;
    try {
      connection = createClientConnection(this.dispatcher, {
        host: this.host.address,
        port: this.host.port,
        connectTimeoutMs: info.connectTimeoutMs,
        bufferLimit: info.perConnectionBufferLimitBytes,
      });
    } catch {
      callbacks.onPoolFailure(
        PoolFailureReason.LocalConnectionFailure,
        'invalid address',
        this.host,
      );
      return null;
    }
    connection.setConnectionStats({
      readTotal: stats.upstreamCxRxBytesTotal,
      readCurrent: stats.upstreamCxRxBytesBuffered,
      writeTotal: stats.upstreamCxTxBytesTotal,
      writeCurrent: stats.upstreamCxTxBytesBuffered,
    });
    const client = new ActiveTcpClient(this, callbacks, connection);
    connection.addConnectionCallbacks(client);
    resources.pendingRequests.inc();
    resources.connections.inc();
    const breakers = info.breakerStats(this.priority);
    breakers.updatePending(resources.pendingRequests);
    breakers.updateConnections(resources.connections);
    stats.upstreamRqPendingTotal.inc();
    stats.upstreamRqPendingActive.inc();
    stats.upstreamCxTotal.inc();
    stats.upstreamCxActive.inc();
    Atomics.add(this.host.stats, HostStat.cx_total, 1);
    Atomics.add(this.host.stats, HostStat.cx_active, 1);
    connection.connect();
    return client;
  }

  /** A connection attempt is no longer pending. */
  releasePending(): void {
    this.resources.pendingRequests.dec();
    this.info.stats.upstreamRqPendingActive.dec();
    this.info.breakerStats(this.priority).updatePending(this.resources.pendingRequests);
  }

  /** A connection closed. */
  releaseConnection(): void {
    this.resources.connections.dec();
    this.info.breakerStats(this.priority).updateConnections(this.resources.connections);
  }
}
