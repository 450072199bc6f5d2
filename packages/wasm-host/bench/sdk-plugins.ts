// The cost of SDK-built plugins in the host, per SDK: compiling the base VM on the main thread,
// instantiating a VM copy on a worker (Envoy runs one per plugin per worker), the first request
// on a fresh copy, and memory per copy. Subjects: the Go SDK and Rust SDK header-and-body plugin
// (test/plugins/{go,rust}/http_rewrite) and the AssemblyScript test plugin; SDKs whose toolchain
// is missing are left out. Compile and memory are compared with the AssemblyScript plugin,
// instantiation with a bare WebAssembly.Instance of the same module.
//
// Run with --expose-gc (the package's bench script does) so memory is measured after collection.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type BenchFigure, reportBench, summarizeLatencies } from '@nuncio/bench-support';
import { currentDispatcher } from '@nuncio/dispatcher';
import { SharedDataStore } from '@nuncio/shared-data';
import { compileBaseVm, loadWasmPlugin, type WasmPluginOptions } from '../src/index.ts';
import type { InstantiateFigures } from './sdk-instantiate-worker.ts';

const COMPILE_ROUNDS = 5;
const COPIES = 12;
const MiB = 1024 * 1024;

interface Subject {
  readonly name: string;
  readonly options: WasmPluginOptions;
}

const build = new URL('../test/plugins/build/', import.meta.url);
const status = JSON.parse(readFileSync(new URL('sdk/status.json', build), 'utf8')) as Record<
  string,
  { state: string; reason?: string }
>;
const subjects: Subject[] = [
  {
    name: 'AssemblyScript',
    options: {
      name: 'as',
      rootId: 'headers',
      vm: { vmId: 'bench-as', code: readFileSync(new URL('test-plugin.wasm', build)) },
    },
  },
];
for (const [sdk, title] of [
  ['go', 'Go SDK'],
  ['rust', 'Rust SDK'],
] as const) {
  if (status[sdk]?.state !== 'built') {
    console.log(`${title} left out: ${status[sdk]?.reason ?? 'not built'}`);
    continue;
  }
  subjects.push({
    name: title,
    options: {
      name: sdk,
      vm: {
        vmId: `bench-${sdk}`,
        code: readFileSync(new URL(`sdk/${sdk}/http_rewrite.wasm`, build)),
      },
    },
  });
}

/** `code` with a custom section appended: other bytes, so V8's module cache cannot answer. */
function variant(code: Uint8Array, round: number): Uint8Array {
  const name = new TextEncoder().encode(`nuncio-bench-${round}-${Math.random()}`);
  const out = new Uint8Array(code.length + 3 + name.length);
  out.set(code, 0);
  out.set([0, 1 + name.length, name.length], code.length);
  out.set(name, code.length + 3);
  return out;
}

const env = {
  dispatcher: currentDispatcher(),
  sharedData: SharedDataStore.create(),
  logger: { log() {}, level: () => 5 as const },
};

interface Measured {
  readonly subject: Subject;
  readonly size: number;
  readonly compile: number;
  readonly load: number;
  readonly worker: InstantiateFigures;
}

const measured: Measured[] = [];
for (const subject of subjects) {
  const code = subject.options.vm.code;
  const compile: number[] = [];
  for (let i = 0; i < COMPILE_ROUNDS; i++) {
    const bytes = variant(code, i);
    const t = performance.now();
    compileBaseVm(bytes, 'bench', 'envoy.wasm.runtime.v8', new Uint8Array(0), []);
    compile.push(performance.now() - t);
  }
  // The whole main-thread load: compile, validate, and the start-up check on a throwaway copy.
  const t = performance.now();
  const loaded = loadWasmPlugin(
    { ...subject.options, vm: { ...subject.options.vm, code: variant(code, 99) } },
    env,
  );
  const load = performance.now() - t;
  const worker = new Worker(new URL('./sdk-instantiate-worker.ts', import.meta.url), {
    workerData: {
      descriptor: loaded.descriptor,
      store: env.sharedData.descriptor(),
      copies: COPIES,
    },
  });
  const figures = await new Promise<InstantiateFigures>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  loaded.release();
  measured.push({
    subject,
    size: code.length,
    compile: summarizeLatencies(compile).p50,
    load,
    worker: figures,
  });
}

const as = measured[0] as Measured;
const rows: BenchFigure[] = [];
for (const m of measured) {
  const vsAs = m === as ? null : undefined;
  const against = (value: number) => (vsAs === null ? null : value);
  rows.push(
    {
      name: `${m.subject.name}: module size`,
      unit: 'KiB',
      value: m.size / 1024,
      baseline: against(as.size / 1024),
      baselineName: 'AssemblyScript',
    },
    {
      name: `${m.subject.name}: compile on main (p50)`,
      unit: 'ms',
      value: m.compile,
      baseline: against(as.compile),
      baselineName: 'AssemblyScript',
    },
    {
      name: `${m.subject.name}: loadWasmPlugin on main`,
      unit: 'ms',
      value: m.load,
      baseline: against(as.load),
      baselineName: 'AssemblyScript',
    },
    {
      name: `${m.subject.name}: instantiate on a worker (p50)`,
      unit: 'ms',
      value: m.worker.instantiate.p50,
      baseline: m.worker.bare.p50,
      baselineName: 'bare WebAssembly.Instance',
    },
    {
      name: `${m.subject.name}: first request on a new copy (p50)`,
      unit: 'ms',
      value: m.worker.firstRequest.p50,
      baseline: against(as.worker.firstRequest.p50),
      baselineName: 'AssemblyScript',
    },
    {
      name: `${m.subject.name}: linear memory per copy`,
      unit: 'MiB',
      value: m.worker.linearMemory / MiB,
      baseline: against(as.worker.linearMemory / MiB),
      baselineName: 'AssemblyScript',
    },
    {
      name: `${m.subject.name}: process RSS per copy`,
      unit: 'MiB',
      value: m.worker.rssPerCopy / MiB,
      baseline: against(as.worker.rssPerCopy / MiB),
      baselineName: 'AssemblyScript',
    },
  );
}
reportBench('wasm-host-sdk-plugins', rows);
env.dispatcher.exit();
