import type { ConnectionInfoProvider } from './connection-info.ts';
import type { SocketAddress } from './socket-address.ts';
import type { ConnectionStreamInfo } from './stream-info.ts';

/**
 * The fixed-shape {@link ConnectionStreamInfo} every connection carries. The downstream addresses
 * come from the connection's socket when first read (unless a filter set them).
 */
export class StreamInfoImpl implements ConnectionStreamInfo {
  readonly startTimeMs: number;
  durationMs: number | undefined;
  bytesReceived: number;
  bytesSent: number;
  private readonly provider: ConnectionInfoProvider;
  private remote: SocketAddress | undefined;
  private directRemote: SocketAddress | undefined;
  private local: SocketAddress | undefined;
  upstreamHost: SocketAddress | undefined;
  upstreamCluster: string | undefined;
  upstreamLocalAddress: SocketAddress | undefined;
  upstreamRemoteAddress: SocketAddress | undefined;
  responseFlags: number;
  readonly connectionId: number;
  connectionTerminationDetails: string | undefined;
  requestedServerName: string | undefined;
  filterChainName: string | undefined;

  constructor(connectionId: number, startTimeMs: number, provider: ConnectionInfoProvider) {
    this.startTimeMs = startTimeMs;
    this.durationMs = undefined;
    this.bytesReceived = 0;
    this.bytesSent = 0;
    this.provider = provider;
    this.remote = undefined;
    this.directRemote = undefined;
    this.local = undefined;
    this.upstreamHost = undefined;
    this.upstreamCluster = undefined;
    this.upstreamLocalAddress = undefined;
    this.upstreamRemoteAddress = undefined;
    this.responseFlags = 0;
    this.connectionId = connectionId;
    this.connectionTerminationDetails = undefined;
    this.requestedServerName = undefined;
    this.filterChainName = undefined;
  }

  get downstreamRemoteAddress(): SocketAddress | undefined {
    return this.remote ?? this.provider.remoteAddress;
  }

  set downstreamRemoteAddress(address: SocketAddress | undefined) {
    this.remote = address;
  }

  get downstreamDirectRemoteAddress(): SocketAddress | undefined {
    return this.directRemote ?? this.provider.directRemoteAddress;
  }

  set downstreamDirectRemoteAddress(address: SocketAddress | undefined) {
    this.directRemote = address;
  }

  get downstreamLocalAddress(): SocketAddress | undefined {
    return this.local ?? this.provider.localAddress;
  }

  set downstreamLocalAddress(address: SocketAddress | undefined) {
    this.local = address;
  }
}
