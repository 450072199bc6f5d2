import type { Counter, Histogram, Scope } from '@nuncio/stats';
import { FilterStatus } from '../../filter-status.ts';
import type {
  ListenerFilter,
  ListenerFilterBuffer,
  ListenerFilterCallbacks,
} from '../../listener-filter.ts';
import { ClientHelloStatus, parseClientHello } from './client-hello.ts';

/** Envoy's limit on a ClientHello the inspector will read: 64 KiB. */
export const MAX_CLIENT_HELLO_SIZE = 64 * 1024;
/** Room for the record headers of a ClientHello split over several records. */
const RECORD_OVERHEAD = 5 * 8;

/** The TLS inspector's stats, rooted at `tls_inspector.` as in Envoy. */
export class TlsInspectorStats {
  readonly clientHelloTooLarge: Counter;
  readonly tlsFound: Counter;
  readonly tlsNotFound: Counter;
  readonly alpnFound: Counter;
  readonly alpnNotFound: Counter;
  readonly sniFound: Counter;
  readonly sniNotFound: Counter;
  readonly bytesProcessed: Histogram;

  constructor(scope: Scope) {
    const stats = scope.scopeFromStatName('tls_inspector');
    this.clientHelloTooLarge = stats.counterFromString('client_hello_too_large');
    this.tlsFound = stats.counterFromString('tls_found');
    this.tlsNotFound = stats.counterFromString('tls_not_found');
    this.alpnFound = stats.counterFromString('alpn_found');
    this.alpnNotFound = stats.counterFromString('alpn_not_found');
    this.sniFound = stats.counterFromString('sni_found');
    this.sniNotFound = stats.counterFromString('sni_not_found');
    this.bytesProcessed = stats.histogramFromString('bytes_processed', 'Bytes');
  }
}

/**
 * Envoy's TLS inspector (`envoy.filters.listener.tls_inspector`): reads the first bytes of a
 * connection and, when they are a TLS ClientHello, sets the transport protocol to `tls`, the
 * requested server name (SNI, lower-cased) and the application protocols (ALPN), for filter-chain
 * selection. It never answers the handshake and consumes nothing: the ClientHello reaches the
 * chosen chain intact. Anything else is left as `raw_buffer` after its first bytes.
 */
export class TlsInspectorFilter implements ListenerFilter {
  private readonly stats: TlsInspectorStats;
  private callbacks: ListenerFilterCallbacks | null;

  constructor(stats: TlsInspectorStats) {
    this.stats = stats;
    this.callbacks = null;
  }

  onAccept(callbacks: ListenerFilterCallbacks): FilterStatus {
    this.callbacks = callbacks;
    return FilterStatus.StopIteration;
  }

  maxReadBytes(): number {
    return MAX_CLIENT_HELLO_SIZE + RECORD_OVERHEAD;
  }

  onData(buffer: ListenerFilterBuffer): FilterStatus {
    const hello = parseClientHello(buffer.rawSlice(), MAX_CLIENT_HELLO_SIZE);
    const stats = this.stats;
    switch (hello.status) {
      case ClientHelloStatus.NeedMoreData:
        return FilterStatus.StopIteration;
      case ClientHelloStatus.NotTls:
        stats.tlsNotFound.inc();
        stats.bytesProcessed.recordValue(buffer.length);
        return FilterStatus.Continue;
      case ClientHelloStatus.TooLarge:
        stats.clientHelloTooLarge.inc();
        this.callbacks?.continueFilterChain(false);
        return FilterStatus.StopIteration;
      default: {
        const socket = this.callbacks?.socket;
        stats.tlsFound.inc();
        stats.bytesProcessed.recordValue(hello.bytesProcessed);
        socket?.setDetectedTransportProtocol('tls');
        if (hello.serverName !== '') {
          stats.sniFound.inc();
          socket?.setRequestedServerName(hello.serverName.toLowerCase());
        } else {
          stats.sniNotFound.inc();
        }
        if (hello.applicationProtocols.length > 0) {
          stats.alpnFound.inc();
          socket?.setRequestedApplicationProtocols(hello.applicationProtocols);
        } else {
          stats.alpnNotFound.inc();
        }
        return FilterStatus.Continue;
      }
    }
  }
}
