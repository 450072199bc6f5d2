// Runs in a worker: times a plugin's instantiation on this thread (VM copy from the posted base
// VM, root context, on_vm_start, on_configure) against a bare `WebAssembly.Instance` of the module.
import { parentPort, workerData } from 'node:worker_threads';
import { summarizeLatencies } from '@nuncio/bench-support';
import { currentDispatcher } from '@nuncio/dispatcher';
import { SharedDataStore } from '@nuncio/shared-data';
import { WasmPluginCache, type WasmPluginDescriptor } from '../src/index.ts';
import { WasmApi } from '../src/webassembly-api.ts';

const { descriptor, store, rounds } = workerData as {
  descriptor: WasmPluginDescriptor;
  store: Parameters<typeof SharedDataStore.open>[0];
  rounds: number;
};
const env = {
  dispatcher: currentDispatcher(),
  sharedData: SharedDataStore.open(store),
  logger: { log() {}, level: () => 5 as const },
};

// Stub imports for the bare baseline: every import a no-op.
const stubs: Record<string, Record<string, () => number>> = {};
for (const entry of (
  globalThis as unknown as {
    WebAssembly: { Module: { imports(m: unknown): { module: string; name: string }[] } };
  }
).WebAssembly.Module.imports(descriptor.base.module)) {
  stubs[entry.module] ??= {};
  (stubs[entry.module] as Record<string, () => number>)[entry.name] = () => 0;
}

const plugin: number[] = [];
const bare: number[] = [];
for (let i = 0; i < rounds; i++) {
  let t = performance.now();
  const cache = new WasmPluginCache(env);
  const handle = cache.getOrCreate(descriptor);
  plugin.push(performance.now() - t);
  if (handle.failed) throw new Error('plugin failed to start in the benchmark worker');
  handle.release();
  cache.close();
  t = performance.now();
  new WasmApi.Instance(descriptor.base.module, stubs);
  bare.push(performance.now() - t);
}
parentPort?.postMessage({ plugin: summarizeLatencies(plugin), bare: summarizeLatencies(bare) });
env.dispatcher.exit();
