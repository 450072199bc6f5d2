// A proxy-wasm network filter plugin, in AssemblyScript with the @solo-io/proxy-runtime SDK:
// it lets every byte through untouched and counts, in metrics the admin shows under
// `wasmcustom.byte_counter.*`, the connections it saw and the bytes in each direction.
//
// Built by `npm start` (apps/proxy/scripts/build-example-plugins.ts) into build/byte-counter.wasm;
// the bundled config runs it in front of a TCP proxy. Any proxy-wasm host (Envoy too) runs it.
//
// The SDK has no network-filter exports, so the callbacks are exported here by name.
export * from '@solo-io/proxy-runtime/proxy';

import {
  Context,
  Counter,
  FilterStatusValues,
  RootContext,
  registerRootContext,
} from '@solo-io/proxy-runtime';

let connections: Counter | null = null;
let downstreamBytes: Counter | null = null;
let upstreamBytes: Counter | null = null;

class ByteCounterRoot extends RootContext {
  createContext(id: u32): Context {
    return new Context(id, this);
  }

  // Once per plugin instance (each worker has its own): the metrics are defined by name, so
  // every instance adds to the same ones.
  onConfigure(_size: u32): bool {
    connections = new Counter('byte_counter.connections');
    downstreamBytes = new Counter('byte_counter.downstream_bytes');
    upstreamBytes = new Counter('byte_counter.upstream_bytes');
    return true;
  }
}

registerRootContext((id: u32): RootContext => new ByteCounterRoot(id), 'byte_counter');

export function proxy_on_new_connection(_contextId: u32): u32 {
  (connections as Counter).increment(1);
  return FilterStatusValues.Continue;
}

// Bytes from the client, before the next filter (the TCP proxy) sends them upstream.
export function proxy_on_downstream_data(_contextId: u32, size: u32, _endOfStream: u32): u32 {
  (downstreamBytes as Counter).increment(size);
  return FilterStatusValues.Continue;
}

// Bytes from the upstream, on their way back to the client.
export function proxy_on_upstream_data(_contextId: u32, size: u32, _endOfStream: u32): u32 {
  (upstreamBytes as Counter).increment(size);
  return FilterStatusValues.Continue;
}
