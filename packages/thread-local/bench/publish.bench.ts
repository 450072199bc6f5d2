// Publishing endpoint snapshots to worker threads: structured clone of plain objects (the
// baseline) against a SharedTable the workers read in place, for 100, 10,000 and 100,000 endpoints
// and 1, 2 and 4 workers. For each: publish-to-applied-on-all-threads latency, from the moment main
// starts encoding to the moment every worker has applied the snapshot (p50, p99); main's busy time
// per publish (its synchronous steps: the build slices and the publish() call, which is where a
// structured clone serialises the snapshot once per worker); and the longest of those steps, the
// longest main's event loop was blocked by publishing (p99 and max). All are wall times: on a
// shared machine they include the OS giving the core to someone else (thread CPU time would not,
// but Linux counts it in 4 ms ticks). The event-loop delay monitor's maximum is printed too.
//
// Run: pnpm --filter @nuncio/thread-local bench

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { type BenchFigure, reportBench, summarizeLatencies } from '@nuncio/bench-support';
import { startWorkers } from '@nuncio/dispatcher';
import { createThreadLocal, SharedTable, threadLocalWorkerModule } from '../src/index.ts';
import {
  type EndpointSnapshot,
  endpointSchema,
  endpointTable,
  makeEndpoints,
} from './endpoint-table.ts';

type Encoding = 'clone' | 'shared';

/** Above this many rows, main builds the table in slices of at most `SLICE_MS`. */
const ASYNC_BUILD_ROWS = 4096;
const SLICE_MS = 1;
const SIZES = [100, 10_000, 100_000];
const WORKER_COUNTS = [1, 2, 4];
const WARMUP = 3;

function iterationsFor(size: number): number {
  return size >= 100_000 ? 10 : size >= 10_000 ? 30 : 60;
}

interface CaseResult {
  /** From the start of encoding to applied on every thread, per publish (ms). */
  e2e: number[];
  /** Main's busy time per publish: the sum of its synchronous steps (ms). */
  mainBusy: number[];
  /** Every synchronous step of main's publishing: build slices and publish() calls (ms). */
  steps: number[];
  /** The event-loop delay monitor's maximum on main over the run (ms). */
  maxLoopDelayMs: number;
  /** The slot's own figure: from the publish() call to applied everywhere (ms). */
  publishToApplied: number[];
}

async function runCase(size: number, workers: number, encoding: Encoding): Promise<CaseResult> {
  const pool = await startWorkers({
    concurrency: workers,
    modules: [threadLocalWorkerModule, new URL('./endpoint-table.ts', import.meta.url)],
  });
  const tls = createThreadLocal();
  const endpoints = makeEndpoints(size);
  const result: CaseResult = {
    e2e: [],
    mainBusy: [],
    steps: [],
    maxLoopDelayMs: 0,
    publishToApplied: [],
  };
  const delay = monitorEventLoopDelay({ resolution: 1 });
  try {
    await tls.registerWorkers(pool);
    const slot = tls.allocateSlot().set(endpointTable);
    const iterations = iterationsFor(size);
    for (let i = 0; i < WARMUP + iterations; i++) {
      await sleep(5); // let the workers settle: publishes do not overlap
      const measured = i >= WARMUP;
      if (measured) delay.enable();
      const start = performance.now();
      const steps: number[] = [];
      let snapshot: EndpointSnapshot;
      if (encoding === 'clone') {
        snapshot = { encoding, endpoints };
      } else {
        // SharedTable.buildAsync, with each step timed: small tables in one step, large ones in
        // slices with a turn of the loop between them.
        const builder = SharedTable.builder(endpointSchema, endpoints);
        const sliceMs = size > ASYNC_BUILD_ROWS ? SLICE_MS : undefined;
        let table: SharedTable<typeof endpointSchema> | null = null;
        while (table === null) {
          const stepStart = performance.now();
          table = builder.step(sliceMs);
          steps.push(performance.now() - stepStart);
          if (table === null) await nextTurn();
        }
        snapshot = { encoding, table: table.data };
      }
      const publishStart = performance.now();
      const version = slot.publish(snapshot);
      steps.push(performance.now() - publishStart);
      const report = await slot.whenApplied(version);
      const end = performance.now();
      if (measured) {
        delay.disable();
        result.e2e.push(end - start);
        result.mainBusy.push(steps.reduce((sum, step) => sum + step, 0));
        result.steps.push(...steps);
        result.publishToApplied.push(report.publishToAppliedMs ?? Number.NaN);
      }
    }
    result.maxLoopDelayMs = delay.max / 1e6;
    // Check that every worker did take the snapshot in.
    const stats = slot.snapshotStats();
    if (stats.threads.some((thread) => thread.version !== stats.published)) {
      throw new Error(`not every thread holds version ${stats.published}`);
    }
  } finally {
    tls.shutdownGlobalThreading();
    await pool.shutdown();
    tls.shutdownThread();
  }
  return result;
}

const figures: BenchFigure[] = [];
const lines: string[] = [];
for (const size of SIZES) {
  for (const workers of WORKER_COUNTS) {
    const clone = await runCase(size, workers, 'clone');
    const shared = await runCase(size, workers, 'shared');
    const c = summarizeLatencies(clone.e2e);
    const s = summarizeLatencies(shared.e2e);
    const cBusy = summarizeLatencies(clone.mainBusy);
    const sBusy = summarizeLatencies(shared.mainBusy);
    const cSteps = summarizeLatencies(clone.steps);
    const sSteps = summarizeLatencies(shared.steps);
    const label = `${size.toLocaleString('en-US')} endpoints, ${workers} worker${workers > 1 ? 's' : ''}`;
    const isTarget = size === 10_000 && workers === 4;
    const base = { unit: 'ms', baselineName: 'structured clone' };
    figures.push(
      { ...base, name: `${label}: applied p50`, value: s.p50, baseline: c.p50 },
      {
        ...base,
        name: `${label}: applied p99`,
        value: s.p99,
        baseline: c.p99,
        ...(isTarget ? { target: '< 20 ms' } : {}),
      },
      { ...base, name: `${label}: main busy per publish`, value: sBusy.mean, baseline: cBusy.mean },
      { ...base, name: `${label}: main step p99`, value: sSteps.p99, baseline: cSteps.p99 },
      {
        ...base,
        name: `${label}: main step max`,
        value: sSteps.max,
        baseline: cSteps.max,
        ...(isTarget ? { target: '< 5 ms' } : {}),
      },
    );
    const p99 = (samples: number[]) => summarizeLatencies(samples).p99.toFixed(2);
    lines.push(
      `${label}: publish()→applied p99 shared ${p99(shared.publishToApplied)} ms, clone ${p99(clone.publishToApplied)} ms; loop delay max shared ${shared.maxLoopDelayMs.toFixed(1)} ms, clone ${clone.maxLoopDelayMs.toFixed(1)} ms`,
    );
  }
}
reportBench('thread-local publish', figures);
for (const line of lines) console.log(line);
