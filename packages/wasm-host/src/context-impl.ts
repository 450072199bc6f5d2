// A plugin context (proxy-wasm-cpp-host's `ContextBase` with Envoy's `Context`): the VM context
// (id 0), a plugin's root context, or a stream context. A stream context is what a filter drives
// through the `WasmStream` interface; host functions reach every kind through the VM's current
// context.
import { Buffer } from 'node:buffer';
import { BufferType, type LogLevel, MapType, type PeerType, StreamType } from './abi-types.ts';
import { AbiVersion } from './abi-version.ts';
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterStatus,
  FilterTrailersStatus,
} from './filter-status.ts';
import type { WasmHeaderMap } from './header-map.ts';
import { HeaderMapImpl } from './header-map-impl.ts';
import type { HttpCallResponse } from './http-call.ts';
import type { HeaderPair } from './pairs.ts';
import type { PluginDescriptor } from './plugin-options.ts';
import {
  getProperty,
  type PluginAttributes,
  type PropertyResult,
  splitPropertyPath,
} from './properties.ts';
import type { StreamAttributes } from './stream-attributes.ts';
import type { LocalReply, StreamCallbacks } from './stream-callbacks.ts';
import type { WasmBuffer } from './wasm-buffer.ts';
import { WasmResult } from './wasm-result.ts';
import type { AccessLogMaps, WasmStream } from './wasm-stream.ts';
import type { ModuleFunctions, WasmVm } from './wasm-vm.ts';

/** An `http_call` response while `proxy_on_http_call_response` runs. */
interface CallResponse {
  readonly headers: HeaderMapImpl;
  readonly trailers: HeaderMapImpl;
  readonly body: Uint8Array;
}

/** A buffer a host function reads: mutable (a stream's), or constant bytes (configurations). */
export type ContextBuffer = WasmBuffer | Uint8Array;

export class ContextImpl implements WasmStream {
  readonly vm: WasmVm;
  readonly id: number;
  /** The root context (itself for a root context; the VM context for the VM context). */
  readonly root: ContextImpl;
  readonly plugin: PluginDescriptor | null;
  readonly isRoot: boolean;
  readonly logPrefix: string;
  createdInVm: boolean;
  callbacks: StreamCallbacks | null;
  /** The plugin configuration while `on_context_create` / `on_configure` of a root context run. */
  tempPluginConfiguration: Uint8Array | null;
  requestHeaders: WasmHeaderMap | null;
  requestTrailers: WasmHeaderMap | null;
  responseHeaders: WasmHeaderMap | null;
  responseTrailers: WasmHeaderMap | null;
  requestBody: WasmBuffer | null;
  responseBody: WasmBuffer | null;
  downstreamData: WasmBuffer | null;
  upstreamData: WasmBuffer | null;
  endOfStream: boolean;
  accessLog: AccessLogMaps | null;
  callResponse: CallResponse | null;
  statusCode: number;
  statusMessage: string;
  private httpRequestStarted: boolean;
  private streamFailed: boolean;
  private destroyed: boolean;
  private tcpClosed: boolean;
  private filterState: Map<string, Uint8Array> | null;
  private pluginAttributes: PluginAttributes | null;

  constructor(vm: WasmVm, id: number, root: ContextImpl | null, plugin: PluginDescriptor | null) {
    this.vm = vm;
    this.id = id;
    this.root = root ?? this;
    this.plugin = plugin;
    this.isRoot = root === null;
    this.logPrefix =
      plugin === null
        ? ''
        : root === null
          ? prefix([plugin.rootId, plugin.vmId])
          : prefix([plugin.name, plugin.rootId, plugin.vmId]);
    this.createdInVm = false;
    this.callbacks = null;
    this.tempPluginConfiguration = null;
    this.requestHeaders = null;
    this.requestTrailers = null;
    this.responseHeaders = null;
    this.responseTrailers = null;
    this.requestBody = null;
    this.responseBody = null;
    this.downstreamData = null;
    this.upstreamData = null;
    this.endOfStream = false;
    this.accessLog = null;
    this.callResponse = null;
    this.statusCode = 0;
    this.statusMessage = '';
    this.httpRequestStarted = false;
    this.streamFailed = false;
    this.destroyed = false;
    this.tcpClosed = false;
    this.filterState = null;
    this.pluginAttributes = null;
  }

  get contextId(): number {
    return this.id;
  }

  get failed(): boolean {
    return this.vm.failed;
  }

  private get fns(): ModuleFunctions {
    return this.vm.fns as ModuleFunctions;
  }

  private get failOpen(): boolean {
    return this.plugin?.failOpen === true;
  }

  // ---- Calls into the module -------------------------------------------------------------------

  /** Announces a stream context to the module (`proxy_on_context_create`), once. */
  onCreate(): void {
    const fn = this.fns.onContextCreate;
    if (!this.vm.failed && !this.createdInVm && fn !== undefined) {
      this.vm.call(this, 'proxy_on_context_create', fn, this.id, this.isRoot ? 0 : this.root.id);
    }
    this.createdInVm = true;
  }

  /**
   * True when the VM has failed: then a fail-closed plugin's stream is failed (once) through the
   * filter's callbacks, and the caller returns its fail status.
   */
  private failedNow(streamType: StreamType): boolean {
    if (!this.vm.failed) return false;
    if (!this.failOpen && !this.streamFailed) {
      this.streamFailed = true;
      this.callbacks?.failStream(streamType);
    }
    return true;
  }

  private headersStatus(raw: number): FilterHeadersStatus {
    if (this.vm.lastCallStopped || raw > FilterHeadersStatus.StopAllIterationAndWatermark) {
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    // Proxy-Wasm 0.2.x: a plain StopIteration from headers pauses everything (Envoy's default).
    if (raw === FilterHeadersStatus.StopIteration) {
      return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
    return raw as FilterHeadersStatus;
  }

  private dataStatus(raw: number): FilterDataStatus {
    if (this.vm.lastCallStopped || raw > FilterDataStatus.StopIterationNoBuffer) {
      return FilterDataStatus.StopIterationNoBuffer;
    }
    return raw as FilterDataStatus;
  }

  private trailersStatus(raw: number): FilterTrailersStatus {
    if (this.vm.lastCallStopped || raw > FilterTrailersStatus.StopIteration) {
      return FilterTrailersStatus.StopIteration;
    }
    return raw as FilterTrailersStatus;
  }

  private failHeaders(): FilterHeadersStatus {
    return this.failOpen
      ? FilterHeadersStatus.Continue
      : FilterHeadersStatus.StopAllIterationAndWatermark;
  }

  private failData(): FilterDataStatus {
    return this.failOpen ? FilterDataStatus.Continue : FilterDataStatus.StopIterationNoBuffer;
  }

  private failTrailers(): FilterTrailersStatus {
    return this.failOpen ? FilterTrailersStatus.Continue : FilterTrailersStatus.StopIteration;
  }

  private failNetwork(): FilterStatus {
    return this.failOpen ? FilterStatus.Continue : FilterStatus.StopIteration;
  }

  onRequestHeaders(headers: WasmHeaderMap, endOfStream: boolean): FilterHeadersStatus {
    this.onCreate();
    this.httpRequestStarted = true;
    this.requestHeaders = headers;
    this.endOfStream = endOfStream;
    if (this.failedNow(StreamType.HttpRequest)) return this.failHeaders();
    const fn = this.fns.onRequestHeaders;
    if (fn === undefined) {
      this.requestHeaders = null;
      return FilterHeadersStatus.Continue;
    }
    const raw = this.vm.call(
      this,
      'proxy_on_request_headers',
      fn,
      this.id,
      headers.size,
      endOfStream ? 1 : 0,
    );
    if (this.failedNow(StreamType.HttpRequest)) return this.failHeaders();
    const status = this.headersStatus(raw);
    if (status === FilterHeadersStatus.Continue) this.requestHeaders = null;
    return status;
  }

  onRequestBody(body: WasmBuffer, endOfStream: boolean): FilterDataStatus {
    if (!this.httpRequestStarted) return FilterDataStatus.Continue;
    this.requestBody = body;
    this.endOfStream = endOfStream;
    if (this.failedNow(StreamType.HttpRequest)) return this.failData();
    const fn = this.fns.onRequestBody;
    if (fn === undefined) {
      this.requestBody = null;
      return FilterDataStatus.Continue;
    }
    const raw = this.vm.call(
      this,
      'proxy_on_request_body',
      fn,
      this.id,
      body.length,
      endOfStream ? 1 : 0,
    );
    if (this.failedNow(StreamType.HttpRequest)) return this.failData();
    const status = this.dataStatus(raw);
    if (status === FilterDataStatus.Continue) this.requestBody = null;
    return status;
  }

  onRequestTrailers(trailers: WasmHeaderMap): FilterTrailersStatus {
    if (!this.httpRequestStarted) return FilterTrailersStatus.Continue;
    this.requestTrailers = trailers;
    if (this.failedNow(StreamType.HttpRequest)) return this.failTrailers();
    const fn = this.fns.onRequestTrailers;
    if (fn === undefined) {
      this.requestTrailers = null;
      return FilterTrailersStatus.Continue;
    }
    const raw = this.vm.call(this, 'proxy_on_request_trailers', fn, this.id, trailers.size);
    if (this.failedNow(StreamType.HttpRequest)) return this.failTrailers();
    const status = this.trailersStatus(raw);
    if (status === FilterTrailersStatus.Continue) this.requestTrailers = null;
    return status;
  }

  onResponseHeaders(headers: WasmHeaderMap, endOfStream: boolean): FilterHeadersStatus {
    if (!this.httpRequestStarted) return FilterHeadersStatus.Continue;
    this.responseHeaders = headers;
    this.endOfStream = endOfStream;
    if (this.failedNow(StreamType.HttpResponse)) return this.failHeaders();
    const fn = this.fns.onResponseHeaders;
    if (fn === undefined) {
      this.responseHeaders = null;
      return FilterHeadersStatus.Continue;
    }
    const raw = this.vm.call(
      this,
      'proxy_on_response_headers',
      fn,
      this.id,
      headers.size,
      endOfStream ? 1 : 0,
    );
    if (this.failedNow(StreamType.HttpResponse)) return this.failHeaders();
    const status = this.headersStatus(raw);
    if (status === FilterHeadersStatus.Continue) this.responseHeaders = null;
    return status;
  }

  onResponseBody(body: WasmBuffer, endOfStream: boolean): FilterDataStatus {
    if (!this.httpRequestStarted) return FilterDataStatus.Continue;
    this.responseBody = body;
    this.endOfStream = endOfStream;
    if (this.failedNow(StreamType.HttpResponse)) return this.failData();
    const fn = this.fns.onResponseBody;
    if (fn === undefined) {
      this.responseBody = null;
      return FilterDataStatus.Continue;
    }
    const raw = this.vm.call(
      this,
      'proxy_on_response_body',
      fn,
      this.id,
      body.length,
      endOfStream ? 1 : 0,
    );
    if (this.failedNow(StreamType.HttpResponse)) return this.failData();
    const status = this.dataStatus(raw);
    if (status === FilterDataStatus.Continue) this.responseBody = null;
    return status;
  }

  onResponseTrailers(trailers: WasmHeaderMap): FilterTrailersStatus {
    if (!this.httpRequestStarted) return FilterTrailersStatus.Continue;
    this.responseTrailers = trailers;
    if (this.failedNow(StreamType.HttpResponse)) return this.failTrailers();
    const fn = this.fns.onResponseTrailers;
    if (fn === undefined) {
      this.responseTrailers = null;
      return FilterTrailersStatus.Continue;
    }
    const raw = this.vm.call(this, 'proxy_on_response_trailers', fn, this.id, trailers.size);
    if (this.failedNow(StreamType.HttpResponse)) return this.failTrailers();
    const status = this.trailersStatus(raw);
    if (status === FilterTrailersStatus.Continue) this.responseTrailers = null;
    return status;
  }

  onLog(maps: AccessLogMaps = {}): void {
    if (!this.createdInVm) this.onCreate();
    const fn = this.fns.onLog;
    if (this.vm.failed || fn === undefined) return;
    this.accessLog = maps;
    this.vm.call(this, 'proxy_on_log', fn, this.id);
    this.accessLog = null;
  }

  onDestroy(): void {
    if (this.destroyed || !this.createdInVm) return;
    this.destroyed = true;
    this.onDone();
    this.onDelete();
    this.release();
  }

  onNewConnection(): FilterStatus {
    this.onCreate();
    if (this.failedNow(StreamType.Downstream)) return this.failNetwork();
    const fn = this.fns.onNewConnection;
    if (fn === undefined) return FilterStatus.Continue;
    const raw = this.vm.call(this, 'proxy_on_new_connection', fn, this.id);
    if (this.failedNow(StreamType.Downstream)) return this.failNetwork();
    return raw === 0 ? FilterStatus.Continue : FilterStatus.StopIteration;
  }

  onDownstreamData(data: WasmBuffer, endOfStream: boolean): FilterStatus {
    if (!this.createdInVm) return FilterStatus.Continue;
    this.downstreamData = data;
    this.endOfStream = endOfStream;
    if (this.failedNow(StreamType.Downstream)) return this.failNetwork();
    const fn = this.fns.onDownstreamData;
    if (fn === undefined) {
      this.downstreamData = null;
      return FilterStatus.Continue;
    }
    const raw = this.vm.call(
      this,
      'proxy_on_downstream_data',
      fn,
      this.id,
      data.length,
      endOfStream ? 1 : 0,
    );
    if (this.failedNow(StreamType.Downstream)) return this.failNetwork();
    if (raw === 0) {
      this.downstreamData = null;
      return FilterStatus.Continue;
    }
    return FilterStatus.StopIteration;
  }

  onUpstreamData(data: WasmBuffer, endOfStream: boolean): FilterStatus {
    if (!this.createdInVm) return FilterStatus.Continue;
    this.upstreamData = data;
    this.endOfStream = endOfStream;
    if (this.failedNow(StreamType.Upstream)) return this.failNetwork();
    const fn = this.fns.onUpstreamData;
    if (fn === undefined) {
      this.upstreamData = null;
      return FilterStatus.Continue;
    }
    const raw = this.vm.call(
      this,
      'proxy_on_upstream_data',
      fn,
      this.id,
      data.length,
      endOfStream ? 1 : 0,
    );
    if (this.failedNow(StreamType.Upstream)) return this.failNetwork();
    if (raw === 0) {
      this.upstreamData = null;
      return FilterStatus.Continue;
    }
    return FilterStatus.StopIteration;
  }

  onDownstreamConnectionClose(peer: PeerType): void {
    if (!this.createdInVm) return;
    const fn = this.fns.onDownstreamConnectionClose;
    if (!this.vm.failed && fn !== undefined) {
      this.vm.call(this, 'proxy_on_downstream_connection_close', fn, this.id, peer);
    }
    // As in Envoy, the downstream closing ends the connection's context.
    this.closeTcp();
  }

  onUpstreamConnectionClose(peer: PeerType): void {
    if (!this.createdInVm || this.tcpClosed) return;
    const fn = this.fns.onUpstreamConnectionClose;
    if (!this.vm.failed && fn !== undefined) {
      this.vm.call(this, 'proxy_on_upstream_connection_close', fn, this.id, peer);
    }
  }

  private closeTcp(): void {
    if (this.tcpClosed) return;
    this.tcpClosed = true;
    this.destroyed = true;
    this.onDone();
    this.onLog();
    this.onDelete();
    this.release();
  }

  /** `proxy_on_done`; true when the module is done with the context. */
  onDone(): boolean {
    const fn = this.fns.onDone;
    if (this.vm.failed || fn === undefined) return true;
    return this.vm.call(this, 'proxy_on_done', fn, this.id) !== 0;
  }

  /** `proxy_on_delete`. */
  onDelete(): void {
    const fn = this.fns.onDelete;
    if (this.createdInVm && !this.vm.failed && fn !== undefined) {
      this.vm.call(this, 'proxy_on_delete', fn, this.id);
    }
  }

  /** Forgets a finished stream context (its id may not be reused while the VM lives). */
  private release(): void {
    this.requestHeaders = null;
    this.requestTrailers = null;
    this.responseHeaders = null;
    this.responseTrailers = null;
    this.requestBody = null;
    this.responseBody = null;
    this.downstreamData = null;
    this.upstreamData = null;
    if (!this.isRoot) this.vm.contexts.delete(this.id);
  }

  /** Delivers an `http_call` response (or failure, with `response` null) to this root context. */
  onHttpCallResponse(token: number, response: HttpCallResponse | null, failure: string): void {
    const fn = this.fns.onHttpCallResponse;
    if (this.vm.failed || fn === undefined) return;
    if (response === null) {
      this.statusCode = WasmResult.BrokenConnection;
      this.statusMessage = failure;
      this.vm.call(this, 'proxy_on_http_call_response', fn, this.id, token, 0, 0, 0);
    } else {
      this.statusCode = 0;
      this.statusMessage = '';
      const call: CallResponse = {
        headers: new HeaderMapImpl(response.headers),
        trailers: new HeaderMapImpl(response.trailers),
        body: response.body,
      };
      this.callResponse = call;
      this.vm.call(
        this,
        'proxy_on_http_call_response',
        fn,
        this.id,
        token,
        call.headers.size,
        call.body.length,
        call.trailers.size,
      );
      this.callResponse = null;
    }
    this.statusMessage = '';
  }

  // ---- What host functions ask of a context ----------------------------------------------------

  /** Writes a plugin log line with Envoy's prefix. */
  log(level: LogLevel, message: string): void {
    const logger = this.vm.host.logger;
    // Skip building the line for a level the logger drops.
    if (level < logger.level()) return;
    logger.log(level, `wasm log${this.logPrefix}: ${message}`);
  }

  /** The buffer `type` names for this context, or null when there is none now. */
  getBuffer(type: number): ContextBuffer | null {
    switch (type) {
      case BufferType.VmConfiguration:
        return this.vm.base.vmConfiguration;
      case BufferType.PluginConfiguration:
        return this.root.tempPluginConfiguration ?? this.tempPluginConfiguration;
      case BufferType.HttpRequestBody:
        return this.requestBody;
      case BufferType.HttpResponseBody:
        return this.responseBody;
      case BufferType.DownstreamData:
        return this.downstreamData;
      case BufferType.UpstreamData:
        return this.upstreamData;
      case BufferType.HttpCallResponseBody:
        return this.root.callResponse?.body ?? null;
      default:
        return null;
    }
  }

  /** The map `type` names for writing, or null (the call then returns `BadArgument`). */
  getMap(type: number): WasmHeaderMap | null {
    switch (type) {
      case MapType.HttpRequestHeaders:
        return this.requestHeaders;
      case MapType.HttpRequestTrailers:
        if (
          this.requestTrailers === null &&
          this.requestBody !== null &&
          this.endOfStream &&
          this.callbacks?.addRequestTrailers !== undefined
        ) {
          this.requestTrailers = this.callbacks.addRequestTrailers();
        }
        return this.requestTrailers;
      case MapType.HttpResponseHeaders:
        return this.responseHeaders;
      case MapType.HttpResponseTrailers:
        if (
          this.responseTrailers === null &&
          this.responseBody !== null &&
          this.endOfStream &&
          this.callbacks?.addResponseTrailers !== undefined
        ) {
          this.responseTrailers = this.callbacks.addResponseTrailers();
        }
        return this.responseTrailers;
      default:
        return null;
    }
  }

  /** The map `type` names for reading (the access-log maps during `on_log`), or null. */
  getConstMap(type: number): WasmHeaderMap | null {
    const log = this.accessLog;
    switch (type) {
      case MapType.HttpRequestHeaders:
        return log !== null ? (log.requestHeaders ?? this.requestHeaders) : this.requestHeaders;
      case MapType.HttpRequestTrailers:
        return log !== null ? null : this.requestTrailers;
      case MapType.HttpResponseHeaders:
        return log !== null ? (log.responseHeaders ?? this.responseHeaders) : this.responseHeaders;
      case MapType.HttpResponseTrailers:
        return log !== null
          ? (log.responseTrailers ?? this.responseTrailers)
          : this.responseTrailers;
      case MapType.HttpCallResponseHeaders:
        return this.root.callResponse?.headers ?? null;
      case MapType.HttpCallResponseTrailers:
        return this.root.callResponse?.trailers ?? null;
      default:
        return null;
    }
  }

  /** True during `proxy_on_log`. */
  get inAccessLogPhase(): boolean {
    return this.accessLog !== null;
  }

  /** After a plugin changed a header map. */
  headersModified(type: number): void {
    if (type === MapType.HttpRequestHeaders) this.callbacks?.clearRouteCache?.();
  }

  /** `proxy_continue_stream` (and 0.1.0's `continue_request` / `continue_response`). */
  continueStream(type: number): WasmResult {
    const callbacks = this.callbacks;
    switch (type) {
      case StreamType.HttpRequest:
        if (callbacks?.continueRequest !== undefined) {
          this.vm.deferAfterCall(() => callbacks.continueRequest?.());
        }
        this.requestHeaders = null;
        this.requestBody = null;
        this.requestTrailers = null;
        return WasmResult.Ok;
      case StreamType.HttpResponse:
        if (callbacks?.continueResponse !== undefined) {
          this.vm.deferAfterCall(() => callbacks.continueResponse?.());
        }
        return WasmResult.Ok;
      case StreamType.Downstream:
        if (callbacks?.continueDownstream === undefined) return WasmResult.Unimplemented;
        this.vm.deferAfterCall(() => callbacks.continueDownstream?.());
        return WasmResult.Ok;
      case StreamType.Upstream:
        if (callbacks?.continueUpstream === undefined) return WasmResult.Unimplemented;
        this.vm.deferAfterCall(() => callbacks.continueUpstream?.());
        return WasmResult.Ok;
      default:
        return WasmResult.BadArgument;
    }
  }

  /** `proxy_close_stream`. */
  closeStream(type: number): WasmResult {
    const callbacks = this.callbacks;
    switch (type) {
      case StreamType.HttpRequest:
      case StreamType.HttpResponse:
        if (callbacks?.resetStream !== undefined) {
          this.vm.deferAfterCall(() => callbacks.resetStream?.(type as StreamType));
        }
        return WasmResult.Ok;
      case StreamType.Downstream:
        if (callbacks?.closeDownstream !== undefined) {
          this.vm.deferAfterCall(() => callbacks.closeDownstream?.());
        }
        return WasmResult.Ok;
      case StreamType.Upstream:
        if (callbacks?.closeUpstream !== undefined) {
          this.vm.deferAfterCall(() => callbacks.closeUpstream?.());
        }
        return WasmResult.Ok;
      default:
        return WasmResult.BadArgument;
    }
  }

  /** `proxy_send_local_response`: sent once the running callback has returned. */
  sendLocalResponse(reply: LocalReply): void {
    const callbacks = this.callbacks;
    if (callbacks?.sendLocalReply !== undefined) {
      this.vm.deferAfterCall(() => callbacks.sendLocalReply?.(reply));
    }
  }

  /** `proxy_get_property`. */
  getProperty(path: Uint8Array): PropertyResult {
    const plugin = this.plugin;
    if (this.pluginAttributes === null) {
      this.pluginAttributes = {
        pluginName: plugin?.name ?? '',
        rootId: plugin?.rootId ?? '',
        vmId: this.vm.vmId,
        ...(plugin?.node === undefined ? {} : { node: plugin.node }),
        ...(plugin?.listenerDirection === undefined
          ? {}
          : { listenerDirection: plugin.listenerDirection }),
        ...(plugin?.listenerMetadata === undefined
          ? {}
          : { listenerMetadata: plugin.listenerMetadata }),
      };
    }
    const stream: StreamAttributes | undefined = this.isRoot
      ? undefined
      : this.callbacks?.attributes?.();
    return getProperty(
      splitPropertyPath(path),
      this.pluginAttributes,
      stream,
      this.filterState ?? undefined,
    );
  }

  /** `proxy_set_property`: a value the plugin can read back in this stream. */
  setProperty(path: Uint8Array, value: Uint8Array): WasmResult {
    if (this.isRoot) return WasmResult.NotFound;
    if (this.filterState === null) this.filterState = new Map();
    this.filterState.set(Buffer.from(path).toString('utf8'), value);
    return WasmResult.Ok;
  }

  /** `proxy_get_header_map_value` result for a missing map or key, by ABI version. */
  missingHeaderValue(): WasmResult | '' {
    return this.vm.abiVersion === AbiVersion.V0_1_0 ? '' : WasmResult.NotFound;
  }
}

function prefix(parts: string[]): string {
  let out = '';
  for (const part of parts) if (part !== '') out += ` ${part}`;
  return out;
}

/** Pairs lowercased as Envoy stores header names. */
export function lowercasePairs(pairs: readonly HeaderPair[]): HeaderPair[] {
  return pairs.map(([name, value]) => [name.toLowerCase(), value] as const);
}
