// Imported rather than read from the global, whose lazy getter runs on every access.
import { performance } from 'node:perf_hooks';
import type { AccessLog } from '@nuncio/access-log';
import { ResponseFlag } from '@nuncio/access-log';
import type { BufferInstance } from '@nuncio/buffer';
import type { Dispatcher, Timer } from '@nuncio/dispatcher';
import {
  type ClientConnection,
  type Connection,
  type ConnectionCallbacks,
  ConnectionCloseType,
  ConnectionEvent,
  ConnectionState,
  FilterStatus,
  type ReadFilter,
  type ReadFilterCallbacks,
  type SocketAddress,
} from '@nuncio/network-filter';
import {
  type Cancellable,
  type ClusterTrafficStats,
  type Host,
  type LoadBalancerContext,
  PoolFailureReason,
  ResourcePriority,
  type TcpConnectionData,
  type TcpPoolCallbacks,
  type ThreadLocalClusterManager,
  xxHash64,
} from '@nuncio/upstream';
import type { TcpProxyConfig } from './tcp-proxy-config.ts';
import type { TcpProxyStats } from './tcp-proxy-stats.ts';

/**
 * What every connection's filter shares (Envoy's `TcpProxy::Config`): built once per listener
 * snapshot on each worker by the factory.
 */
export interface TcpProxySharedConfig {
  readonly config: TcpProxyConfig;
  readonly stats: TcpProxyStats;
  readonly clusterManager: ThreadLocalClusterManager;
  readonly accessLogs: readonly AccessLog[];
}

/** A host as a stream-info address. */
function hostAddress(host: Host): SocketAddress {
  return {
    address: host.address,
    port: host.port,
    family: host.address.includes(':') ? 'IPv6' : 'IPv4',
  };
}

/** Envoy's close reason for the idle timeout (`LocalCloseReasons::TcpSessionIdleTimeout`). */
export const IDLE_TIMEOUT_DETAILS = 'tcp_session_idle_timeout';

/**
 * Envoy's TCP proxy filter (`TcpProxy::Filter`): a terminal read filter that connects each
 * downstream connection to a host of the upstream cluster and moves bytes both ways.
 *
 * - The downstream is read-disabled until the upstream connects; a failed attempt (refused,
 *   connect timeout, no host) is retried up to `max_connect_attempts`, then the downstream closes.
 * - Flow control: the upstream's write buffer above its high watermark read-disables the
 *   downstream, and the reverse, so memory stays within the buffer limits on both sides.
 * - Half-close is carried: a FIN from either side is passed on as `endStream` and the other side
 *   keeps sending until it ends too.
 * - The hot path (`onData`, `onUpstreamData`) moves buffer slices with no allocation: one write,
 *   one clock read for the idle timer.
 */
export class TcpProxyFilter
  implements ReadFilter, ConnectionCallbacks, LoadBalancerContext, TcpPoolCallbacks
{
  private readonly shared: TcpProxySharedConfig;
  private readonly config: TcpProxyConfig;
  private readCallbacks: ReadFilterCallbacks | null;
  private downstream: Connection | null;
  private dispatcher: Dispatcher | null;
  private upstream: ClientConnection | null;
  private upstreamHandle: Cancellable | null;
  private upstreamCallbacks: UpstreamCallbacks | null;
  private clusterStats: ClusterTrafficStats | null;
  private connecting: boolean;
  private connectAttempts: number;
  private idleTimer: Timer | null;
  /** `performance.now()` of the last bytes in either direction (the idle timer checks it). */
  private lastActivity: number;
  private hashKey: bigint | null;
  private hashComputed: boolean;
  private upstreamReadDisabled: boolean;
  private downstreamReadDisabled: boolean;
  private logged: boolean;

  constructor(shared: TcpProxySharedConfig) {
    this.shared = shared;
    this.config = shared.config;
    this.readCallbacks = null;
    this.downstream = null;
    this.dispatcher = null;
    this.upstream = null;
    this.upstreamHandle = null;
    this.upstreamCallbacks = null;
    this.clusterStats = null;
    this.connecting = false;
    this.connectAttempts = 0;
    this.idleTimer = null;
    this.lastActivity = 0;
    this.hashKey = null;
    this.hashComputed = false;
    this.upstreamReadDisabled = false;
    this.downstreamReadDisabled = false;
    this.logged = false;
  }

  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void {
    this.readCallbacks = callbacks;
    const connection = callbacks.connection();
    this.downstream = connection;
    this.dispatcher = connection.dispatcher;
    connection.addConnectionCallbacks(this);
    connection.enableHalfClose(true);
    // Nothing may be read before there is an upstream to write it to.
    connection.readDisable(true);
    const stats = this.shared.stats;
    stats.downstreamCxTotal.inc();
    connection.setConnectionStats({
      readTotal: stats.downstreamCxRxBytesTotal,
      readCurrent: stats.downstreamCxRxBytesBuffered,
      writeTotal: stats.downstreamCxTxBytesTotal,
      writeCurrent: stats.downstreamCxTxBytesBuffered,
    });
  }

  onNewConnection(): FilterStatus {
    this.initializeUpstreamConnection();
    return FilterStatus.StopIteration;
  }

  onData(data: BufferInstance, endStream: boolean): FilterStatus {
    const upstream = this.upstream;
    if (upstream !== null) upstream.write(data, endStream);
    else if (data.length > 0) data.drain(data.length);
    this.lastActivity = performance.now();
    return FilterStatus.StopIteration;
  }

  /** Bytes (or the FIN) from the upstream: to the downstream, moved, not copied. */
  onUpstreamData(data: BufferInstance, endStream: boolean): void {
    (this.downstream as Connection).write(data, endStream);
    this.lastActivity = performance.now();
  }

  // ---- choosing and connecting an upstream ----

  computeHashKey(): bigint | null {
    if (!this.config.hashSourceIp) return null;
    if (!this.hashComputed) {
      this.hashComputed = true;
      const address = this.downstream?.connectionInfoProvider.remoteAddress.address;
      this.hashKey = address === undefined ? null : xxHash64(address);
    }
    return this.hashKey;
  }

  private pickCluster(): string {
    const config = this.config;
    if (config.weightedClusters.length === 0) return config.cluster;
    let pick = Math.floor(Math.random() * config.totalClusterWeight);
    for (const entry of config.weightedClusters) {
      if (pick < entry.weight) return entry.name;
      pick -= entry.weight;
    }
    return (config.weightedClusters[config.weightedClusters.length - 1] as { name: string }).name;
  }

  private initializeUpstreamConnection(): void {
    const downstream = this.downstream as Connection;
    const info = downstream.streamInfo;
    const cluster = this.shared.clusterManager.getThreadLocalCluster(this.pickCluster());
    if (cluster === undefined) {
      this.shared.stats.downstreamCxNoRoute.inc();
      info.responseFlags |= ResponseFlag.NoClusterFound;
      this.onInitFailure('no_cluster');
      return;
    }
    const clusterInfo = cluster.info;
    this.clusterStats = clusterInfo.stats;
    info.upstreamCluster = clusterInfo.observabilityName;
    // Checked here because the pool would otherwise queue a request for a connection that can
    // never be made (as Envoy does).
    if (!clusterInfo.defaultResources.connections.canCreate()) {
      info.responseFlags |= ResponseFlag.UpstreamOverflow;
      clusterInfo.stats.upstreamCxOverflow.inc();
      this.onInitFailure('upstream_overflow');
      return;
    }
    if (this.connectAttempts >= this.config.maxConnectAttempts) {
      info.responseFlags |= ResponseFlag.UpstreamRetryLimitExceeded;
      clusterInfo.stats.upstreamCxConnectAttemptsExceeded.inc();
      this.onInitFailure('connect_attempts_exceeded');
      return;
    }
    const pool = cluster.tcpConnPool(ResourcePriority.Default, this);
    if (pool === null) {
      info.responseFlags |= ResponseFlag.NoHealthyUpstream;
      this.onInitFailure('no_healthy_upstream');
      return;
    }
    this.connecting = true;
    this.connectAttempts++;
    // newConnection may fail inline and retry from inside (onPoolFailure): keep only a live handle.
    const handle = pool.newConnection(this);
    if (handle !== null) this.upstreamHandle = handle;
  }

  private onInitFailure(details: string): void {
    const downstream = this.downstream as Connection;
    if (downstream.state() !== ConnectionState.Closed) {
      downstream.streamInfo.connectionTerminationDetails = details;
      downstream.close(ConnectionCloseType.NoFlush, details);
    }
  }

  onPoolFailure(reason: PoolFailureReason, _transportFailureReason: string, host: Host): void {
    this.upstreamHandle = null;
    const info = (this.downstream as Connection).streamInfo;
    info.upstreamHost = hostAddress(host);
    switch (reason) {
      case PoolFailureReason.RemoteConnectionFailure:
        this.onUpstreamEvent(ConnectionEvent.RemoteClose);
        break;
      case PoolFailureReason.Timeout:
        info.responseFlags |= ResponseFlag.UpstreamConnectionFailure;
        this.onUpstreamEvent(ConnectionEvent.LocalClose);
        break;
      default:
        this.onUpstreamEvent(ConnectionEvent.LocalClose);
    }
  }

  onPoolReady(data: TcpConnectionData): void {
    this.upstreamHandle = null;
    const downstream = this.downstream as Connection;
    if (downstream.state() !== ConnectionState.Open) {
      data.connection.close(ConnectionCloseType.NoFlush);
      return;
    }
    const upstream = data.connection;
    this.upstream = upstream;
    const callbacks = new UpstreamCallbacks(this);
    this.upstreamCallbacks = callbacks;
    upstream.enableHalfClose(true);
    upstream.addReadFilter(callbacks);
    upstream.addConnectionCallbacks(callbacks);
    const info = downstream.streamInfo;
    info.upstreamHost = hostAddress(data.host);
    info.upstreamLocalAddress = upstream.connectionInfoProvider.localAddress;
    info.upstreamRemoteAddress = upstream.connectionInfoProvider.remoteAddress;
    this.onUpstreamEvent(ConnectionEvent.Connected);
    this.readCallbacks?.continueReading();
  }

  /** An event of the upstream connection (or of the pool, standing for one). */
  onUpstreamEvent(event: ConnectionEvent): void {
    const wasConnecting = this.connecting;
    this.connecting = false;
    const downstream = this.downstream as Connection;
    if (event === ConnectionEvent.Connected) {
      // The upstream can take bytes now.
      downstream.readDisable(false);
      this.startIdleTimer();
      return;
    }
    this.upstream = null;
    this.upstreamCallbacks = null;
    this.disableIdleTimer();
    if (wasConnecting) {
      if (event === ConnectionEvent.RemoteClose) {
        downstream.streamInfo.responseFlags |= ResponseFlag.UpstreamConnectionFailure;
      }
      if (downstream.state() === ConnectionState.Open) this.initializeUpstreamConnection();
      return;
    }
    if (downstream.state() === ConnectionState.Open) {
      downstream.close(ConnectionCloseType.FlushWrite);
    }
  }

  // ---- flow control ----

  /** The upstream's write buffer is full: stop reading the downstream (and the reverse). */
  readDisableDownstream(disable: boolean): void {
    const downstream = this.downstream as Connection;
    if (downstream.state() !== ConnectionState.Open) return;
    if (disable === this.downstreamReadDisabled) return;
    this.downstreamReadDisabled = disable;
    downstream.readDisable(disable);
    if (disable) this.shared.stats.downstreamFlowControlPausedReadingTotal.inc();
    else this.shared.stats.downstreamFlowControlResumedReadingTotal.inc();
    this.lastActivity = performance.now();
  }

  private readDisableUpstream(disable: boolean): void {
    const upstream = this.upstream;
    if (upstream === null || upstream.state() !== ConnectionState.Open) return;
    if (disable === this.upstreamReadDisabled) return;
    this.upstreamReadDisabled = disable;
    upstream.readDisable(disable);
    const stats = this.clusterStats;
    if (stats !== null) {
      if (disable) stats.upstreamFlowControlPausedReadingTotal.inc();
      else stats.upstreamFlowControlResumedReadingTotal.inc();
    }
    this.lastActivity = performance.now();
  }

  // ---- downstream connection callbacks ----

  onEvent(event: ConnectionEvent): void {
    if (event === ConnectionEvent.Connected) return;
    const upstream = this.upstream;
    const callbacks = this.upstreamCallbacks;
    if (upstream !== null && callbacks !== null) {
      this.upstream = null;
      this.upstreamCallbacks = null;
      if (event === ConnectionEvent.RemoteClose) {
        // The downstream is gone: let the upstream take what is buffered for it first.
        upstream.close(ConnectionCloseType.FlushWrite);
        if (upstream.state() !== ConnectionState.Closed) callbacks.drain(this.shared, this.config);
      } else {
        upstream.close(ConnectionCloseType.NoFlush);
      }
    }
    this.disableIdleTimer();
    const handle = this.upstreamHandle;
    if (handle !== null) {
      this.upstreamHandle = null;
      handle.cancel();
    }
    this.log();
  }

  onAboveWriteBufferHighWatermark(): void {
    // The downstream does not take bytes as fast as the upstream sends them.
    this.readDisableUpstream(true);
  }

  onBelowWriteBufferLowWatermark(): void {
    this.readDisableUpstream(false);
  }

  // ---- idle timeout ----

  private startIdleTimer(): void {
    const timeout = this.config.idleTimeoutMs;
    if (timeout === 0) return;
    this.lastActivity = performance.now();
    this.idleTimer ??= (this.dispatcher as Dispatcher).createTimer(() => this.onIdleTimer());
    this.idleTimer.enableTimer(timeout);
  }

  /**
   * The timer is armed once and checked when it fires, instead of re-armed for every chunk: if
   * bytes moved since, it is armed again for the rest of the timeout.
   */
  private onIdleTimer(): void {
    const timeout = this.config.idleTimeoutMs;
    const idle = performance.now() - this.lastActivity;
    if (idle < timeout) {
      this.idleTimer?.enableTimer(Math.max(1, Math.ceil(timeout - idle)));
      return;
    }
    this.shared.stats.idleTimeout.inc();
    const downstream = this.downstream as Connection;
    downstream.streamInfo.connectionTerminationDetails = IDLE_TIMEOUT_DETAILS;
    // Closing the downstream closes the upstream too (onEvent).
    downstream.close(ConnectionCloseType.NoFlush, IDLE_TIMEOUT_DETAILS);
  }

  private disableIdleTimer(): void {
    this.idleTimer?.disableTimer();
  }

  private log(): void {
    if (this.logged) return;
    this.logged = true;
    const logs = this.shared.accessLogs;
    if (logs.length === 0) return;
    const info = (this.downstream as Connection).streamInfo;
    for (const log of logs) log.log(info);
  }
}

/**
 * The TCP proxy's side of the upstream connection (Envoy's `UpstreamCallbacks`): a read filter that
 * hands the upstream's bytes to the proxy, and the upstream's connection callbacks. When the
 * downstream goes away while the upstream still flushes, it becomes the drainer (Envoy's
 * `Drainer`): it waits for the flush to finish, counted in `upstream_flush_active`.
 */
class UpstreamCallbacks implements ReadFilter, ConnectionCallbacks {
  private parent: TcpProxyFilter | null;
  private callbacks: ReadFilterCallbacks | null;
  private drainShared: TcpProxySharedConfig | null;
  private drainTimer: Timer | null;

  constructor(parent: TcpProxyFilter) {
    this.parent = parent;
    this.callbacks = null;
    this.drainShared = null;
    this.drainTimer = null;
  }

  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void {
    this.callbacks = callbacks;
  }

  onNewConnection(): FilterStatus {
    return FilterStatus.Continue;
  }

  onData(data: BufferInstance, endStream: boolean): FilterStatus {
    const parent = this.parent;
    if (parent !== null) {
      parent.onUpstreamData(data, endStream);
      return FilterStatus.StopIteration;
    }
    // Draining: nobody to give the bytes to. Behave as the kernel would for a socket whose
    // reader is gone: reset.
    if (data.length > 0) {
      data.drain(data.length);
      this.callbacks?.connection().close(ConnectionCloseType.NoFlush);
    }
    return FilterStatus.StopIteration;
  }

  onEvent(event: ConnectionEvent): void {
    const parent = this.parent;
    if (parent !== null) {
      parent.onUpstreamEvent(event);
      return;
    }
    if (event !== ConnectionEvent.Connected && this.drainShared !== null) {
      this.drainShared.stats.upstreamFlushActive.dec();
      this.drainShared = null;
      this.drainTimer?.disableTimer();
    }
  }

  onAboveWriteBufferHighWatermark(): void {
    this.parent?.readDisableDownstream(true);
  }

  onBelowWriteBufferLowWatermark(): void {
    this.parent?.readDisableDownstream(false);
  }

  /** The downstream closed while this upstream still flushes: finish the flush on our own. */
  drain(shared: TcpProxySharedConfig, config: TcpProxyConfig): void {
    this.parent = null;
    this.drainShared = shared;
    shared.stats.upstreamFlushTotal.inc();
    shared.stats.upstreamFlushActive.inc();
    const connection = this.callbacks?.connection();
    if (config.idleTimeoutMs > 0 && connection !== undefined) {
      this.drainTimer = connection.dispatcher.createTimer(() => {
        shared.stats.idleTimeout.inc();
        connection.close(ConnectionCloseType.NoFlush);
      });
      this.drainTimer.enableTimer(config.idleTimeoutMs);
    }
  }
}
