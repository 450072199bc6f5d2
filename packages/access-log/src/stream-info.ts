/**
 * A socket address as Node reports it (`socket.remoteAddress` / `socket.remotePort`).
 * Command operators print an IP address with its port as `1.2.3.4:80` or `[::1]:80`, and the
 * `_WITHOUT_PORT` variants print the bare address, as Envoy does.
 */
export interface SocketAddress {
  /** The IP address without brackets (`127.0.0.1`, `::1`), or a pipe path when `port` is absent. */
  readonly address: string;
  /** The port of an IP address; absent for a pipe path. */
  readonly port?: number | undefined;
}

/**
 * Read access to a header map, for `%REQ(...)%`, `%RESP(...)%` and `%TRAILER(...)%`. Names are
 * passed in lower case; returns undefined when the header is absent.
 */
export interface HeaderLookup {
  get(name: string): string | undefined;
}

/**
 * What an access log is told about one connection (TCP) or one request (HTTP): Envoy's
 * `StreamInfo`, as a plain object the TCP proxy and the HTTP connection manager fill in. Every field
 * is optional; a command operator whose field is absent prints `-` (or `null` in JSON), except the
 * byte counts and the response code, which default to 0 as in Envoy.
 *
 * For a fast hot path, create these objects with one fixed shape (a class that assigns every field
 * in its constructor), so that the formatter's property reads stay monomorphic.
 */
export interface StreamInfo {
  /** Start of the connection or request, in milliseconds since the epoch (fractions allowed). */
  readonly startTimeMs?: number | undefined;
  /** Total duration in milliseconds (the connection's, for TCP); printed truncated to an integer. */
  readonly durationMs?: number | undefined;
  /** Bytes received from downstream (body bytes for HTTP). */
  readonly bytesReceived?: number | undefined;
  /** Bytes sent to downstream (body bytes for HTTP). */
  readonly bytesSent?: number | undefined;
  /** The downstream peer's address (possibly restored from PROXY protocol). */
  readonly downstreamRemoteAddress?: SocketAddress | undefined;
  /** The downstream peer's physical address; defaults to `downstreamRemoteAddress`. */
  readonly downstreamDirectRemoteAddress?: SocketAddress | undefined;
  /** The local address the downstream connection was accepted on. */
  readonly downstreamLocalAddress?: SocketAddress | undefined;
  /** The address of the upstream host chosen by the load balancer. */
  readonly upstreamHost?: SocketAddress | undefined;
  /** The name of the upstream cluster (its `alt_stat_name` when it has one). */
  readonly upstreamCluster?: string | undefined;
  /** The local address of the upstream connection. */
  readonly upstreamLocalAddress?: SocketAddress | undefined;
  /** The remote address of the upstream connection; defaults to `upstreamHost`. */
  readonly upstreamRemoteAddress?: SocketAddress | undefined;
  /** Bit set of {@link ResponseFlag} values. */
  readonly responseFlags?: number | undefined;
  /** The downstream connection's id. */
  readonly connectionId?: number | undefined;
  /** Why Nuncio terminated the connection for L4 reasons, if it did. */
  readonly connectionTerminationDetails?: string | undefined;
  /** The SNI the downstream client asked for. */
  readonly requestedServerName?: string | undefined;
  /** The matched route's name. */
  readonly routeName?: string | undefined;
  /** The HTTP protocol (`HTTP/1.1`, ...); absent for TCP. */
  readonly protocol?: string | undefined;
  /** The HTTP response code; absent (printed as 0, as Envoy) for TCP. */
  readonly responseCode?: number | undefined;
  /** The HTTP response code details. */
  readonly responseCodeDetails?: string | undefined;
  /** Request headers, for `%REQ(...)%`. */
  readonly requestHeaders?: HeaderLookup | undefined;
  /** Response headers, for `%RESP(...)%`. */
  readonly responseHeaders?: HeaderLookup | undefined;
  /** Response trailers, for `%TRAILER(...)%`. */
  readonly responseTrailers?: HeaderLookup | undefined;
}
