// Extensions for tests, registered beside the built-in ones. Loaded by tests on the main thread
// and by the worker fixture, so every thread has the same static list.
import { type BufferInstance, OwnedBuffer } from '@nuncio/buffer';
import {
  type ConfigRegistry,
  createConfigRegistry,
  type ExtensionRegistration,
} from '@nuncio/config';
import {
  type ClientConnection,
  type Connection,
  type ConnectionCallbacks,
  ConnectionCloseType,
  ConnectionEvent,
  createClientConnection,
  type FactoryContext,
  FilterStatus,
  LISTENER_FILTER_CATEGORY,
  type ListenerFilter,
  type ListenerFilterBuffer,
  type ListenerFilterCallbacks,
  type ListenerFilterConfigFactory,
  NETWORK_FILTER_CATEGORY,
  type NetworkFilterConfigFactory,
  type ReadFilter,
  type ReadFilterCallbacks,
  registerNetworkExtensions,
} from '../../src/index.ts';

/** What the chain-reporting filter saw, per connection, on this thread. */
export interface ChainReport {
  chain: string;
  sni: string;
  alpn: string[];
  transport: string;
  /** The first bytes the connection read (what listener filters peeked included). */
  firstBytes: string;
  /** The connection's local address, `ip:port`. */
  local: string;
  /** The connection's remote address, `ip:port`. */
  remote: string;
}

export const chainReports: ChainReport[] = [];

/** Records which chain a connection got and what it knew, answers with it, then closes. */
class ChainReportFilter implements ReadFilter {
  private callbacks: ReadFilterCallbacks | null = null;
  private reported = false;

  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void {
    this.callbacks = callbacks;
  }

  onNewConnection(): FilterStatus {
    return FilterStatus.Continue;
  }

  onData(data: BufferInstance): FilterStatus {
    const connection = (this.callbacks as ReadFilterCallbacks).connection();
    if (!this.reported) {
      this.reported = true;
      const info = connection.connectionInfoProvider;
      const report: ChainReport = {
        chain: connection.streamInfo.filterChainName ?? '?',
        sni: info.requestedServerName,
        alpn: [...info.requestedApplicationProtocols],
        transport: info.detectedTransportProtocol,
        firstBytes: data.toString('latin1'),
        local: `${info.localAddress.address}:${info.localAddress.port}`,
        remote: `${info.remoteAddress.address}:${info.remoteAddress.port}`,
      };
      chainReports.push(report);
      data.drain(data.length);
      connection.write(new OwnedBuffer(`chain=${report.chain}\n`), false);
      connection.close(ConnectionCloseType.FlushWrite);
    } else {
      data.drain(data.length);
    }
    return FilterStatus.StopIteration;
  }
}

/** Connections the memory probe saw on this thread, for buffer measurements. */
export const probedConnections = new Set<Connection>();

class MemoryProbeFilter implements ReadFilter, ConnectionCallbacks {
  private connection: Connection | null = null;
  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void {
    const connection = callbacks.connection();
    probedConnections.add(connection);
    connection.addConnectionCallbacks(this);
    this.connection = connection;
  }
  onNewConnection(): FilterStatus {
    return FilterStatus.Continue;
  }
  onData(): FilterStatus {
    return FilterStatus.Continue;
  }
  onEvent(event: ConnectionEvent): void {
    if (event !== ConnectionEvent.Connected && this.connection !== null) {
      probedConnections.delete(this.connection);
    }
  }
  onAboveWriteBufferHighWatermark(): void {}
  onBelowWriteBufferLowWatermark(): void {}
}

/**
 * A tiny TCP proxy: relays bytes both ways between the downstream connection and an upstream
 * client connection, with half-close and watermark flow control, as the TCP proxy will.
 */
class RelayFilter implements ReadFilter, ConnectionCallbacks {
  private readonly host: string;
  private readonly port: number;
  private downstream: Connection | null = null;
  private upstream: ClientConnection | null = null;

  constructor(host: string, port: number) {
    this.host = host;
    this.port = port;
  }

  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void {
    this.downstream = callbacks.connection();
    this.downstream.enableHalfClose(true);
    this.downstream.addConnectionCallbacks(this);
  }

  onNewConnection(): FilterStatus {
    const downstream = this.downstream as Connection;
    downstream.readDisable(true);
    const upstream = createClientConnection(downstream.dispatcher, {
      host: this.host,
      port: this.port,
      connectTimeoutMs: 2000,
    });
    this.upstream = upstream;
    upstream.enableHalfClose(true);
    upstream.addConnectionCallbacks(new UpstreamCallbacks(downstream, upstream));
    upstream.addReadFilter(new UpstreamReader(downstream));
    upstream.connect();
    return FilterStatus.StopIteration;
  }

  onData(data: BufferInstance, endStream: boolean): FilterStatus {
    this.upstream?.write(data, endStream);
    return FilterStatus.StopIteration;
  }

  onEvent(event: ConnectionEvent): void {
    if (event === ConnectionEvent.RemoteClose || event === ConnectionEvent.LocalClose) {
      this.upstream?.close(ConnectionCloseType.FlushWrite);
    }
  }

  onAboveWriteBufferHighWatermark(): void {
    this.upstream?.readDisable(true);
  }

  onBelowWriteBufferLowWatermark(): void {
    this.upstream?.readDisable(false);
  }
}

class UpstreamCallbacks implements ConnectionCallbacks {
  private readonly downstream: Connection;
  private readonly upstream: ClientConnection;
  constructor(downstream: Connection, upstream: ClientConnection) {
    this.downstream = downstream;
    this.upstream = upstream;
  }
  onEvent(event: ConnectionEvent): void {
    if (event === ConnectionEvent.Connected) {
      this.downstream.readDisable(false);
      return;
    }
    this.downstream.close(ConnectionCloseType.FlushWrite);
  }
  onAboveWriteBufferHighWatermark(): void {
    this.downstream.readDisable(true);
  }
  onBelowWriteBufferLowWatermark(): void {
    this.downstream.readDisable(false);
  }
  toString(): string {
    return `upstream ${this.upstream.id}`;
  }
}

class UpstreamReader implements ReadFilter {
  private readonly downstream: Connection;
  constructor(downstream: Connection) {
    this.downstream = downstream;
  }
  initializeReadFilterCallbacks(): void {}
  onNewConnection(): FilterStatus {
    return FilterStatus.Continue;
  }
  onData(data: BufferInstance, endStream: boolean): FilterStatus {
    this.downstream.write(data, endStream);
    return FilterStatus.StopIteration;
  }
}

/** Bytes seen by the byte-wanting listener filter, per socket, on this thread. */
export const peekedByListenerFilter: string[] = [];

/** A listener filter that wants `bytes` bytes before it lets the socket through. */
class WantsBytesFilter implements ListenerFilter {
  private readonly bytes: number;
  constructor(bytes: number) {
    this.bytes = bytes;
  }
  onAccept(_callbacks: ListenerFilterCallbacks): FilterStatus {
    return FilterStatus.StopIteration;
  }
  onData(buffer: ListenerFilterBuffer): FilterStatus {
    if (buffer.length < this.bytes) return FilterStatus.StopIteration;
    peekedByListenerFilter.push(buffer.rawSlice().toString('latin1'));
    return FilterStatus.Continue;
  }
  maxReadBytes(): number {
    return this.bytes + 1024;
  }
}

function extension<F>(
  name: string,
  category: string,
  factory: F,
  typeUrls: string[] = [],
): ExtensionRegistration<F> {
  return { name, typeUrls, category, factory };
}

/** The factory contexts the chain-report factory was built with, on this thread. */
export const factoryContexts: FactoryContext[] = [];

const chainReportFactory: NetworkFilterConfigFactory = {
  isTerminalFilter: true,
  createFilterFactoryFromProto(_config, context) {
    factoryContexts.push(context);
    return (manager) => manager.addReadFilter(new ChainReportFilter());
  },
};

const memoryProbeFactory: NetworkFilterConfigFactory = {
  isTerminalFilter: false,
  createFilterFactoryFromProto: () => (manager) => manager.addReadFilter(new MemoryProbeFilter()),
};

const relayFactory: NetworkFilterConfigFactory<{ host?: string; port?: number }> = {
  isTerminalFilter: true,
  validateConfig(config) {
    if (typeof config?.port !== 'number') throw new Error('test.relay needs a port');
  },
  createFilterFactoryFromProto(config) {
    const host = config?.host ?? '127.0.0.1';
    const port = config?.port as number;
    return (manager) => manager.addReadFilter(new RelayFilter(host, port));
  },
};

const wantsBytesFactory: ListenerFilterConfigFactory<{ bytes?: number }> = {
  createListenerFilterFactoryFromProto(config) {
    const bytes = config?.bytes ?? 4;
    return (manager) => manager.addAcceptFilter(new WantsBytesFilter(bytes));
  },
};

/** Type URLs of the test extensions that take a config. */
export const RELAY_TYPE_URL = 'type.googleapis.com/nuncio.test.Relay';
export const WANTS_BYTES_TYPE_URL = 'type.googleapis.com/nuncio.test.WantsBytes';

export const testExtensions: readonly ExtensionRegistration[] = [
  extension('test.chain_report', NETWORK_FILTER_CATEGORY, chainReportFactory),
  extension('test.memory_probe', NETWORK_FILTER_CATEGORY, memoryProbeFactory),
  extension('test.relay', NETWORK_FILTER_CATEGORY, relayFactory, [RELAY_TYPE_URL]),
  extension('test.wants_bytes', LISTENER_FILTER_CATEGORY, wantsBytesFactory, [
    WANTS_BYTES_TYPE_URL,
  ]),
] as ExtensionRegistration[];

/** A registry with the built-in and the test extensions. */
export function testRegistry(): ConfigRegistry {
  const registry = registerNetworkExtensions(createConfigRegistry());
  for (const ext of testExtensions) registry.registerExtension(ext);
  return registry;
}
