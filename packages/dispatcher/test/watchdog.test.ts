import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { threadNames, waitFor } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { describeVerdict, GuardLogic } from '../src/guard-logic.ts';
import {
  bufferBytes,
  fieldIndex,
  H_CAPACITY,
  S_GENERATION,
  S_MEGA_MISS,
  S_MISS,
  S_STATE,
  S_TOUCHED,
  writeName,
} from '../src/heartbeat-layout.ts';
import {
  DispatcherErrorCode,
  defaultWatchdogConfig,
  startGuardDog,
  startWorkers,
} from '../src/index.ts';
import { guardLoopIntervalMs, resolveWatchdogConfig } from '../src/watchdog-config.ts';
import type { FixtureHandlers } from './fixtures/worker-module.ts';

/** A heartbeat table with `names` watched in slots 1..n, for driving the guard logic by hand. */
function table(names: string[]) {
  const capacity = names.length + 1;
  const buffer = new SharedArrayBuffer(bufferBytes(capacity));
  const ints = new Int32Array(buffer);
  ints[H_CAPACITY] = capacity;
  names.forEach((name, i) => {
    const slot = i + 1;
    writeName(ints, slot, name);
    ints[fieldIndex(slot, S_GENERATION)] = 1;
    ints[fieldIndex(slot, S_STATE)] = 1;
  });
  return {
    buffer,
    capacity,
    touch: (slot: number) => {
      ints[fieldIndex(slot, S_TOUCHED)] = 1;
    },
    misses: (slot: number) => [ints[fieldIndex(slot, S_MISS)], ints[fieldIndex(slot, S_MEGA_MISS)]],
    setState: (slot: number, state: number) => {
      ints[fieldIndex(slot, S_STATE)] = state;
    },
    bumpGeneration: (slot: number) => {
      Atomics.add(ints, fieldIndex(slot, S_GENERATION), 1);
    },
  };
}

describe('GuardLogic (Envoy guard dog step)', () => {
  const config = { ...defaultWatchdogConfig, missTimeout: 100, megamissTimeout: 500 };

  it('counts one miss and one mega-miss per stuck episode', () => {
    const t = table(['worker_0', 'worker_1']);
    const logic = new GuardLogic(t.buffer, 1, t.capacity, config);
    expect(logic.step(0)).toBeNull(); // first sight: the watch starts now
    for (let now = 50; now <= 1000; now += 50) {
      t.touch(2); // worker_1 keeps touching; worker_0 is stuck
      expect(logic.step(now)).toBeNull();
    }
    expect(t.misses(1)).toEqual([1, 1]);
    expect(t.misses(2)).toEqual([0, 0]);
    // worker_0 recovers, then gets stuck again: a second episode counts again.
    t.touch(1);
    logic.step(1050);
    for (let now = 1100; now <= 1300; now += 50) logic.step(now);
    expect(t.misses(1)).toEqual([2, 1]);
  });

  it('ignores inactive slots and restarts the watch of a slot taken by a new thread', () => {
    const t = table(['worker_0']);
    const logic = new GuardLogic(t.buffer, 1, t.capacity, config);
    logic.step(0);
    t.setState(1, 0);
    logic.step(1000);
    expect(t.misses(1)).toEqual([0, 0]);
    t.setState(1, 1);
    t.bumpGeneration(1); // a restarted worker: not stuck since time 0
    logic.step(1050);
    expect(t.misses(1)).toEqual([0, 0]);
    logic.step(1200);
    expect(t.misses(1)).toEqual([1, 0]);
  });

  it('decides to kill past killTimeout, naming the thread', () => {
    const t = table(['worker_0', 'worker_1']);
    const logic = new GuardLogic(t.buffer, 1, t.capacity, { ...config, killTimeout: 300 });
    logic.step(0);
    t.touch(1);
    expect(logic.step(200)).toBeNull();
    t.touch(1);
    const verdict = logic.step(350);
    expect(verdict).toMatchObject({
      kind: 'kill',
      timeoutMs: 300,
      threads: [{ name: 'worker_1' }],
    });
    expect(describeVerdict('dog:workers_guard', verdict!, 'SIGABRT')).toMatch(
      /dog:workers_guard: worker_1 \(stuck 350 ms\) made no progress past kill_timeout 300 ms; ending the process with SIGABRT/,
    );
  });

  it('multikills only when at least two threads and the threshold share are stuck', () => {
    const names = ['worker_0', 'worker_1', 'worker_2', 'worker_3'];
    const multi = { ...config, multikillTimeout: 300, multikillThreshold: 75 };
    const t = table(names);
    const logic = new GuardLogic(t.buffer, 1, t.capacity, multi);
    logic.step(0);
    // Two of four stuck: 50 % < 75 %.
    t.touch(3);
    t.touch(4);
    expect(logic.step(400)).toBeNull();
    // worker_2 stops touching too: three of four stuck past the timeout, 75 %.
    t.touch(4);
    const verdict = logic.step(750);
    expect(verdict?.kind).toBe('multikill');
    expect(verdict?.threads.map((thread) => thread.name)).toEqual([
      'worker_0',
      'worker_1',
      'worker_2',
    ]);

    // Threshold 0 still needs two threads (Envoy's floor).
    const one = table(['worker_0', 'worker_1']);
    const lone = new GuardLogic(one.buffer, 1, one.capacity, { ...multi, multikillThreshold: 0 });
    lone.step(0);
    one.touch(2);
    expect(lone.step(400)).toBeNull();
  });
});

describe('watchdog config', () => {
  it("fills in Envoy's defaults and checks every field", () => {
    expect(resolveWatchdogConfig(undefined, 'w')).toEqual({
      missTimeout: 200,
      megamissTimeout: 1000,
      killTimeout: 0,
      multikillTimeout: 0,
      multikillThreshold: 0,
    });
    expect(guardLoopIntervalMs(resolveWatchdogConfig({ killTimeout: 50 }, 'w'))).toBe(50);
    expect(() => resolveWatchdogConfig({ missTimeout: 0 }, 'watchdogs.workerWatchdog')).toThrow(
      expect.objectContaining({
        code: DispatcherErrorCode.WatchdogInvalidConfig,
        message: expect.stringContaining('watchdogs.workerWatchdog.missTimeout'),
      }),
    );
    expect(() => resolveWatchdogConfig({ multikillThreshold: 101 }, 'w')).toThrow(
      expect.objectContaining({ message: expect.stringContaining('w.multikillThreshold') }),
    );
    expect(() => startGuardDog({ mainThreadWatchdog: { killTimeout: -1 } })).toThrow(
      expect.objectContaining({
        code: DispatcherErrorCode.WatchdogInvalidConfig,
        message: expect.stringContaining('watchdogs.mainThreadWatchdog.killTimeout'),
      }),
    );
  });

  it('refuses a thread when every slot is taken', async () => {
    const guardDog = startGuardDog({ maxThreads: 2, watchMainThread: false });
    try {
      guardDog.registerWorker('worker_0');
      expect(() => guardDog.registerWorker('worker_1')).toThrow(
        expect.objectContaining({ code: DispatcherErrorCode.WatchdogNoFreeSlot }),
      );
    } finally {
      await guardDog.stop();
    }
  });
});

describe('guard threads', () => {
  it('catch a worker that blocks its loop, counting misses for that thread only', async () => {
    const pool = await startWorkers<FixtureHandlers>({
      concurrency: 2,
      modules: [new URL('./fixtures/worker-module.ts', import.meta.url)],
      watchdog: {
        mainThreadWatchdog: { missTimeout: 5000, megamissTimeout: 10_000 },
        workerWatchdog: { missTimeout: 100, megamissTimeout: 500 },
      },
    });
    try {
      const guardDog = pool.guardDog!;
      if (process.platform === 'linux') {
        const names = threadNames().map((thread) => thread.name);
        expect(names).toContain('dog:main_thread');
        expect(names).toContain('dog:workers_gua'); // `dog:workers_guard`, cut to 15 bytes
      }
      expect(guardDog.statsFor('worker_1')).toMatchObject({ role: 'worker', active: true });
      // A loaded machine can make a healthy thread miss a 100 ms deadline now and then: compare
      // with the counts from before the block.
      const before0 = guardDog.statsFor('worker_0')!;
      const before1 = guardDog.statsFor('worker_1')!;
      pool.workers[1]?.dispatcher.post('block', 1500);
      // Read from shared memory while worker_1 is still stuck: no message to it could be answered.
      await waitFor(
        () =>
          (guardDog.statsFor('worker_1')?.watchdogMegaMiss ?? 0) >= before1.watchdogMegaMiss + 1,
        { what: 'mega-miss for worker_1', timeoutMs: 5000 },
      );
      const after1 = guardDog.statsFor('worker_1')!;
      expect(after1.watchdogMiss).toBeGreaterThan(before1.watchdogMiss);
      expect(guardDog.statsFor('worker_0')?.watchdogMegaMiss).toBe(before0.watchdogMegaMiss);
      expect(guardDog.totals().workers.watchdogMegaMiss).toBe(
        after1.watchdogMegaMiss + before0.watchdogMegaMiss,
      );
      expect(guardDog.killedThread()).toBeNull();
    } finally {
      await pool.shutdown();
    }
    expect(pool.guardDog?.statsFor('worker_1')?.active).toBe(false);
  });

  it('catch a blocked main thread', async () => {
    const guardDog = startGuardDog({
      mainThreadWatchdog: { missTimeout: 100, megamissTimeout: 300 },
    });
    try {
      await guardDog.whenRunning();
      expect(guardDog.statsFor('main_thread')?.active).toBe(true);
      const before = guardDog.statsFor('main_thread')!;
      const end = Date.now() + 800;
      while (Date.now() < end) {
        // This thread's loop is blocked; only a guard on another thread can notice.
      }
      await waitFor(
        () =>
          (guardDog.statsFor('main_thread')?.watchdogMegaMiss ?? 0) >= before.watchdogMegaMiss + 1,
        { what: 'main thread mega-miss', timeoutMs: 2000 },
      );
      const after = guardDog.statsFor('main_thread')!;
      expect(after.role).toBe('main');
      expect(after.watchdogMiss).toBeGreaterThan(before.watchdogMiss);
      expect(guardDog.totals().mainThread).toEqual({
        watchdogMiss: after.watchdogMiss,
        watchdogMegaMiss: after.watchdogMegaMiss,
      });
    } finally {
      await guardDog.stop();
    }
  });

  /** Runs the kill fixture in a child process (core dumps off); resolves with how it ended. */
  async function runKillFixture(which: 'main' | 'worker') {
    const script = fileURLToPath(new URL('./fixtures/watchdog-kill.ts', import.meta.url));
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        'ulimit -c 0; exec "$0" --conditions=@nuncio/source "$1" "$2"',
        process.execPath,
        script,
        which,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(guard);
    return { code, signal, stdout, stderr };
  }

  it.runIf(process.platform === 'linux')(
    'end the process when the main thread is stuck past killTimeout, naming it',
    async () => {
      const result = await runKillFixture('main');
      expect(result.stdout).toContain('main blocking');
      expect(result.stdout).not.toContain('not killed');
      expect(result.signal).toBe('SIGABRT');
      expect(result.stderr).toMatch(
        /watchdog dog:main_thread: main_thread \(stuck \d+ ms\) made no progress past kill_timeout 400 ms; ending the process with SIGABRT/,
      );
    },
  );

  it.runIf(process.platform === 'linux')(
    'end the process when a worker is stuck past killTimeout, naming it',
    async () => {
      const result = await runKillFixture('worker');
      expect(result.stdout).toContain('worker blocking');
      expect(result.stdout).not.toContain('not killed');
      expect(result.signal).toBe('SIGKILL');
      expect(result.stderr).toMatch(
        /watchdog dog:workers_guard: worker_0 \(stuck \d+ ms\) made no progress past kill_timeout 400 ms/,
      );
    },
  );
});
