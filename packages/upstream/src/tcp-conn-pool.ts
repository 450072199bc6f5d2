import type { ClientConnection } from '@nuncio/network-filter';
import type { Host } from './host.ts';

/** Why a pool could not hand out a connection (Envoy's `ConnectionPool::PoolFailureReason`). */
export const PoolFailureReason = {
  /** A circuit breaker (`max_connections`, `max_pending_requests`) is open. */
  Overflow: 0,
  /** The connection failed on this side (it could not be created, or was closed locally). */
  LocalConnectionFailure: 1,
  /** The host refused or reset the connection. */
  RemoteConnectionFailure: 2,
  /** The cluster's `connect_timeout` passed before the connection was established. */
  Timeout: 3,
} as const;
/** One of the {@link PoolFailureReason} values. */
export type PoolFailureReason = (typeof PoolFailureReason)[keyof typeof PoolFailureReason];

/** A connection a pool handed out (Envoy's `Tcp::ConnectionPool::ConnectionData`). */
export interface TcpConnectionData {
  /** The connected connection: its owner now, until it closes. */
  readonly connection: ClientConnection;
  /** The host it is connected to. */
  readonly host: Host;
}

/**
 * What a caller of `newConnection` is told (Envoy's `Tcp::ConnectionPool::Callbacks`): exactly one
 * of the two, once, unless the request was cancelled first. An object, not closures.
 */
export interface TcpPoolCallbacks {
  /** The connection is established. */
  onPoolReady(data: TcpConnectionData): void;
  /**
   * No connection: `reason` says why, `transportFailureReason` gives the socket error when there
   * was one (`ECONNREFUSED`...), `host` is the host that was tried.
   */
  onPoolFailure(reason: PoolFailureReason, transportFailureReason: string, host: Host): void;
}

/** A pending `newConnection` (Envoy's `Cancellable`). */
export interface Cancellable {
  /** Gives up: the connection being made is closed and no callback follows. */
  cancel(): void;
}

/**
 * A worker's TCP connection pool for one host of a cluster (Envoy's `Tcp::ConnectionPool::Instance`).
 * Connections are not reused: the TCP proxy owns each one until it closes, as Envoy's does. The
 * pool keeps the cluster's and the host's connection stats and the circuit breakers' counts.
 */
export interface TcpConnPool {
  /** The host this pool connects to. */
  readonly host: Host;
  /**
   * Starts a connection. Returns a handle to cancel it, or `null` when it failed at once (a
   * circuit breaker is open): `onPoolFailure` has then already been called. Never throws.
   */
  newConnection(callbacks: TcpPoolCallbacks): Cancellable | null;
}
