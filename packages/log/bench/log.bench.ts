// Micro benchmark: a component logger (level read from shared memory on every call) against a
// plain pino child logger (level fixed in the instance), in the same run. Both write the same
// lines to /dev/null through pino's asynchronous destination, and each enabled batch waits until
// its lines are written, so neither side is measured against a growing buffer.

import { hostname } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import type { BenchFigure } from '@nuncio/bench-support';
import { measureOpsPerSecond, reportBench } from '@nuncio/bench-support';
import { createLogRegistry } from '@nuncio/log';
import { pino } from 'pino';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 700);
const warmupMs = 300;
const DISABLED_BATCH = 10_000;
const ENABLED_BATCH = 256;

const registry = createLogRegistry({ level: 'info', logPath: '/dev/null' });
const subject = registry.getLogger('upstream');
// Four loggers taken in turn, so the JIT cannot hoist a level check out of the loop: the figure
// is the cost of one call as data-path code makes it.
const COMPONENTS = ['upstream', 'connection', 'pool', 'router'] as const;
const subjects = COMPONENTS.map((c) => registry.getLogger(c));

const destination = pino.destination({ dest: '/dev/null', sync: false });
// The same bound fields as a component logger's lines, so both write the same bytes.
const root = pino(
  { level: 'info', base: { pid: process.pid, hostname: hostname(), thread: 'main_thread' } },
  destination,
);
const baseline = root.child({ component: 'upstream' });
const baselines = COMPONENTS.map((component) => root.child({ component }));

// Same shape of call on both sides: a merge object, a format string and one argument.
const host = { address: '10.0.0.1', port: 8080 };

function disabledSubject(): void {
  for (let i = 0; i < DISABLED_BATCH; i++) subjects[i & 3]!.debug(host, 'adding host %s', 'h1');
}

function disabledBaseline(): void {
  for (let i = 0; i < DISABLED_BATCH; i++) baselines[i & 3]!.debug(host, 'adding host %s', 'h1');
}

async function enabledSubject(): Promise<void> {
  for (let i = 0; i < ENABLED_BATCH; i++) subject.info(host, 'adding host %s', 'h1');
  await registry.flush();
}

function destinationIdle(): Promise<void> {
  const state = destination as unknown as { _writing: boolean; _len: number };
  if (!state._writing && state._len === 0) return Promise.resolve();
  return new Promise((resolve) => destination.once('drain', () => resolve()));
}

async function enabledBaseline(): Promise<void> {
  for (let i = 0; i < ENABLED_BATCH; i++) baseline.info(host, 'adding host %s', 'h1');
  await destinationIdle();
}

/** Garbage collections while `batch` runs `times` times (0 when the calls allocate nothing). */
async function collectionsDuring(batch: () => void, times: number): Promise<number> {
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < times; i++) batch();
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return collections;
}

const figures: BenchFigure[] = [];
const options = { durationMs, warmupMs };

/** Best of two rounds per side, alternating sides, so warm-up order and drift hit both. */
async function compare(
  subjectBatch: () => unknown,
  baselineBatch: () => unknown,
  opsPerBatch: number,
): Promise<[number, number]> {
  let ours = 0;
  let theirs = 0;
  for (let round = 0; round < 2; round++) {
    theirs = Math.max(
      theirs,
      await measureOpsPerSecond(baselineBatch, { ...options, opsPerBatch }),
    );
    ours = Math.max(ours, await measureOpsPerSecond(subjectBatch, { ...options, opsPerBatch }));
  }
  return [ours, theirs];
}

const [disabledOurs, disabledBase] = await compare(
  disabledSubject,
  disabledBaseline,
  DISABLED_BATCH,
);
figures.push({
  name: 'debug() at info (disabled)',
  unit: 'ops/s',
  value: disabledOurs,
  baseline: disabledBase,
  baselineName: 'pino child, level fixed',
});

const [enabledOurs, enabledBase] = await compare(enabledSubject, enabledBaseline, ENABLED_BATCH);
figures.push({
  name: 'info() at info (written)',
  unit: 'ops/s',
  value: enabledOurs,
  baseline: enabledBase,
  baselineName: 'pino child, level fixed',
});

const calls = 2000;
figures.push({
  name: `GCs in ${(calls * DISABLED_BATCH).toExponential(0)} disabled calls`,
  unit: 'count',
  value: await collectionsDuring(disabledSubject, calls),
  baseline: await collectionsDuring(disabledBaseline, calls),
  baselineName: 'pino child',
  ratio: null,
});

reportBench('log', figures);
await registry.close();
destination.end();
