import { type BufferInstance, OwnedBuffer } from '@nuncio/buffer';
import {
  type Connection,
  type ConnectionCallbacks,
  ConnectionCloseType,
  ConnectionEvent,
  FilterStatus,
  formatSocketAddress,
  type ListenerInfo,
  type ReadFilter,
  type ReadFilterCallbacks,
  type WriteFilter,
  type WriteFilterCallbacks,
} from '@nuncio/network-filter';
import {
  PeerType,
  type StreamAttributes,
  type StreamCallbacks,
  type StreamType,
  type WasmStream,
} from '@nuncio/wasm-host';
import type { WasmPluginEntry } from './wasm-thread-local.ts';

/** The close details a connection gets when its plugin failed (Envoy's `wasm_fail_stream`). */
export const WASM_FAIL_STREAM_DETAILS = 'wasm_fail_stream';

/**
 * Envoy's network wasm filter for one connection (`envoy.filters.network.wasm`): a read and write
 * filter driving one plugin stream context. Downstream bytes go to `proxy_on_downstream_data` on
 * the read path, bytes written back to the client (in front of the TCP proxy: the upstream's) to
 * `proxy_on_upstream_data` on the write path; both buffers are the connection's own, lent to the
 * plugin for `get_buffer_bytes` / `set_buffer_bytes`. Closing events become
 * `proxy_on_downstream_connection_close`, and the end of the write stream
 * `proxy_on_upstream_connection_close` (Envoy's filter sees no upstream connection events either).
 *
 * The plugin's `continue_stream` resumes reading (downstream) or releases the bytes it held back
 * (upstream); `close_stream` closes the connection after flushing, as Envoy does for both
 * directions. A plugin whose VM failed closes the connection, or lets it pass untouched when it is
 * `fail_open`.
 */
export class WasmNetworkFilter
  implements ReadFilter, WriteFilter, ConnectionCallbacks, StreamCallbacks
{
  private readonly entry: WasmPluginEntry;
  private readCallbacks: ReadFilterCallbacks | null;
  private writeCallbacks: WriteFilterCallbacks | null;
  /** Upstream bytes the plugin held back (`StopIteration` on the write path), in order. */
  private heldWrite: OwnedBuffer | null;
  private heldWriteEnd: boolean;
  private finished: boolean;
  private readonly listener: ListenerInfo | undefined;
  private readonly stream: WasmStream;

  /**
   * `listener` is the listener the connection arrived on, for the `listener_direction` and
   * `listener_metadata` properties (without it, the plugin's own values, if any, are used).
   */
  constructor(entry: WasmPluginEntry, listener?: ListenerInfo) {
    this.entry = entry;
    this.listener = listener;
    this.readCallbacks = null;
    this.writeCallbacks = null;
    this.heldWrite = null;
    this.heldWriteEnd = false;
    this.finished = false;
    entry.acquire();
    this.stream = entry.plugin.createStream(this);
  }

  /** The plugin's context id for this connection (0 when the plugin has no VM). */
  get contextId(): number {
    return this.stream.contextId;
  }

  // ---- ReadFilter ----

  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void {
    this.readCallbacks = callbacks;
    callbacks.connection().addConnectionCallbacks(this);
  }

  onNewConnection(): FilterStatus {
    return this.stream.onNewConnection();
  }

  onData(data: BufferInstance, endStream: boolean): FilterStatus {
    return this.stream.onDownstreamData(data, endStream);
  }

  // ---- WriteFilter ----

  initializeWriteFilterCallbacks(callbacks: WriteFilterCallbacks): void {
    this.writeCallbacks = callbacks;
  }

  onWrite(data: BufferInstance, endStream: boolean): FilterStatus {
    const held = this.heldWrite;
    // The plugin sees what it held back followed by the new bytes, as one buffer.
    if (held !== null && held.length > 0) data.prepend(held);
    const status = this.stream.onUpstreamData(data, endStream);
    if (status === FilterStatus.StopIteration) {
      // The caller's buffer is not ours to keep: take the bytes until the plugin continues.
      if (this.heldWrite === null) this.heldWrite = new OwnedBuffer();
      this.heldWrite.move(data);
      this.heldWriteEnd = endStream;
    }
    if (endStream) this.stream.onUpstreamConnectionClose(PeerType.Unknown);
    return status;
  }

  // ---- ConnectionCallbacks ----

  onEvent(event: ConnectionEvent): void {
    if (event === ConnectionEvent.RemoteClose) {
      this.stream.onDownstreamConnectionClose(PeerType.Remote);
    } else if (event === ConnectionEvent.LocalClose) {
      this.stream.onDownstreamConnectionClose(PeerType.Local);
    } else {
      return;
    }
    if (this.finished) return;
    this.finished = true;
    this.heldWrite = null;
    this.entry.release();
  }

  onAboveWriteBufferHighWatermark(): void {}

  onBelowWriteBufferLowWatermark(): void {}

  // ---- StreamCallbacks (what the plugin asks for, run after its callback returned) ----

  failStream(_streamType: StreamType): void {
    this.connection()?.close(ConnectionCloseType.FlushWrite, WASM_FAIL_STREAM_DETAILS);
  }

  continueDownstream(): void {
    this.readCallbacks?.continueReading();
  }

  continueUpstream(): void {
    const held = this.heldWrite;
    if (this.writeCallbacks === null || held === null) return;
    if (held.length === 0 && !this.heldWriteEnd) return;
    const endStream = this.heldWriteEnd;
    this.heldWriteEnd = false;
    this.writeCallbacks.injectWriteDataToFilterChain(held, endStream);
  }

  closeDownstream(): void {
    this.connection()?.close(ConnectionCloseType.FlushWrite);
  }

  closeUpstream(): void {
    // Envoy closes the filter's own (downstream) connection for either direction; the TCP proxy
    // then closes its upstream.
    this.connection()?.close(ConnectionCloseType.FlushWrite);
  }

  attributes(): StreamAttributes | undefined {
    const connection = this.connection();
    if (connection === null) return undefined;
    const listener = this.listener;
    const info = connection.connectionInfoProvider;
    const streamInfo = connection.streamInfo;
    const upstreamRemote = streamInfo.upstreamRemoteAddress ?? streamInfo.upstreamHost;
    const upstreamLocal = streamInfo.upstreamLocalAddress;
    const sni = info.requestedServerName;
    const failure = connection.transportFailureReason();
    const termination = streamInfo.connectionTerminationDetails;
    return {
      source: { address: formatSocketAddress(info.remoteAddress), port: info.remoteAddress.port },
      destination: {
        address: formatSocketAddress(info.localAddress),
        port: info.localAddress.port,
      },
      connection: {
        id: connection.id,
        mtls: false,
        ...(sni === '' ? {} : { requestedServerName: sni }),
        ...(termination === undefined ? {} : { terminationDetails: termination }),
        ...(failure === '' ? {} : { transportFailureReason: failure }),
      },
      ...(upstreamRemote === undefined
        ? {}
        : {
            upstream: {
              address: formatSocketAddress(upstreamRemote),
              port: upstreamRemote.port,
              ...(upstreamLocal === undefined
                ? {}
                : {
                    localAddress: formatSocketAddress(upstreamLocal),
                    localPort: upstreamLocal.port,
                  }),
            },
          }),
      ...(streamInfo.upstreamCluster === undefined
        ? {}
        : { clusterName: streamInfo.upstreamCluster }),
      ...(streamInfo.filterChainName === undefined
        ? {}
        : { filterChainName: streamInfo.filterChainName }),
      ...(listener === undefined
        ? {}
        : { listenerDirection: listener.direction, listenerMetadata: listener.metadata }),
    };
  }

  private connection(): Connection | null {
    return this.readCallbacks?.connection() ?? this.writeCallbacks?.connection() ?? null;
  }
}
