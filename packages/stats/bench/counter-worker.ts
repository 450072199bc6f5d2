// The measured side of bench/counter.ts, run in a worker thread: a stats counter increment
// against a plain JS number increment and a raw Atomics.add on an Int32Array, in one run.
import { parentPort, workerData } from 'node:worker_threads';
import { measureOpsPerSecond } from '@nuncio/bench-support';
import { StatsStore, type StatsStoreDescriptor } from '../src/index.ts';

const OPS = 20_000;
const ROUNDS = 5;

const store = StatsStore.open(workerData as StatsStoreDescriptor);
const scope = store.scopeFromStatName('cluster.backend');
const counter = scope.counterFromString('upstream_cx_total');
const gauge = scope.gaugeFromString('upstream_cx_active');
const histogram = scope.histogramFromString('upstream_rq_time', 'Milliseconds');
const raw = new Int32Array(new SharedArrayBuffer(64));
const holder = { count: 0 };

const subjects: Record<string, () => void> = {
  'counter.inc()': () => {
    for (let i = 0; i < OPS; i++) counter.inc();
  },
  'Atomics.add(Int32Array)': () => {
    for (let i = 0; i < OPS; i++) Atomics.add(raw, 0, 1);
  },
  'plain number ++': () => {
    for (let i = 0; i < OPS; i++) holder.count++;
  },
  'gauge.inc()': () => {
    for (let i = 0; i < OPS; i++) gauge.inc();
  },
  'histogram.recordValue()': () => {
    for (let i = 0; i < OPS; i++) histogram.recordValue(i & 1023);
  },
};

// Rounds alternate between subjects so drift on a shared machine hits all of them alike; the
// median of each subject's rounds is reported.
const results: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, batch] of Object.entries(subjects)) {
    const opsPerSecond = await measureOpsPerSecond(batch, {
      durationMs: 300,
      warmupMs: 100,
      opsPerBatch: OPS,
    });
    const list = results[name] ?? [];
    list.push(opsPerSecond);
    results[name] = list;
  }
}
const medians: Record<string, number> = {};
for (const [name, values] of Object.entries(results)) {
  const sorted = [...values].sort((a, b) => a - b);
  medians[name] = sorted[Math.floor(sorted.length / 2)] as number;
}
parentPort?.postMessage({ medians, check: counter.value() > 0 && holder.count > 0 });
store.close();
