import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { threadNames, waitFor, withTimeout } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import {
  DispatcherErrorCode,
  startWorkers,
  type WorkerCrash,
  type WorkerInfo,
  type WorkerPool,
} from '../src/index.ts';
import type { FixtureData, FixtureHandlers } from './fixtures/worker-module.ts';

const workerModule = new URL('./fixtures/worker-module.ts', import.meta.url);

function sharedCounters() {
  const buffer = new SharedArrayBuffer(16);
  return { buffer, ints: new Int32Array(buffer) };
}

/** Runs `fn` with console.error captured; returns the captured lines. */
async function capturingConsoleError(fn: () => Promise<void>): Promise<string[]> {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => {
    lines.push(args.map((arg) => (arg instanceof Error ? arg.stack : String(arg))).join(' '));
  };
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return lines;
}

function osNames(): string[] {
  return threadNames().map((thread) => thread.name);
}

async function withPool(
  options: Parameters<typeof startWorkers>[0],
  fn: (pool: WorkerPool<FixtureHandlers>) => Promise<void>,
): Promise<void> {
  const pool = await startWorkers<FixtureHandlers>({ modules: [workerModule], ...options });
  try {
    await fn(pool);
  } finally {
    await pool.shutdown();
  }
}

describe('startWorkers', () => {
  it.runIf(process.platform === 'linux')(
    'names each worker thread wrk:worker_<i>, as seen in /proc',
    async () => {
      await withPool({ concurrency: 2 }, async (pool) => {
        const names = osNames();
        expect(names).toContain('wrk:worker_0');
        expect(names).toContain('wrk:worker_1');
        for (const worker of pool.workers) expect(names).toContain(worker.osThreadName);
      });
      await waitFor(() => !osNames().some((name) => name.startsWith('wrk:worker_')), {
        what: 'worker threads gone from /proc',
      });
    },
  );

  it('describes each worker and hands init its context', async () => {
    const { buffer, ints } = sharedCounters();
    const data: FixtureData = { counters: buffer };
    await withPool({ concurrency: 2, workerData: data }, async (pool) => {
      expect(pool.workers.map((worker) => worker.index)).toEqual([0, 1]);
      const [first, second] = pool.workers as [
        WorkerInfo<FixtureHandlers>,
        WorkerInfo<FixtureHandlers>,
      ];
      expect(first).toMatchObject({
        index: 0,
        name: 'worker_0',
        threadName: 'wrk:worker_0',
        osThreadName: 'wrk:worker_0',
        restarts: 0,
      });
      expect(first.threadId).not.toBe(second.threadId);
      expect(first.thread.threadId).toBe(first.threadId);
      const me = await second.dispatcher.call('whoAmI');
      expect(me).toMatchObject({
        name: 'worker_1',
        index: 1,
        threadId: second.threadId,
        currentName: 'worker_1',
      });
      expect((me.workerData as FixtureData).counters).toBeInstanceOf(SharedArrayBuffer);
      expect(Atomics.load(ints, 2)).toBe(2); // each worker ran init once
      const stats = await pool.loopStats();
      expect(stats.map((entry) => entry.dispatcher)).toEqual(['worker_0', 'worker_1']);
      expect(stats[0]?.utilization).toBeGreaterThanOrEqual(0);
    });
  });

  it('rejects bad options', async () => {
    await expect(startWorkers({ concurrency: 0 })).rejects.toMatchObject({
      code: DispatcherErrorCode.InvalidArgument,
      message: expect.stringContaining('concurrency'),
    });
    await expect(startWorkers({ modules: ['./relative.ts'] })).rejects.toMatchObject({
      code: DispatcherErrorCode.InvalidArgument,
      message: expect.stringContaining('modules[0]'),
    });
  });

  it.runIf(process.platform === 'linux')(
    'fails to start when a module init throws, naming the worker and ending the others',
    async () => {
      const { buffer } = sharedCounters();
      const error = await startWorkers({
        concurrency: 2,
        modules: [workerModule],
        workerData: { counters: buffer, failInitFor: 1 } satisfies FixtureData,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: DispatcherErrorCode.WorkerStartFailed,
        message: expect.stringMatching(/wrk:worker_1.*init failed on purpose in worker_1/),
      });
      await waitFor(() => !osNames().some((name) => name.startsWith('wrk:worker_')), {
        what: 'no worker threads left',
      });
    },
  );
});

describe('WorkerPool.shutdown', () => {
  it('lets each worker finish its queue and run its shutdown hooks, then exit', async () => {
    const { buffer, ints } = sharedCounters();
    const pool = await startWorkers<FixtureHandlers>({
      concurrency: 2,
      modules: [workerModule],
      workerData: { counters: buffer } satisfies FixtureData,
    });
    const exits: [string, number][] = [];
    pool.on('exit', (worker, code) => exits.push([worker.name, code]));
    // Queued right before the shutdown request: all of it must run before the workers exit.
    for (let i = 0; i < 500; i++) pool.workers[i % 2]?.dispatcher.post('count');
    const report = await withTimeout(pool.shutdown(), 10_000, 'shutdown');
    expect(Atomics.load(ints, 0)).toBe(500);
    expect(Atomics.load(ints, 1)).toBe(2);
    expect(report.workers).toEqual([
      { index: 0, name: 'worker_0', outcome: 'exited', exitCode: 0 },
      { index: 1, name: 'worker_1', outcome: 'exited', exitCode: 0 },
    ]);
    expect(exits.sort()).toEqual([
      ['worker_0', 0],
      ['worker_1', 0],
    ]);
    expect(pool.workers.every((worker) => worker.dispatcher.closed)).toBe(true);
    expect(await pool.shutdown()).toBe(report); // idempotent
  });

  it('terminates and reports a worker that does not exit in time', async () => {
    let report: Awaited<ReturnType<WorkerPool['shutdown']>> | undefined;
    const lines = await capturingConsoleError(async () => {
      const pool = await startWorkers<FixtureHandlers>({
        concurrency: 2,
        modules: [workerModule],
        shutdownTimeoutMs: 300,
      });
      // worker_1's loop is blocked far past the shutdown timeout.
      pool.workers[1]?.dispatcher.post('block', 20_000);
      report = await withTimeout(pool.shutdown(), 10_000, 'shutdown');
    });
    expect(report?.workers[0]).toMatchObject({ name: 'worker_0', outcome: 'exited' });
    expect(report?.workers[1]).toMatchObject({
      name: 'worker_1',
      outcome: 'terminated',
      error: { code: DispatcherErrorCode.WorkerShutdownTimeout },
    });
    expect(report?.workers[1]?.error?.message).toContain('wrk:worker_1');
    expect(lines.some((line) => line.includes('wrk:worker_1 did not exit within 300 ms'))).toBe(
      true,
    );
  });

  it('terminates a worker whose shutdown hook never settles', async () => {
    let report: Awaited<ReturnType<WorkerPool['shutdown']>> | undefined;
    await capturingConsoleError(async () => {
      const pool = await startWorkers<FixtureHandlers>({
        concurrency: 1,
        modules: [workerModule],
        shutdownTimeoutMs: 200,
        workerData: { hangOnShutdown: true } satisfies FixtureData,
      });
      report = await withTimeout(pool.shutdown(), 10_000, 'shutdown');
    });
    expect(report?.workers[0]?.outcome).toBe('terminated');
  });
});

describe('worker crashes', () => {
  it('reports a crash with the worker name, error and stack, and restarts it', async () => {
    const { buffer, ints } = sharedCounters();
    const crashes: WorkerCrash[] = [];
    const restarted: WorkerInfo<FixtureHandlers>[] = [];
    const lines = await capturingConsoleError(async () => {
      await withPool(
        { concurrency: 2, crashPolicy: 'restart', workerData: { counters: buffer } },
        async (pool) => {
          pool.on('crash', (crash) => crashes.push(crash));
          pool.on('restart', (info) => restarted.push(info));
          const before = pool.workers[0] as WorkerInfo<FixtureHandlers>;
          before.dispatcher.post('crashSoon', 'worker zero blew up');
          await waitFor(() => restarted.length === 1, { what: 'restart', timeoutMs: 10_000 });
          const after = pool.workers[0] as WorkerInfo<FixtureHandlers>;
          expect(after).toBe(restarted[0]);
          expect(after).toMatchObject({ index: 0, name: 'worker_0', restarts: 1 });
          expect(after.threadId).not.toBe(before.threadId);
          expect(before.dispatcher.closed).toBe(true);
          expect(await after.dispatcher.call('add', { a: 1, b: 1 })).toBe(2);
          expect(Atomics.load(ints, 2)).toBe(3); // init ran again in the new worker_0
          if (process.platform === 'linux') expect(osNames()).toContain('wrk:worker_0');
        },
      );
    });
    expect(crashes).toHaveLength(1);
    const crash = crashes[0] as WorkerCrash;
    expect(crash).toMatchObject({
      index: 0,
      name: 'worker_0',
      threadName: 'wrk:worker_0',
      action: 'restart',
      error: { code: DispatcherErrorCode.WorkerCrashed },
    });
    expect(crash.error.message).toContain('wrk:worker_0');
    expect((crash.cause as Error).message).toBe('worker zero blew up');
    expect((crash.cause as Error).stack).toContain('worker-module.ts');
    expect(
      lines.some(
        (line) => line.includes('wrk:worker_0 crashed') && line.includes('worker zero blew up'),
      ),
    ).toBe(true);
  });

  it('treats an exit nobody asked for as a crash', async () => {
    const crashes: WorkerCrash[] = [];
    await capturingConsoleError(async () => {
      await withPool({ concurrency: 1, crashPolicy: 'restart' }, async (pool) => {
        pool.on('crash', (crash) => crashes.push(crash));
        const restartedOnce = once(pool, 'restart');
        pool.workers[0]?.dispatcher.post('exitNow', 3);
        await withTimeout(restartedOnce, 10_000, 'restart');
      });
    });
    expect((crashes[0]?.cause as Error | undefined)?.message).toBe('exited with code 3');
  });

  it('leaves a worker down when it fails again while restarting', async () => {
    const { buffer } = sharedCounters();
    const crashes: WorkerCrash[] = [];
    await capturingConsoleError(async () => {
      await withPool(
        {
          concurrency: 1,
          crashPolicy: 'restart',
          workerData: { counters: buffer, failRestartFor: 0 },
        },
        async (pool) => {
          pool.on('crash', (crash) => crashes.push(crash));
          pool.workers[0]?.dispatcher.post('crashSoon', 'first crash');
          await waitFor(() => crashes.length === 2, { what: 'second crash', timeoutMs: 10_000 });
        },
      );
    });
    expect(crashes.map((crash) => crash.action)).toEqual(['restart', 'none']);
    expect((crashes[1]?.cause as Error | undefined)?.message).toContain(
      'restart init failed on purpose',
    );
  });

  it('ends the process with code 1 under crashPolicy "exit", naming the worker', async () => {
    const script = fileURLToPath(new URL('./fixtures/crash-exit-main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=@nuncio/source', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(stdout).toContain('crash event: wrk:worker_1 action=exit');
    expect(stdout).not.toContain('still alive');
    expect(stderr).toContain('wrk:worker_1 crashed');
    expect(stderr).toContain('worker one blew up');
  });
});
