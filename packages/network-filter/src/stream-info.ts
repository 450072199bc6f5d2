import type { SocketAddress } from './socket-address.ts';

/**
 * Envoy's `StreamInfo` for one L4 connection: timing, byte counts, addresses, and fields the
 * filters fill in (the TCP proxy sets the upstream ones). Structurally an `@nuncio/access-log`
 * `StreamInfo`, so a filter can hand it to an access log as it is. One fixed shape per connection
 * (every field assigned at construction), so formatters' reads stay monomorphic.
 */
export interface ConnectionStreamInfo {
  /** When the connection was accepted (or a client connection created), ms since the epoch. */
  readonly startTimeMs: number;
  /** How long the connection lived, in ms; undefined until it has closed. */
  durationMs: number | undefined;
  /** Bytes read from the peer (counted as they arrive from the socket). */
  bytesReceived: number;
  /** Bytes handed to the socket for the peer. */
  bytesSent: number;
  /** The peer's address (possibly restored by a listener filter). */
  downstreamRemoteAddress: SocketAddress | undefined;
  /** The peer's address as the socket reports it. */
  downstreamDirectRemoteAddress: SocketAddress | undefined;
  /** The local address the connection was accepted on. */
  downstreamLocalAddress: SocketAddress | undefined;
  /** The upstream host, once a filter (the TCP proxy) has chosen one. */
  upstreamHost: SocketAddress | undefined;
  /** The upstream cluster's name, set by the filter that chose it. */
  upstreamCluster: string | undefined;
  /** The upstream connection's local address, set by the filter that made it. */
  upstreamLocalAddress: SocketAddress | undefined;
  /** The upstream connection's remote address, set by the filter that made it. */
  upstreamRemoteAddress: SocketAddress | undefined;
  /** Bit set of Envoy response flags (`@nuncio/access-log`'s `ResponseFlag`), set by filters. */
  responseFlags: number;
  /** The connection's id. */
  readonly connectionId: number;
  /** Why Nuncio closed the connection for L4 reasons (`idle_timeout`, ...), if it did. */
  connectionTerminationDetails: string | undefined;
  /** The SNI the client asked for, or undefined. */
  requestedServerName: string | undefined;
  /** The name of the filter chain that was chosen (`''` for an unnamed one). */
  filterChainName: string | undefined;
}
