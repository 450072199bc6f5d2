// Test plugin built with the AssemblyScript SDK @solo-io/proxy-runtime 0.1.8 (ABI 0.2.0). One
// module, one root context per test scenario, chosen by the plugin's root_id.
//
// Where the SDK's helpers are wrong, this file calls the raw proxy_* imports and says why:
// - RootContext.onConfigure passes the configuration size as the pointer for the returned size;
// - get_shared_data / set_shared_data ignore CAS and pass wrong pointers;
// - register_shared_queue passes the token value where a pointer is due;
// - proxy_set_buffer_status is bound to proxy_get_buffer_status (no set_buffer_bytes at all);
// - get_property aborts when the property is missing (NotFound is a normal answer);
// - the SDK exports no network-filter callbacks, so this file exports them.
export * from "@solo-io/proxy-runtime/proxy";

import {
  BaseContext,
  Context,
  Counter,
  continue_request,
  FilterDataStatusValues,
  FilterHeadersStatusValues,
  FilterStatusValues,
  Gauge,
  HeaderPair,
  Histogram,
  LogLevelValues,
  log,
  RootContext,
  registerRootContext,
  send_local_response,
  stream_context,
} from "@solo-io/proxy-runtime";
import * as imports from "@solo-io/proxy-runtime/imports";
import { free } from "@solo-io/proxy-runtime/malloc";
import { getContext } from "@solo-io/proxy-runtime/runtime";

// The SDK has no binding for this one (its proxy_set_buffer_status points elsewhere).
// @ts-expect-error: decorator
@external("env", "proxy_set_buffer_bytes")
declare function proxy_set_buffer_bytes(typ: i32, start: u32, length: u32, data: usize, size: usize): u32;

const BUFFER_HTTP_REQUEST_BODY = 0;
const BUFFER_DOWNSTREAM_DATA = 2;
const BUFFER_UPSTREAM_DATA = 3;
const BUFFER_HTTP_CALL_RESPONSE_BODY = 4;
const BUFFER_VM_CONFIGURATION = 6;
const BUFFER_PLUGIN_CONFIGURATION = 7;
const MAP_HTTP_CALL_RESPONSE_HEADERS = 6;
const STREAM_DOWNSTREAM = 2;

// Out-parameters of raw calls: [pointer u32][size u32][cas u32][token u32][u64 value].
const out = new ArrayBuffer(24);
function outPtr(): usize { return changetype<usize>(out); }
function outSize(): usize { return changetype<usize>(out) + 4; }
function outCas(): usize { return changetype<usize>(out) + 8; }
function outToken(): usize { return changetype<usize>(out) + 12; }
function outU64(): usize { return changetype<usize>(out) + 16; }

/** The bytes the host returned through outPtr/outSize, as a string; frees the host's allocation. */
function takeString(): string {
  const p = load<u32>(outPtr());
  const n = load<u32>(outSize());
  if (n == 0) return "";
  const s = String.UTF8.decodeUnsafe(p, n);
  free(p);
  return s;
}

function getBuffer(typ: i32, size: u32): string {
  if (imports.proxy_get_buffer_bytes(typ, 0, size, outPtr(), outSize()) != 0) return "";
  return takeString();
}

function setBuffer(typ: i32, start: u32, length: u32, value: string): u32 {
  const data = String.UTF8.encode(value);
  return proxy_set_buffer_bytes(typ, start, length, changetype<usize>(data), data.byteLength);
}

/** Raw property read: returns the status, the value in `lastProperty`. */
let lastProperty: string = "";
let lastPropertyI64: i64 = 0;
function getProperty(path: string): u32 {
  const p = String.UTF8.encode(path);
  const r = imports.proxy_get_property(changetype<usize>(p), p.byteLength, outPtr(), outSize());
  if (r != 0) return r;
  const n = load<u32>(outSize());
  const ptr = load<u32>(outPtr());
  lastPropertyI64 = n >= 8 ? load<i64>(ptr) : 0;
  lastProperty = takeString();
  return 0;
}

/** A property's raw bytes as lowercase hex ("?" when missing): for message-typed properties. */
const HEX = "0123456789abcdef";
function propertyHex(path: string): string {
  const p = String.UTF8.encode(path);
  if (imports.proxy_get_property(changetype<usize>(p), p.byteLength, outPtr(), outSize()) != 0) return "?";
  const ptr = load<u32>(outPtr());
  const n = load<u32>(outSize());
  let s = "";
  for (let i: u32 = 0; i < n; i++) {
    const b = load<u8>(ptr + i);
    s += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  if (n > 0) free(ptr);
  return s;
}

/** Raw shared-data read: value in `lastShared`, cas in the out area. */
let lastShared: string = "";
function getShared(key: string): u32 {
  const k = String.UTF8.encode(key);
  const r = imports.proxy_get_shared_data(changetype<usize>(k), k.byteLength, outPtr(), outSize(), outCas());
  if (r != 0) return r;
  lastShared = takeString();
  return 0;
}

function setShared(key: string, value: string, cas: u32): u32 {
  const k = String.UTF8.encode(key);
  const v = String.UTF8.encode(value);
  return imports.proxy_set_shared_data(changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength, cas);
}

/**
 * A cas no key holds (a store's cas would need 2^32 - 1 writes to reach it). Envoy inserts a
 * missing key whatever the cas, and compares it once the key exists: writing a missing key with
 * this cas creates it only if nobody else did first (cas 0 would overwrite a racing insert).
 */
const UNSEEN_CAS: u32 = 0xffffffff;

/** Compare-and-swap increment of a decimal counter in shared data; returns the new value. */
function incrementShared(key: string): i32 {
  for (let attempt = 0; attempt < 10000; attempt++) {
    let current: i32 = 0;
    let cas: u32 = UNSEEN_CAS;
    if (getShared(key) == 0) {
      current = I32.parseInt(lastShared);
      cas = load<u32>(outCas());
    }
    if (setShared(key, (current + 1).toString(), cas) == 0) return current + 1;
  }
  return -1;
}

/** A root context whose onConfigure reads the configuration through the raw import. */
class TestRoot extends RootContext {
  config: string = "";
  onConfigure(size: u32): bool {
    this.config = getBuffer(BUFFER_PLUGIN_CONFIGURATION, size);
    return true;
  }
}

// ---- headers: read one header, add another, echo the configuration on responses -------------

class HeadersRoot extends TestRoot {
  createContext(id: u32): Context { return new HeadersContext(id, this); }
}
class HeadersContext extends Context {
  constructor(id: u32, root: HeadersRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    const v = stream_context.headers.request.get("x-in");
    stream_context.headers.request.add("x-out", v + "!");
    stream_context.headers.request.replace("x-replaced", "yes");
    stream_context.headers.request.remove("x-remove-me");
    log(LogLevelValues.info, "headers seen: " + n.toString());
    return FilterHeadersStatusValues.Continue;
  }
  onResponseHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    stream_context.headers.response.add("x-config", (this.root_context as HeadersRoot).config);
    return FilterHeadersStatusValues.Continue;
  }
}

// ---- local_reply: deny /deny with a 403 -------------------------------------------------------

class LocalReplyRoot extends TestRoot {
  createContext(id: u32): Context { return new LocalReplyContext(id, this); }
}
class LocalReplyContext extends Context {
  constructor(id: u32, root: LocalReplyRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    if (stream_context.headers.request.get(":path") == "/deny") {
      const headers: HeaderPair[] = [];
      headers.push(new HeaderPair(String.UTF8.encode("x-reason"), String.UTF8.encode("test")));
      send_local_response(403, "denied_by_plugin", String.UTF8.encode("go away"), headers, -1);
      // Continue is returned, yet the host turns it into a stop after a local response.
      return FilterHeadersStatusValues.Continue;
    }
    return FilterHeadersStatusValues.Continue;
  }
}

// ---- config: refuse configuration "reject", refuse to start on VM configuration "refuse" -----

class ConfigRoot extends TestRoot {
  createContext(id: u32): Context { return new ConfigContext(id, this); }
  onStart(vmConfigSize: usize): bool {
    return getBuffer(BUFFER_VM_CONFIGURATION, <u32>vmConfigSize) != "refuse";
  }
  onConfigure(size: u32): bool {
    super.onConfigure(size);
    return this.config != "reject";
  }
}
class ConfigContext extends Context {
  constructor(id: u32, root: ConfigRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    stream_context.headers.request.add("x-config", (this.root_context as ConfigRoot).config);
    return FilterHeadersStatusValues.Continue;
  }
}

// ---- shared: a CAS counter in shared data ------------------------------------------------------

class SharedRoot extends TestRoot {
  createContext(id: u32): Context { return new SharedContext(id, this); }
}
class SharedContext extends Context {
  constructor(id: u32, root: SharedRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    const count = incrementShared("hits");
    stream_context.headers.request.add("x-count", count.toString());
    return FilterHeadersStatusValues.Continue;
  }
}

// ---- create_or_cas: proxy-wasm's create-or-CAS on a key that may not exist yet ----------------
// The key is the request's x-key. A missing key is written with a cas no key holds (Envoy inserts
// it whatever the cas); an existing one is incremented with its cas. x-inserted says whether this
// request's insert won, x-count the value it wrote, x-lost-inserts how many of its inserts lost.

class CreateOrCasRoot extends TestRoot {
  createContext(id: u32): Context { return new CreateOrCasContext(id, this); }
}
class CreateOrCasContext extends Context {
  constructor(id: u32, root: CreateOrCasRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    const h = stream_context.headers.request;
    const key = h.get("x-key");
    let lost = 0;
    for (let attempt = 0; attempt < 10000; attempt++) {
      const missing = getShared(key) != 0;
      const next: i32 = missing ? 1 : I32.parseInt(lastShared) + 1;
      const cas: u32 = missing ? UNSEEN_CAS : load<u32>(outCas());
      const r = setShared(key, next.toString(), cas);
      if (r == 0) {
        h.add("x-inserted", missing ? "1" : "0");
        h.add("x-count", next.toString());
        break;
      }
      if (missing) lost++;
    }
    h.add("x-lost-inserts", lost.toString());
    return FilterHeadersStatusValues.Continue;
  }
}

// ---- queue_consumer / queue_producer: a shared queue across threads ---------------------------

class QueueConsumerRoot extends TestRoot {
  createContext(id: u32): Context { return new Context(id, this); }
  onConfigure(size: u32): bool {
    super.onConfigure(size);
    const name = String.UTF8.encode("jobs");
    // Raw import: the SDK's wrapper passes the token value instead of a pointer.
    return imports.proxy_register_shared_queue(changetype<usize>(name), name.byteLength, outToken()) == 0;
  }
  onQueueReady(token: u32): void {
    let r = imports.proxy_dequeue_shared_queue(token, outPtr(), outSize());
    while (r == 0) {
      const item = takeString();
      setShared("last_job", item, 0);
      incrementShared("jobs_received");
      r = imports.proxy_dequeue_shared_queue(token, outPtr(), outSize());
    }
  }
}
class QueueProducerRoot extends TestRoot {
  createContext(id: u32): Context { return new QueueProducerContext(id, this); }
}
class QueueProducerContext extends Context {
  constructor(id: u32, root: QueueProducerRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    const vm = String.UTF8.encode("");
    const name = String.UTF8.encode("jobs");
    const r = imports.proxy_resolve_shared_queue(changetype<usize>(vm), 0, changetype<usize>(name), name.byteLength, outToken());
    stream_context.headers.request.add("x-resolve", r.toString());
    if (r == 0) {
      const job = String.UTF8.encode(stream_context.headers.request.get("x-job"));
      const e = imports.proxy_enqueue_shared_queue(load<u32>(outToken()), changetype<usize>(job), job.byteLength);
      stream_context.headers.request.add("x-enqueue", e.toString());
    }
    return FilterHeadersStatusValues.Continue;
  }
}

// ---- tick: a timer counting in shared data and a metric -------------------------------------

let tickCounter: Counter | null = null;
class TickRoot extends TestRoot {
  createContext(id: u32): Context { return new Context(id, this); }
  onConfigure(size: u32): bool {
    super.onConfigure(size);
    tickCounter = new Counter("ticks");
    return imports.proxy_set_tick_period_milliseconds(<u32>I32.parseInt(this.config)) == 0;
  }
  onTick(): void {
    incrementShared("ticks");
    (tickCounter as Counter).increment(1);
  }
}

// ---- metrics: a counter, a gauge and a histogram ---------------------------------------------

let requests: Counter | null = null;
let active: Gauge | null = null;
let sizes: Histogram | null = null;
class MetricsRoot extends TestRoot {
  createContext(id: u32): Context { return new MetricsContext(id, this); }
  onConfigure(size: u32): bool {
    super.onConfigure(size);
    requests = new Counter("requests_total");
    active = new Gauge("active");
    sizes = new Histogram("sizes");
    return true;
  }
}
class MetricsContext extends Context {
  constructor(id: u32, root: MetricsRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    const c = requests as Counter;
    c.increment(1);
    (active as Gauge).increment(2);
    (active as Gauge).increment(-1);
    imports.proxy_record_metric((sizes as Histogram).metric_id, 42);
    // The SDK's get_metric calls proxy_record_metric; use the raw import.
    imports.proxy_get_metric(c.metric_id, outU64());
    stream_context.headers.request.add("x-counter", load<u64>(outU64()).toString());
    // Decrementing a counter is refused.
    stream_context.headers.request.add("x-decrement", imports.proxy_increment_metric(c.metric_id, -1).toString());
    return FilterHeadersStatusValues.Continue;
  }
}

// ---- properties -----------------------------------------------------------------------------

class PropertiesRoot extends TestRoot {
  createContext(id: u32): Context { return new PropertiesContext(id, this); }
}
class PropertiesContext extends Context {
  constructor(id: u32, root: PropertiesRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    const h = stream_context.headers.request;
    if (getProperty("plugin_name") == 0) h.add("x-plugin-name", lastProperty);
    if (getProperty("plugin_root_id") == 0) h.add("x-root-id", lastProperty);
    if (getProperty("plugin_vm_id") == 0) h.add("x-vm-id", lastProperty);
    if (getProperty("request\0path") == 0) h.add("x-path", lastProperty);
    if (getProperty("request\0headers\0x-in") == 0) h.add("x-header-prop", lastProperty);
    if (getProperty("source\0port") == 0) h.add("x-source-port", lastPropertyI64.toString());
    if (getProperty("node\0id") == 0) h.add("x-node-id", lastProperty);
    if (getProperty("node\0metadata\0team") == 0) h.add("x-node-team", lastProperty);
    if (getProperty("listener_direction") == 0) h.add("x-direction", lastPropertyI64.toString());
    if (getProperty("xds\0listener_direction") == 0) h.add("x-xds-direction", lastPropertyI64.toString());
    h.add("x-listener-metadata", propertyHex("listener_metadata"));
    if (getProperty("xds\0listener_metadata\0filter_metadata\0nuncio.test\0team") == 0) h.add("x-listener-team", lastProperty);
    h.add("x-missing", getProperty("request\0no_such_attribute").toString());
    const key = String.UTF8.encode("my_state");
    const value = String.UTF8.encode("kept");
    imports.proxy_set_property(changetype<usize>(key), key.byteLength, changetype<usize>(value), value.byteLength);
    if (getProperty("my_state") == 0) h.add("x-state", lastProperty);
    return FilterHeadersStatusValues.Continue;
  }
}

// ---- http_call: ask a cluster, answer with what it said --------------------------------------

class HttpCallRoot extends TestRoot {
  createContext(id: u32): Context { return new HttpCallContext(id, this); }
}
function onCallResponse(origin: Context, headers: u32, bodySize: usize, trailers: u32): void {
  let status = "none";
  const key = String.UTF8.encode(":status");
  if (imports.proxy_get_header_map_value(MAP_HTTP_CALL_RESPONSE_HEADERS, changetype<usize>(key), key.byteLength, outPtr(), outSize()) == 0) {
    status = takeString();
  }
  const body = getBuffer(BUFFER_HTTP_CALL_RESPONSE_BODY, <u32>bodySize);
  stream_context.headers.request.add("x-call-status", status);
  stream_context.headers.request.add("x-call-body", body);
  stream_context.headers.request.add("x-call-headers", headers.toString());
  continue_request();
}
class HttpCallContext extends Context {
  constructor(id: u32, root: HttpCallRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    const root = this.root_context as HttpCallRoot;
    const headers: HeaderPair[] = [];
    headers.push(new HeaderPair(String.UTF8.encode(":method"), String.UTF8.encode("GET")));
    headers.push(new HeaderPair(String.UTF8.encode(":path"), String.UTF8.encode(stream_context.headers.request.get("x-call-path"))));
    headers.push(new HeaderPair(String.UTF8.encode(":authority"), String.UTF8.encode("backend")));
    const timeout = <u32>I32.parseInt(stream_context.headers.request.get("x-call-timeout"));
    const r = root.httpCall(root.config, headers, new ArrayBuffer(0), [], timeout, this, onCallResponse);
    stream_context.headers.request.add("x-call-result", (<u32>r).toString());
    if (r != 0) return FilterHeadersStatusValues.Continue;
    return FilterHeadersStatusValues.StopIteration;
  }
}

// ---- trap: an unreachable instruction on request -------------------------------------------

class TrapRoot extends TestRoot {
  createContext(id: u32): Context { return new TrapContext(id, this); }
}
class TrapContext extends Context {
  constructor(id: u32, root: TrapRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    if (stream_context.headers.request.get("x-trap") == "yes") unreachable();
    stream_context.headers.request.add("x-ok", "yes");
    return FilterHeadersStatusValues.Continue;
  }
}

// ---- body: wrap the request body in brackets at end of stream ---------------------------------

class BodyRoot extends TestRoot {
  createContext(id: u32): Context { return new BodyContext(id, this); }
}
class BodyContext extends Context {
  constructor(id: u32, root: BodyRoot) { super(id, root); }
  onRequestBody(size: usize, eos: bool): FilterDataStatusValues {
    if (!eos) return FilterDataStatusValues.StopIterationAndBuffer;
    const body = getBuffer(BUFFER_HTTP_REQUEST_BODY, <u32>size);
    // Raw import: the SDK has no working set_buffer_bytes.
    setBuffer(BUFFER_HTTP_REQUEST_BODY, 0, <u32>size, "[" + body + "]");
    return FilterDataStatusValues.Continue;
  }
}

// ---- tcp: upper-case downstream bytes, mark upstream bytes, close on "close" -------------------

class TcpRoot extends TestRoot {
  createContext(id: u32): Context { return new TcpContext(id, this); }
}
class TcpContext extends Context {
  constructor(id: u32, root: TcpRoot) { super(id, root); }
  onDownstreamData(size: usize, end: bool): FilterStatusValues {
    const data = getBuffer(BUFFER_DOWNSTREAM_DATA, <u32>size);
    if (data.includes("close")) {
      imports.proxy_close_stream(STREAM_DOWNSTREAM);
      return FilterStatusValues.StopIteration;
    }
    setBuffer(BUFFER_DOWNSTREAM_DATA, 0, <u32>size, data.toUpperCase());
    return FilterStatusValues.Continue;
  }
  onUpstreamData(size: usize, end: bool): FilterStatusValues {
    setBuffer(BUFFER_UPSTREAM_DATA, <u32>size, 0, "<");
    return FilterStatusValues.Continue;
  }
}

// ---- bench: the per-request work of the benchmark: read one header, add one ------------------

class BenchRoot extends TestRoot {
  createContext(id: u32): Context { return new BenchContext(id, this); }
}
class BenchContext extends Context {
  constructor(id: u32, root: BenchRoot) { super(id, root); }
  onRequestHeaders(n: u32, eos: bool): FilterHeadersStatusValues {
    const v = stream_context.headers.request.get("x-in");
    stream_context.headers.request.add("x-out", v);
    return FilterHeadersStatusValues.Continue;
  }
}

registerRootContext((id: u32): RootContext => new HeadersRoot(id), "headers");
registerRootContext((id: u32): RootContext => new LocalReplyRoot(id), "local_reply");
registerRootContext((id: u32): RootContext => new ConfigRoot(id), "config");
registerRootContext((id: u32): RootContext => new SharedRoot(id), "shared");
registerRootContext((id: u32): RootContext => new CreateOrCasRoot(id), "create_or_cas");
registerRootContext((id: u32): RootContext => new QueueConsumerRoot(id), "queue_consumer");
registerRootContext((id: u32): RootContext => new QueueProducerRoot(id), "queue_producer");
registerRootContext((id: u32): RootContext => new TickRoot(id), "tick");
registerRootContext((id: u32): RootContext => new MetricsRoot(id), "metrics");
registerRootContext((id: u32): RootContext => new PropertiesRoot(id), "properties");
registerRootContext((id: u32): RootContext => new HttpCallRoot(id), "http_call");
registerRootContext((id: u32): RootContext => new TrapRoot(id), "trap");
registerRootContext((id: u32): RootContext => new BodyRoot(id), "body");
registerRootContext((id: u32): RootContext => new TcpRoot(id), "tcp");
registerRootContext((id: u32): RootContext => new BenchRoot(id), "bench");

// The SDK exports no network-filter callbacks, so this file does. AssemblyScript 0.14 does not
// dispatch these calls to TcpContext's overrides through the base class, hence the explicit cast.
function tcp(context_id: u32): TcpContext {
  return changetype<TcpContext>(getContext(context_id));
}
export function proxy_on_new_connection(context_id: u32): u32 {
  return FilterStatusValues.Continue;
}
export function proxy_on_downstream_data(context_id: u32, size: u32, end: u32): u32 {
  return tcp(context_id).onDownstreamData(size, end != 0);
}
export function proxy_on_upstream_data(context_id: u32, size: u32, end: u32): u32 {
  return tcp(context_id).onUpstreamData(size, end != 0);
}
export function proxy_on_downstream_connection_close(context_id: u32, peer: u32): void {}
export function proxy_on_upstream_connection_close(context_id: u32, peer: u32): void {}
