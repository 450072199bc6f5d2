import type { Socket } from 'node:net';
import type { SocketAddress } from './socket-address.ts';

/**
 * What is known about a connection's endpoints and what listener filters detected on it (Envoy's
 * `ConnectionInfoProvider` together with the detected fields of `ConnectionSocket`). Read-only;
 * the values are fixed once the filter chain is chosen.
 */
export interface ConnectionInfoProvider {
  /** The local address the connection was accepted on (or, for a client, bound to). */
  readonly localAddress: SocketAddress;
  /** The peer's address (a listener filter such as PROXY protocol may restore the original one). */
  readonly remoteAddress: SocketAddress;
  /** The peer's address as the socket reports it, whatever listener filters said. */
  readonly directRemoteAddress: SocketAddress;
  /** The server name the client asked for (TLS SNI, lower-cased), or `''`. */
  readonly requestedServerName: string;
  /** The application protocols the client offered (TLS ALPN), in its order; empty when none. */
  readonly requestedApplicationProtocols: readonly string[];
  /**
   * The transport protocol a listener filter detected (`tls` from the TLS inspector), or
   * `raw_buffer` when none did, as in Envoy.
   */
  readonly detectedTransportProtocol: string;
}

/**
 * An accepted socket as listener filters see it (Envoy's `ConnectionSocket`): the endpoint
 * information, writable, plus the Node socket itself. Listener filters must not read from the
 * socket directly: they get the bytes through `onData`, and nothing they see is consumed.
 */
export interface ConnectionSocket extends ConnectionInfoProvider {
  /** The Node socket (paused; its bytes are delivered to listener filters by the listener). */
  readonly socket: Socket;
  /** Sets the SNI the TLS inspector found (lower-case it first, as Envoy does). */
  setRequestedServerName(name: string): void;
  /** Sets the ALPN list the TLS inspector found. */
  setRequestedApplicationProtocols(protocols: readonly string[]): void;
  /** Sets the detected transport protocol (e.g. `tls`). */
  setDetectedTransportProtocol(protocol: string): void;
  /** Overrides the remote address (e.g. from a PROXY protocol header). */
  setRemoteAddress(address: SocketAddress): void;
}
