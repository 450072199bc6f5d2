// Test plugin for the network filter, built with the AssemblyScript SDK @solo-io/proxy-runtime
// 0.1.8 (ABI 0.2.0). The SDK has no network-filter exports, so this file exports the network
// callbacks itself and calls the raw proxy_* imports for buffers, properties, shared data and
// streams (the SDK's set_buffer_bytes binding points at get_buffer_status, its get_property aborts
// on a missing property, and its shared-data helpers ignore CAS).
//
// root_id "net": every connection counts in `connections`; downstream bytes are upper-cased (and
// counted in `downstream_bytes`), upstream bytes have their spaces turned into '_' (counted in
// `upstream_bytes`). Downstream commands: "close" closes the connection, "trap" traps, "props"
// is replaced by the connection's properties, "listener" by its listener's direction, metadata
// (hex of the protobuf bytes) and metadata value nuncio.test.team, "greet" by the shared-data
// value the bootstrap service wrote, "hold" is held back until the root context's next tick
// continues it.
// root_id "service": the bootstrap service: counts `service_started` when configured, writes
// shared data "greeting" and counts `service_ticks` on each tick.
export * from "@solo-io/proxy-runtime/proxy";

import {
  Context,
  Counter,
  FilterStatusValues,
  RootContext,
  registerRootContext,
} from "@solo-io/proxy-runtime";
import * as imports from "@solo-io/proxy-runtime/imports";
import { free } from "@solo-io/proxy-runtime/malloc";

// @ts-expect-error: decorator
@external("env", "proxy_set_buffer_bytes")
declare function proxy_set_buffer_bytes(typ: i32, start: u32, length: u32, data: usize, size: usize): u32;

const BUFFER_DOWNSTREAM_DATA = 2;
const BUFFER_UPSTREAM_DATA = 3;
const BUFFER_PLUGIN_CONFIGURATION = 7;
const STREAM_DOWNSTREAM = 2;

const out = new ArrayBuffer(16);
function outPtr(): usize { return changetype<usize>(out); }
function outSize(): usize { return changetype<usize>(out) + 4; }
function outCas(): usize { return changetype<usize>(out) + 8; }

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

/** A property as a string ("?" when missing); integers are decoded as little-endian int64. */
function property(path: string, integer: bool): string {
  const p = String.UTF8.encode(path);
  if (imports.proxy_get_property(changetype<usize>(p), p.byteLength, outPtr(), outSize()) != 0) return "?";
  if (integer) {
    const value = load<i64>(load<u32>(outPtr()));
    free(load<u32>(outPtr()));
    return value.toString();
  }
  return takeString();
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

function getShared(key: string): string {
  const k = String.UTF8.encode(key);
  if (imports.proxy_get_shared_data(changetype<usize>(k), k.byteLength, outPtr(), outSize(), outCas()) != 0) return "";
  return takeString();
}

function setShared(key: string, value: string): void {
  const k = String.UTF8.encode(key);
  const v = String.UTF8.encode(value);
  imports.proxy_set_shared_data(changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength, 0);
}

let connections: Counter | null = null;
let downstreamBytes: Counter | null = null;
let upstreamBytes: Counter | null = null;
let downstreamClosed: Counter | null = null;
let upstreamClosed: Counter | null = null;
let held: u32[] = [];

class NetRoot extends RootContext {
  createContext(id: u32): Context { return new Context(id, this); }
  onConfigure(size: u32): bool {
    connections = new Counter("connections");
    downstreamBytes = new Counter("downstream_bytes");
    upstreamBytes = new Counter("upstream_bytes");
    downstreamClosed = new Counter("downstream_closed");
    upstreamClosed = new Counter("upstream_closed");
    return imports.proxy_set_tick_period_milliseconds(20) == 0;
  }
  onTick(): void {
    // Resume the connections held back by "hold".
    const ids = held;
    held = [];
    for (let i = 0; i < ids.length; i++) {
      imports.proxy_set_effective_context(ids[i]);
      imports.proxy_continue_stream(STREAM_DOWNSTREAM);
    }
  }
}

let serviceTicks: Counter | null = null;
class ServiceRoot extends RootContext {
  createContext(id: u32): Context { return new Context(id, this); }
  onConfigure(size: u32): bool {
    const config = getBuffer(BUFFER_PLUGIN_CONFIGURATION, size);
    (new Counter("service_started")).increment(1);
    serviceTicks = new Counter("service_ticks");
    setShared("greeting", config);
    return imports.proxy_set_tick_period_milliseconds(20) == 0;
  }
  onTick(): void {
    (serviceTicks as Counter).increment(1);
  }
}

registerRootContext((id: u32): RootContext => new NetRoot(id), "net");
registerRootContext((id: u32): RootContext => new ServiceRoot(id), "service");

export function proxy_on_new_connection(context_id: u32): u32 {
  (connections as Counter).increment(1);
  return FilterStatusValues.Continue;
}

export function proxy_on_downstream_data(context_id: u32, size: u32, end: u32): u32 {
  const data = getBuffer(BUFFER_DOWNSTREAM_DATA, size);
  if (data.includes("trap")) unreachable();
  if (data.includes("close")) {
    imports.proxy_close_stream(STREAM_DOWNSTREAM);
    return FilterStatusValues.StopIteration;
  }
  if (data.includes("hold")) {
    held.push(context_id);
    return FilterStatusValues.StopIteration;
  }
  (downstreamBytes as Counter).increment(size);
  if (data.includes("props")) {
    setBuffer(BUFFER_DOWNSTREAM_DATA, 0, size,
      "src=" + property("source\0address", false) +
      " dst=" + property("destination\0address", false) +
      " port=" + property("source\0port", true) +
      " conn=" + property("connection\0id", true) +
      " plugin=" + property("plugin_name", false) + "\n");
    return FilterStatusValues.Continue;
  }
  if (data.includes("listener")) {
    setBuffer(BUFFER_DOWNSTREAM_DATA, 0, size,
      "dir=" + property("listener_direction", true) +
      " xds=" + property("xds\0listener_direction", true) +
      " meta=" + propertyHex("listener_metadata") +
      " team=" + property("listener_metadata\0filter_metadata\0nuncio.test\0team", false) + "\n");
    return FilterStatusValues.Continue;
  }
  if (data.includes("greet")) {
    setBuffer(BUFFER_DOWNSTREAM_DATA, 0, size, getShared("greeting"));
    return FilterStatusValues.Continue;
  }
  setBuffer(BUFFER_DOWNSTREAM_DATA, 0, size, data.toUpperCase());
  return FilterStatusValues.Continue;
}

export function proxy_on_upstream_data(context_id: u32, size: u32, end: u32): u32 {
  (upstreamBytes as Counter).increment(size);
  const data = getBuffer(BUFFER_UPSTREAM_DATA, size);
  setBuffer(BUFFER_UPSTREAM_DATA, 0, size, data.replaceAll(" ", "_"));
  return FilterStatusValues.Continue;
}

export function proxy_on_downstream_connection_close(context_id: u32, peer: u32): void {
  (downstreamClosed as Counter).increment(1);
}

export function proxy_on_upstream_connection_close(context_id: u32, peer: u32): void {
  (upstreamClosed as Counter).increment(1);
}
