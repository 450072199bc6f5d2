import type { Socket } from 'node:net';
import type { ConnectionSocket } from './connection-info.ts';
import { type SocketAddress, socketAddress } from './socket-address.ts';

/** The transport protocol of a connection no listener filter recognised (Envoy's default). */
export const RAW_BUFFER_TRANSPORT_PROTOCOL = 'raw_buffer';

const NO_PROTOCOLS: readonly string[] = Object.freeze([]);

/**
 * The accepted (or connecting) socket with what is known about it. The addresses of a connected
 * socket are read at once (a destroyed socket can no longer tell them, and access logs want them
 * after the close); a client socket's are read when it connects. An address the caller already
 * knows is taken as given, as Envoy does: an accepted socket's local address is the listener's
 * when it is bound to one IP, and a client socket's remote address is the IP it connected to.
 * Each address not known costs a system call (`getsockname` / `getpeername`) per connection.
 */
export class ConnectionSocketImpl implements ConnectionSocket {
  readonly socket: Socket;
  private local: SocketAddress | null;
  private directRemote: SocketAddress | null;
  private remoteOverride: SocketAddress | null;
  requestedServerName: string;
  requestedApplicationProtocols: readonly string[];
  detectedTransportProtocol: string;

  constructor(socket: Socket, connected = true, knownLocal: SocketAddress | null = null) {
    this.socket = socket;
    this.local = knownLocal;
    this.directRemote = null;
    this.remoteOverride = null;
    if (connected) this.captureAddresses();
    this.requestedServerName = '';
    this.requestedApplicationProtocols = NO_PROTOCOLS;
    // Empty until the chain is chosen; then `raw_buffer` if no listener filter set it.
    this.detectedTransportProtocol = '';
  }

  setRequestedServerName(name: string): void {
    this.requestedServerName = name;
  }

  setRequestedApplicationProtocols(protocols: readonly string[]): void {
    this.requestedApplicationProtocols = protocols.length === 0 ? NO_PROTOCOLS : [...protocols];
  }

  setDetectedTransportProtocol(protocol: string): void {
    this.detectedTransportProtocol = protocol;
  }

  get localAddress(): SocketAddress {
    this.local ??= socketAddress(this.socket.localAddress, this.socket.localPort);
    return this.local;
  }

  get directRemoteAddress(): SocketAddress {
    this.directRemote ??= socketAddress(this.socket.remoteAddress, this.socket.remotePort);
    return this.directRemote;
  }

  get remoteAddress(): SocketAddress {
    return this.remoteOverride ?? this.directRemoteAddress;
  }

  setRemoteAddress(address: SocketAddress): void {
    this.remoteOverride = address;
  }

  /** Reads the addresses now, while the socket is open, so they outlive it. */
  captureAddresses(): void {
    if (this.socket.destroyed) return;
    this.local ??= socketAddress(this.socket.localAddress, this.socket.localPort);
    this.directRemote ??= socketAddress(this.socket.remoteAddress, this.socket.remotePort);
  }

  /**
   * Reads the addresses again once a client socket has connected (they were unknown before);
   * `knownRemote` is the address it connected to when that was an IP (no system call needed).
   */
  refreshAddresses(knownRemote: SocketAddress | null = null): void {
    this.local = null;
    this.directRemote = knownRemote;
    this.captureAddresses();
  }
}
