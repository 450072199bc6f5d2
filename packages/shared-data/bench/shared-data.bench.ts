// Throughput of get/set from 1, 2 and 4 threads, uniform keys and one hot key: the striped store
// against a baseline that copies Envoy's design, measured in the same run. The baseline is this
// same store built with one stripe, so it has Envoy's one global lock and one global cas counter
// and everything else (hashing, memory layout, copies) is identical: the ratio isolates the
// locking design. Each figure is the median of several alternating rounds, since the machine is
// shared.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { type BenchFigure, reportBench } from '@nuncio/bench-support';
import { SharedDataStore } from '../src/index.ts';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 1000);
const WARMUP_MS = 300;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GETS_PER_SET = 3; // 75% get, 25% set
const THREADS = [1, 2, 4];
const UNIFORM_KEYS = Array.from({ length: 1000 }, (_, i) => `key-${i}`);
const HOT_KEY = ['hot'];

async function measure(stripes: number, keys: string[], threads: number): Promise<number> {
  const store = SharedDataStore.create({ maxKeys: 4096, maxBytes: 1 << 20, stripes });
  for (const key of keys) store.set('vm', key, new Uint8Array(16));
  const control = new Int32Array(new SharedArrayBuffer(4 * 80));
  const workers = Array.from(
    { length: threads },
    (_, index) =>
      new Worker(new URL('./bench-worker.ts', import.meta.url), {
        workerData: {
          descriptor: store.descriptor(),
          control,
          index,
          keys,
          getsPerSet: GETS_PER_SET,
          seed: 0x9e3779b9 * (index + 1),
        },
      }),
  );
  while (Atomics.load(control, 65) < threads) await sleep(5);
  Atomics.store(control, 0, 1);
  Atomics.notify(control, 0);
  await sleep(WARMUP_MS);
  Atomics.store(control, 0, 2);
  const start = performance.now();
  await sleep(DURATION_MS);
  Atomics.store(control, 0, 3);
  const elapsed = performance.now() - start;
  await Promise.all(workers.map((w) => once(w, 'exit')));
  let ops = 0;
  for (let i = 0; i < threads; i++) ops += Atomics.load(control, 1 + i);
  store.close();
  return (ops * 1000) / elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const figures: BenchFigure[] = [];
for (const [label, keys] of [
  ['uniform keys', UNIFORM_KEYS],
  ['one hot key', HOT_KEY],
] as const) {
  for (const threads of THREADS) {
    const striped: number[] = [];
    const global: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so drift in machine load does not favour one.
      if (round % 2 === 0) {
        striped.push(await measure(64, keys, threads));
        global.push(await measure(1, keys, threads));
      } else {
        global.push(await measure(1, keys, threads));
        striped.push(await measure(64, keys, threads));
      }
    }
    figures.push({
      name: `get/set 75/25, ${label}, ${threads} thread${threads > 1 ? 's' : ''}`,
      unit: 'ops/s',
      value: median(striped),
      baseline: median(global),
      baselineName: 'one global lock',
      target:
        label === 'uniform keys' ? (threads === 1 ? '>= 1x (no worse)' : '>= 2x') : 'reported',
    });
  }
}
reportBench('shared-data get/set throughput', figures);
