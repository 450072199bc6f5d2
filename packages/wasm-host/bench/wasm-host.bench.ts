// Per-request cost of a plugin that reads one header and adds one (calls per second on one
// thread, against the same work in plain JavaScript), with the AssemblyScript SDK plugin and with
// a hand-written module, and the time to instantiate a plugin's VM copy on a worker (against a
// bare WebAssembly.Instance of the same module).
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { measureOpsPerSecond, reportBench } from '@nuncio/bench-support';
import { currentDispatcher } from '@nuncio/dispatcher';
import { SharedDataStore } from '@nuncio/shared-data';
import wabtInit from 'wabt';
import {
  FilterHeadersStatus,
  HeaderMapImpl,
  loadWasmPlugin,
  type StreamCallbacks,
  WasmPluginCache,
} from '../src/index.ts';

const code = readFileSync(new URL('../test/plugins/build/test-plugin.wasm', import.meta.url));
const env = {
  dispatcher: currentDispatcher(),
  sharedData: SharedDataStore.create(),
  logger: { log() {}, level: () => 5 as const },
};
const loaded = loadWasmPlugin({ name: 'bench', rootId: 'bench', vm: { vmId: 'bench', code } }, env);
const cache = new WasmPluginCache(env);
const plugin = cache.getOrCreate(loaded.descriptor);
const callbacks: StreamCallbacks = {
  failStream() {
    throw new Error('the benchmark plugin failed');
  },
};

// The same work in a hand-written module, without an SDK's bookkeeping: the host's own cost.
const wabt = await wabtInit();
const watModule = wabt.parseWat(
  'bench.wat',
  `(module
  (import "env" "proxy_get_header_map_value" (func $get (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "x-in")
  (data (i32.const 200) "x-out")
  (func (export "malloc") (param i32) (result i32) (i32.const 8192))
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
    (drop (call $get (i32.const 0) (i32.const 100) (i32.const 4) (i32.const 0) (i32.const 4)))
    (drop (call $add (i32.const 0) (i32.const 200) (i32.const 5) (i32.load (i32.const 0)) (i32.load (i32.const 4))))
    (i32.const 0)))`,
);
const watCode = watModule.toBinary({}).buffer;
watModule.destroy();
const watLoaded = loadWasmPlugin(
  { name: 'bench-wat', vm: { vmId: 'bench-wat', code: watCode } },
  env,
);
const watPlugin = cache.getOrCreate(watLoaded.descriptor);

const BATCH = 1000;
let sink = 0;
function pluginBatch(): void {
  for (let i = 0; i < BATCH; i++) {
    const headers = new HeaderMapImpl([
      [':path', '/'],
      ['x-in', 'value'],
    ]);
    const stream = plugin.createStream(callbacks);
    if (stream.onRequestHeaders(headers, true) !== FilterHeadersStatus.Continue) sink++;
    stream.onDestroy();
    sink += headers.size;
  }
}
function watBatch(): void {
  for (let i = 0; i < BATCH; i++) {
    const headers = new HeaderMapImpl([
      [':path', '/'],
      ['x-in', 'value'],
    ]);
    const stream = watPlugin.createStream(callbacks);
    if (stream.onRequestHeaders(headers, true) !== FilterHeadersStatus.Continue) sink++;
    stream.onDestroy();
    sink += headers.size;
  }
}
function jsBatch(): void {
  for (let i = 0; i < BATCH; i++) {
    const headers = new HeaderMapImpl([
      [':path', '/'],
      ['x-in', 'value'],
    ]);
    const value = headers.get('x-in');
    headers.add('x-out', value ?? '');
    sink += headers.size;
  }
}

const options = { durationMs: 2000, warmupMs: 500, opsPerBatch: BATCH };
const wasmRate = await measureOpsPerSecond(pluginBatch, options);
const watRate = await measureOpsPerSecond(watBatch, options);
const jsRate = await measureOpsPerSecond(jsBatch, options);

const rounds = 30;
const worker = new Worker(new URL('./instantiate-worker.ts', import.meta.url), {
  workerData: { descriptor: loaded.descriptor, store: env.sharedData.descriptor(), rounds },
});
const timings = await new Promise<{
  plugin: { p50: number; mean: number };
  bare: { p50: number; mean: number };
}>((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
});
await worker.terminate();

reportBench('wasm-host', [
  {
    name: 'request: read + add one header (plugin)',
    unit: 'ops/s',
    value: wasmRate,
    baseline: jsRate,
    baselineName: 'same work in plain JS',
  },
  {
    name: 'request: read + add one header (WAT plugin)',
    unit: 'ops/s',
    value: watRate,
    baseline: jsRate,
    baselineName: 'same work in plain JS',
  },
  {
    name: 'plugin instantiate on a worker (p50)',
    unit: 'ms',
    value: timings.plugin.p50,
    baseline: timings.bare.p50,
    baselineName: 'bare WebAssembly.Instance',
  },
  {
    name: 'plugin instantiate on a worker (mean)',
    unit: 'ms',
    value: timings.plugin.mean,
    baseline: timings.bare.mean,
    baselineName: 'bare WebAssembly.Instance',
  },
]);
if (sink < 0) console.log(sink);
plugin.release();
watPlugin.release();
cache.close();
loaded.release();
watLoaded.release();
env.dispatcher.exit();
