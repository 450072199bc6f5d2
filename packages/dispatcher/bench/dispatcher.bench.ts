// post() against queueMicrotask and setImmediate per callback (same thread), and cross-thread round
// trips and one-way posts against a bare MessagePort, all in one run.
import { MessageChannel, Worker } from 'node:worker_threads';
import {
  type BenchFigure,
  measureOpsPerSecond,
  reportBench,
  summarizeLatencies,
} from '@nuncio/bench-support';
import { createDispatcher, startWorkers } from '../src/index.ts';

const BATCH = 1000;
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 1000);
const figures: BenchFigure[] = [];

// ---- same thread: schedule BATCH callbacks, then wait until they have all run ----
const dispatcher = createDispatcher({ name: 'bench', monitorLoopDelay: false });
let ran = 0;
const callback = () => {
  ran++;
};

const postOps = await measureOpsPerSecond(
  () => {
    for (let i = 0; i < BATCH; i++) dispatcher.post(callback);
    return new Promise<void>((resolve) => dispatcher.post(resolve));
  },
  { durationMs, opsPerBatch: BATCH },
);
const microtaskOps = await measureOpsPerSecond(
  () => {
    for (let i = 0; i < BATCH; i++) queueMicrotask(callback);
    return new Promise<void>((resolve) => queueMicrotask(resolve));
  },
  { durationMs, opsPerBatch: BATCH },
);
const immediateOps = await measureOpsPerSecond(
  () => {
    for (let i = 0; i < BATCH; i++) setImmediate(callback);
    return new Promise<void>((resolve) => setImmediate(resolve));
  },
  { durationMs, opsPerBatch: BATCH },
);
if (ran === 0) throw new Error('callbacks did not run');
figures.push(
  {
    name: 'post() same thread',
    unit: 'callbacks/s',
    value: postOps,
    baseline: microtaskOps,
    baselineName: 'queueMicrotask',
    target: '>= 1x',
  },
  {
    name: 'post() same thread',
    unit: 'callbacks/s',
    value: postOps,
    baseline: immediateOps,
    baselineName: 'setImmediate',
    target: '>= 1x',
  },
);

// ---- cross thread: a runtime worker's dispatcher against a bare MessagePort echo ----
const pool = await startWorkers({
  concurrency: 1,
  modules: [new URL('./echo-module.ts', import.meta.url)],
});
const remote = pool.workers[0]!.dispatcher;

const raw = new Worker(new URL('./raw-echo-worker.ts', import.meta.url), { name: 'bench:raw' });
const { port1, port2 } = new MessageChannel();
raw.postMessage(port2, [port2]);
let settle: (value: unknown) => void = () => {};
port1.on('message', (value: unknown) => settle(value));
const rawRequest = (kind: number, value: unknown) =>
  new Promise<unknown>((resolve) => {
    settle = resolve;
    port1.postMessage({ kind, value });
  });
await rawRequest(0, 'warm');

const callLatencies: number[] = [];
const callOps = await measureOpsPerSecond(
  async () => {
    const start = performance.now();
    await remote.call('echo', 1);
    callLatencies.push((performance.now() - start) * 1000);
  },
  { durationMs },
);
const rawLatencies: number[] = [];
const rawOps = await measureOpsPerSecond(
  async () => {
    const start = performance.now();
    await rawRequest(0, 1);
    rawLatencies.push((performance.now() - start) * 1000);
  },
  { durationMs },
);
const callP50 = summarizeLatencies(callLatencies);
const rawP50 = summarizeLatencies(rawLatencies);
figures.push(
  {
    name: 'cross-thread round trip (call)',
    unit: 'round trips/s',
    value: callOps,
    baseline: rawOps,
    baselineName: 'MessagePort ping-pong',
    target: '>= 0.7x (one extra loop hop on the target)',
  },
  {
    name: 'cross-thread round trip p50',
    unit: 'µs',
    value: callP50.p50,
    baseline: rawP50.p50,
    baselineName: 'MessagePort ping-pong',
  },
  {
    name: 'cross-thread round trip p99',
    unit: 'µs',
    value: callP50.p99,
    baseline: rawP50.p99,
    baselineName: 'MessagePort ping-pong',
  },
);

// One-way: BATCH posts, then one round trip so that all of them have been handled.
const postCrossOps = await measureOpsPerSecond(
  async () => {
    for (let i = 0; i < BATCH; i++) remote.post('sink', i);
    await remote.call('received');
  },
  { durationMs, opsPerBatch: BATCH },
);
const rawPostOps = await measureOpsPerSecond(
  async () => {
    for (let i = 0; i < BATCH; i++) port1.postMessage({ kind: 1, value: i });
    await rawRequest(2, 0);
  },
  { durationMs, opsPerBatch: BATCH },
);
figures.push({
  name: 'cross-thread post (one way)',
  unit: 'messages/s',
  value: postCrossOps,
  baseline: rawPostOps,
  baselineName: 'MessagePort postMessage',
  target: '>= 0.8x',
});

await pool.shutdown();
port1.close();
await raw.terminate();
dispatcher.exit();

reportBench('dispatcher', figures);
