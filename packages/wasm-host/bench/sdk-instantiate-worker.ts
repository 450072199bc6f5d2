// Runs in a fresh worker for one plugin: instantiates `copies` VM copies of the posted base VM
// (each in its own plugin cache, as each worker thread of a proxy would hold one), sends one
// request through each, and reports instantiate times, the first request's time on a fresh copy,
// each copy's linear memory and the process's memory growth per copy. The same number of bare
// `WebAssembly.Instance`s of the module (no start, no request) is timed as the baseline.
import { parentPort, workerData } from 'node:worker_threads';
import { type LatencySummary, summarizeLatencies } from '@nuncio/bench-support';
import { currentDispatcher } from '@nuncio/dispatcher';
import { SharedDataStore } from '@nuncio/shared-data';
import {
  HeaderMapImpl,
  type StreamCallbacks,
  type WasmPlugin,
  WasmPluginCache,
  type WasmPluginDescriptor,
} from '../src/index.ts';
import { WasmApi } from '../src/webassembly-api.ts';

/** What the worker posts back. */
export interface InstantiateFigures {
  readonly instantiate: LatencySummary;
  readonly bare: LatencySummary;
  readonly firstRequest: LatencySummary;
  /** One copy's linear memory after its first request, bytes. */
  readonly linearMemory: number;
  /** Process RSS growth per copy (after GC), bytes. */
  readonly rssPerCopy: number;
}

const { descriptor, store, copies } = workerData as {
  descriptor: WasmPluginDescriptor;
  store: Parameters<typeof SharedDataStore.open>[0];
  copies: number;
};
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const env = {
  dispatcher: currentDispatcher(),
  sharedData: SharedDataStore.open(store),
  logger: { log() {}, level: () => 5 as const },
};
const callbacks: StreamCallbacks = {
  failStream() {
    throw new Error('the benchmark plugin failed');
  },
};

// Baseline first (and dropped before memory is measured): bare instances with every import a
// no-op, nothing run.
const stubs: Record<string, Record<string, () => number>> = {};
for (const entry of (
  globalThis as unknown as {
    WebAssembly: { Module: { imports(m: unknown): { module: string; name: string }[] } };
  }
).WebAssembly.Module.imports(descriptor.base.module)) {
  stubs[entry.module] ??= {};
  (stubs[entry.module] as Record<string, () => number>)[entry.name] = () => 0;
}
const bare: number[] = [];
for (let i = 0; i < copies; i++) {
  const t = performance.now();
  new WasmApi.Instance(descriptor.base.module, stubs);
  bare.push(performance.now() - t);
}

const held: { cache: WasmPluginCache; plugin: WasmPlugin }[] = [];
const instantiate: number[] = [];
const firstRequest: number[] = [];
gc();
const before = process.memoryUsage();
for (let i = 0; i < copies; i++) {
  let t = performance.now();
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  instantiate.push(performance.now() - t);
  if (plugin.failed) throw new Error(`plugin failed to start: ${plugin.error?.message}`);
  t = performance.now();
  const stream = plugin.createStream(callbacks);
  stream.onRequestHeaders(
    new HeaderMapImpl([
      [':path', '/'],
      ['x-in', 'value'],
    ]),
    true,
  );
  stream.onLog();
  stream.onDestroy();
  firstRequest.push(performance.now() - t);
  held.push({ cache, plugin });
}
gc();
const after = process.memoryUsage();

// One copy's linear memory, through the cache's internal view of its VM.
const probe = held[0]?.cache.acquire(descriptor);
const linearMemory = probe?.vm?.memory.size ?? 0;
if (probe !== undefined) held[0]?.cache.releaseInstance(probe, descriptor);

const figures: InstantiateFigures = {
  instantiate: summarizeLatencies(instantiate),
  bare: summarizeLatencies(bare),
  firstRequest: summarizeLatencies(firstRequest),
  linearMemory,
  rssPerCopy: (after.rss - before.rss) / copies,
};
for (const { cache, plugin } of held) {
  plugin.release();
  cache.close();
}
parentPort?.postMessage(figures);
env.dispatcher.exit();
