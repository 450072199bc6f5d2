// Counter increment on a worker thread against a plain JS number increment and a raw
// Atomics.add on an Int32Array, in one run (target: within 2x of the raw Atomics.add).
import { Worker } from 'node:worker_threads';
import { reportBench } from '@nuncio/bench-support';
import { StatsStore } from '../src/index.ts';

const store = StatsStore.create({ maxStats: 64, maxThreads: 2 });
const worker = new Worker(new URL('./counter-worker.ts', import.meta.url), {
  workerData: store.descriptor,
  name: 'bench:stats',
});
const { medians, check } = await new Promise<{ medians: Record<string, number>; check: boolean }>(
  (resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  },
);
await worker.terminate();
if (!check) throw new Error('the benchmark loops did not run');

const atomics = medians['Atomics.add(Int32Array)'] as number;
const plain = medians['plain number ++'] as number;
const counter = medians['counter.inc()'] as number;
reportBench('stats-counter', [
  {
    name: 'counter.inc() on a worker',
    unit: 'ops/s',
    value: counter,
    baseline: atomics,
    baselineName: 'Atomics.add on Int32Array',
    target: '>= 0.5x (within 2x of raw Atomics.add)',
  },
  {
    name: 'counter.inc() on a worker',
    unit: 'ops/s',
    value: counter,
    baseline: plain,
    baselineName: 'plain JS number ++',
  },
  {
    name: 'gauge.inc() on a worker',
    unit: 'ops/s',
    value: medians['gauge.inc()'] as number,
    baseline: atomics,
    baselineName: 'Atomics.add on Int32Array',
  },
  {
    name: 'histogram.recordValue() on a worker',
    unit: 'ops/s',
    value: medians['histogram.recordValue()'] as number,
    baseline: atomics,
    baselineName: 'Atomics.add on Int32Array',
  },
]);
