import { DispatcherErrorCode, startWorkers } from '@nuncio/dispatcher';
import { waitFor, withTimeout } from '@nuncio/test-support';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  createThreadLocal,
  getSlot,
  type Slot,
  ThreadLocalErrorCode,
  threadLocal,
  threadLocalWorkerModule,
} from '../src/index.ts';
import {
  add,
  type Counter,
  counter,
  failingUpdate,
  type Label,
  newGate,
  newStats,
  openGate,
  Stat,
  slowAdd,
  statsCell,
} from './fixtures/objects.ts';
import { type Cluster, drainMain, inspectModule, objectsModule, withCluster } from './helpers.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

function inspectAll(cluster: Cluster, slot: Slot<Counter>) {
  return Promise.all(
    cluster.pool.workers.map((worker) => worker.dispatcher.call('inspect', slot.ref)),
  );
}

describe('allocateSlot', () => {
  it('reuses the indices of freed slots, lowest first', () => {
    const tls = createThreadLocal();
    try {
      const slots = [
        tls.allocateSlot(),
        tls.allocateSlot(),
        tls.allocateSlot(),
        tls.allocateSlot(),
      ];
      expect(slots.map((slot) => slot.index)).toEqual([0, 1, 2, 3]);
      slots[2]?.free();
      slots[0]?.free();
      slots[0]?.free(); // idempotent
      expect(slots[0]?.freed).toBe(true);
      expect(tls.allocateSlot().index).toBe(0);
      expect(tls.allocateSlot().index).toBe(2);
      expect(tls.allocateSlot().index).toBe(4);
      // A reused index is a new slot: the old ref no longer finds it.
      expect(codeOf(() => getSlot((slots[0] as Slot).ref))).toBe(ThreadLocalErrorCode.UnknownSlot);
    } finally {
      tls.shutdownThread();
    }
  });

  it('refuses once shutdown has begun', () => {
    const tls = createThreadLocal();
    const slot = tls.allocateSlot();
    tls.shutdownGlobalThreading();
    expect(tls.isShutdown).toBe(true);
    expect(codeOf(() => tls.allocateSlot())).toBe(ThreadLocalErrorCode.ShutDown);
    expect(codeOf(() => slot.set(counter, { start: 1 }))).toBe(ThreadLocalErrorCode.ShutDown);
    expect(codeOf(() => slot.publish({ version: 1, text: 'late' }))).toBe(
      ThreadLocalErrorCode.ShutDown,
    );
    tls.shutdownThread();
  });

  it('is main-only: on a worker, every slot-changing call fails with a clear error', async () => {
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot().set(counter, { start: 1 });
      const worker = cluster.pool.workers[0];
      const codes = await worker?.dispatcher.call('mainOnlyErrors', slot.ref);
      expect(codes).toEqual(new Array(8).fill(ThreadLocalErrorCode.NotMainThread));
    });
  });
});

describe('set', () => {
  it('runs the initializer on every registered thread and on main, with that thread’s dispatcher', async () => {
    await withCluster({}, async (cluster) => {
      const stats = newStats();
      const slot = cluster.tls.allocateSlot().set(counter, { start: 5, stats: stats.buffer });
      // Main's object exists as soon as set() returns.
      expect(slot.get().thread).toBe('main_thread');
      expect(slot.get().value).toBe(5);
      const views = await inspectAll(cluster, slot);
      expect(views.map((view) => [view.thread, view.instanceThread, view.value])).toEqual([
        ['worker_0', 'worker_0', 5],
        ['worker_1', 'worker_1', 5],
      ]);
      for (const thread of ['main_thread', 'worker_0', 'worker_1']) {
        expect(Atomics.load(stats, statsCell(thread, Stat.Created))).toBe(1);
      }
      expect(cluster.tls.threads().map((thread) => thread.name)).toEqual([
        'main_thread',
        'worker_0',
        'worker_1',
      ]);
      expect(cluster.errors).toEqual([]);
    });
  });

  it('types get() by the initializer', () => {
    const tls = createThreadLocal();
    try {
      const slot = tls.allocateSlot().set(counter, { start: 2 });
      expectTypeOf(slot).toEqualTypeOf<Slot<Counter>>();
      expectTypeOf(slot.get()).toEqualTypeOf<Counter>();
      expectTypeOf(slot.snapshot()).toEqualTypeOf<Label | undefined>();
      expectTypeOf(getSlot(slot.ref).get()).toEqualTypeOf<Counter>();
      expect(slot.get().value).toBe(2);
      expect(slot.getTyped<Counter>().thread).toBe('main_thread');
      if (Math.random() > 2) {
        // Checked by the typecheck, never run:
        // @ts-expect-error: the arguments must be CounterArgs.
        slot.set(counter, { begin: 2 });
        // @ts-expect-error: the snapshot must be a Label.
        slot.publish({ version: 'one' });
        // @ts-expect-error: add takes a number.
        slot.runOnAllThreads(add, 'two');
      }
    } finally {
      tls.shutdownThread();
    }
  });

  it('replaces and disposes the previous object; free() disposes every thread’s', async () => {
    await withCluster({}, async (cluster) => {
      const stats = newStats();
      const slot = cluster.tls.allocateSlot().set(counter, { start: 1, stats: stats.buffer });
      slot.set(counter, { start: 2, stats: stats.buffer });
      expect((await inspectAll(cluster, slot)).map((view) => view.value)).toEqual([2, 2]);
      for (const thread of ['main_thread', 'worker_0', 'worker_1']) {
        expect(Atomics.load(stats, statsCell(thread, Stat.Created))).toBe(2);
        expect(Atomics.load(stats, statsCell(thread, Stat.Disposed))).toBe(1);
      }
      const ref = slot.ref;
      slot.free();
      expect(slot.freed).toBe(true);
      expect(codeOf(() => slot.get())).toBe(ThreadLocalErrorCode.SlotNotSet);
      expect(codeOf(() => slot.set(counter, { start: 3 }))).toBe(ThreadLocalErrorCode.SlotFreed);
      // The free reached the worker before this call (same channel, in order).
      const error = await cluster.pool.workers[0]?.dispatcher.call('inspect', ref).catch((e) => e);
      expect(error).toMatchObject({
        code: DispatcherErrorCode.RemoteHandlerFailed,
        remoteCode: ThreadLocalErrorCode.UnknownSlot,
      });
      await waitFor(
        () =>
          ['main_thread', 'worker_0', 'worker_1'].every(
            (thread) => Atomics.load(stats, statsCell(thread, Stat.Disposed)) === 2,
          ),
        { what: 'every thread disposed its object' },
      );
    });
  });

  it('gives a thread registered late every slot’s object and newest snapshot', async () => {
    await withCluster({ register: false }, async (cluster) => {
      const slot = cluster.tls.allocateSlot().set(counter, { start: 7 });
      slot.publish({ version: 1, text: 'one' });
      slot.publish({ version: 2, text: 'two' });
      const freed = cluster.tls.allocateSlot();
      freed.free();
      await cluster.tls.registerWorkers(cluster.pool);
      for (const view of await inspectAll(cluster, slot)) {
        expect(view).toMatchObject({ value: 7, version: 2, snapshot: { text: 'two' } });
        // Only the newest snapshot is replayed.
        expect(view.labels).toEqual(['two']);
      }
      expect(slot.snapshotStats().appliedOnAllThreads).toBe(2);
    });
  });

  it('registers a worker again after it crashed and restarted', async () => {
    await withCluster({ crashPolicy: 'restart' }, async (cluster) => {
      const slot = cluster.tls.allocateSlot().set(counter, { start: 4 });
      slot.publish({ version: 1, text: 'before the crash' });
      const restarted = new Promise((resolve) => cluster.pool.once('restart', resolve));
      const original = console.error;
      console.error = () => {};
      try {
        cluster.pool.workers[1]?.dispatcher.post('crash', 'crash on purpose');
        await withTimeout(restarted, 10_000, 'the restart');
      } finally {
        console.error = original;
      }
      const view = await waitFor(
        () => cluster.pool.workers[1]?.dispatcher.call('inspect', slot.ref).catch(() => null),
        { what: 'the restarted worker to hold the slot' },
      );
      expect(view).toMatchObject({ thread: 'worker_1', value: 4, version: 1 });
      expect(cluster.tls.threads().map((thread) => thread.name)).toEqual([
        'main_thread',
        'worker_0',
        'worker_1',
      ]);
      slot.publish({ version: 2, text: 'after' });
      await expect(slot.whenApplied()).resolves.toMatchObject({ version: 2 });
    });
  });

  it('reports an initializer that fails on a worker, naming the worker', async () => {
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot().set(counter, { start: 1, failOn: 'worker_1' });
      const [first, second] = await inspectAll(cluster, slot);
      expect(first).toMatchObject({ isSet: true, value: 1 });
      expect(second).toMatchObject({ isSet: false, getError: ThreadLocalErrorCode.SlotNotSet });
      await waitFor(() => cluster.errors.length > 0, { what: 'the error report' });
      expect(cluster.errors[0]).toMatchObject({
        code: ThreadLocalErrorCode.CallbackFailed,
        thread: 'worker_1',
        message: expect.stringContaining('no counter on worker_1'),
      });
    });
  });

  it('throws on main, before any thread ran anything, for arguments that cannot be cloned', async () => {
    await withCluster({}, async (cluster) => {
      const stats = newStats();
      const slot = cluster.tls.allocateSlot();
      const args = { start: 1, stats: stats.buffer, extra: () => 1 };
      expect(codeOf(() => slot.set(counter, args))).toBe(ThreadLocalErrorCode.NotCloneable);
      expect(Atomics.load(stats, statsCell('main_thread', Stat.Created))).toBe(0);
      expect(slot.isSet()).toBe(false);
    });
  });

  it('imports an initializer’s module on a worker that has not loaded it, keeping the order', async () => {
    const { lazyAdd, lazyCounter } = await import('./fixtures/lazy-objects.ts');
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot().set(lazyCounter, 10);
      slot.runOnAllThreads(lazyAdd, 5);
      // The workers hold everything after the set back until the import is done, then run it in
      // order: the last update's completion means every thread has run all three.
      await withTimeout(
        new Promise<void>((resolve) => slot.runOnAllThreads(lazyAdd, 1, resolve)),
        10_000,
        'the completion',
      );
      expect(slot.get()).toMatchObject({ value: 16, labels: ['+5', '+1'] });
      const views = await Promise.all(
        cluster.pool.workers.map((worker) =>
          worker.dispatcher.call('inspect', slot.ref as unknown as Slot<Counter>['ref']),
        ),
      );
      for (const view of views) expect(view).toMatchObject({ value: 16, labels: ['+5', '+1'] });
      expect(cluster.errors).toEqual([]);
    });
  });

  it('refuses to register a worker that has not loaded the worker module', async () => {
    const pool = await startWorkers({ concurrency: 1, modules: [inspectModule] });
    const tls = createThreadLocal();
    try {
      await expect(tls.registerWorkers(pool)).rejects.toMatchObject({
        code: ThreadLocalErrorCode.WorkerModuleNotLoaded,
        message: expect.stringContaining('threadLocalWorkerModule'),
      });
      expect(tls.threads()).toHaveLength(1);
    } finally {
      tls.shutdownThread();
      await pool.shutdown();
    }
  });
});

describe('runOnAllThreads', () => {
  it('runs the update on main at once, then on every worker, in order', async () => {
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot().set(counter, { start: 0 });
      slot.runOnAllThreads(add, 3);
      expect(slot.get().value).toBe(3);
      slot.runOnAllThreads(add, 4);
      expect((await inspectAll(cluster, slot)).map((view) => view.value)).toEqual([7, 7]);
    });
  });

  it('calls onAllThreadsComplete on main once every thread has run it, waiting for a slow worker', async () => {
    await withCluster({}, async (cluster) => {
      const stats = newStats();
      const gate = newGate();
      const slot = cluster.tls.allocateSlot().set(counter, { start: 0, stats: stats.buffer });
      let completions = 0;
      const completed = new Promise<number>((resolve) => {
        slot.runOnAllThreads(slowAdd, { n: 1, slowThread: 'worker_1', gate: gate.buffer }, () => {
          completions++;
          // On main, with every thread done, the slow one included.
          resolve(Atomics.load(stats, statsCell('worker_1', Stat.Updates)));
        });
      });
      await waitFor(() => Atomics.load(stats, statsCell('worker_0', Stat.Updates)) === 1, {
        what: 'the fast worker to run the update',
      });
      // The fast worker and main are done; the slow one is blocked: no completion yet.
      await drainMain();
      await drainMain();
      expect(Atomics.load(stats, statsCell('main_thread', Stat.Updates))).toBe(1);
      expect(Atomics.load(stats, statsCell('worker_1', Stat.Updates))).toBe(0);
      expect(completions).toBe(0);
      openGate(gate);
      await expect(withTimeout(completed, 10_000, 'the completion')).resolves.toBe(1);
      expect(completions).toBe(1);
    });
  });

  it('still completes when the update fails on a worker, and reports the failure', async () => {
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot().set(counter, { start: 0 });
      const completed = new Promise<void>((resolve) =>
        slot.runOnAllThreads(failingUpdate, 'worker_0', resolve),
      );
      await withTimeout(completed, 10_000, 'the completion');
      expect(cluster.errors).toHaveLength(1);
      expect(cluster.errors[0]).toMatchObject({
        code: ThreadLocalErrorCode.CallbackFailed,
        thread: 'worker_0',
        message: expect.stringContaining('update refused on worker_0'),
      });
    });
  });

  it('completes at once (on main) when no worker is registered', async () => {
    const tls = createThreadLocal();
    try {
      const slot = tls.allocateSlot().set(counter, { start: 0 });
      await withTimeout(
        new Promise<void>((resolve) => slot.runOnAllThreads(add, 1, resolve)),
        5000,
        'the completion',
      );
      expect(slot.get().value).toBe(1);
    } finally {
      tls.shutdownThread();
    }
  });

  it('throws before set() and for a function that is not an update', () => {
    const tls = createThreadLocal();
    try {
      const slot = tls.allocateSlot<Counter>();
      expect(codeOf(() => slot.runOnAllThreads(add, 1))).toBe(ThreadLocalErrorCode.SlotNotSet);
      slot.set(counter, { start: 0 });
      const notAnUpdate = (() => {}) as unknown as typeof add;
      expect(codeOf(() => slot.runOnAllThreads(notAnUpdate, 1))).toBe(
        ThreadLocalErrorCode.InvalidArgument,
      );
    } finally {
      tls.shutdownThread();
    }
  });
});

describe('shutdown during an update', () => {
  it('never runs the completion once shutdownGlobalThreading() has been called; nothing hangs', async () => {
    const gate = newGate();
    let completions = 0;
    let slot: Slot<Counter> | undefined;
    const stats = newStats();
    await withCluster({}, async (cluster) => {
      slot = cluster.tls.allocateSlot().set(counter, { start: 0, stats: stats.buffer });
      slot.publish({ version: 1, text: 'one' });
      slot.runOnAllThreads(
        slowAdd,
        { n: 1, slowThread: 'worker_1', gate: gate.buffer },
        () => completions++,
      );
      await waitFor(() => Atomics.load(stats, statsCell('worker_0', Stat.Updates)) === 1, {
        what: 'the fast worker to run the update',
      });
      // worker_1 is stuck in the update: it cannot apply version 2.
      slot.publish({ version: 2, text: 'two' });
      const waiting = slot.whenApplied();
      cluster.tls.shutdownGlobalThreading();
      await expect(waiting).rejects.toMatchObject({ code: ThreadLocalErrorCode.ShutDown });
      expect(codeOf(() => slot?.runOnAllThreads(add, 1))).toBe(ThreadLocalErrorCode.ShutDown);
      // The slow worker finishes its update after shutdown began.
      openGate(gate);
      await waitFor(() => Atomics.load(stats, statsCell('worker_1', Stat.Updates)) === 1, {
        what: 'the slow worker to finish',
      });
    });
    // The workers have exited and main's thread is shut down: whatever was still queued has run.
    await drainMain();
    await drainMain();
    expect(completions).toBe(0);
    // The workers disposed their objects when they shut down.
    for (const thread of ['main_thread', 'worker_0', 'worker_1']) {
      expect(Atomics.load(stats, statsCell(thread, Stat.Disposed))).toBe(1);
    }
  });

  it('does not hang when a worker stuck in an update is terminated', async () => {
    const gate = newGate();
    let completions = 0;
    const pool = await startWorkers({
      concurrency: 2,
      modules: [threadLocalWorkerModule, objectsModule, inspectModule],
      shutdownTimeoutMs: 200,
    });
    const tls = createThreadLocal({ onError: () => {} });
    await tls.registerWorkers(pool);
    const slot = tls.allocateSlot().set(counter, { start: 0 });
    slot.runOnAllThreads(
      slowAdd,
      { n: 1, slowThread: 'worker_0', gate: gate.buffer },
      () => completions++,
    );
    await waitFor(() => Atomics.load(gate, 1) === 1, { what: 'worker_0 to be stuck' });
    tls.shutdownGlobalThreading();
    // The gate never opens: worker_0 is terminated after 200 ms.
    const original = console.error;
    console.error = () => {};
    let report: Awaited<ReturnType<typeof pool.shutdown>>;
    try {
      report = await withTimeout(pool.shutdown(), 10_000, 'the pool shutdown');
    } finally {
      console.error = original;
    }
    tls.shutdownThread();
    expect(report.workers.map((worker) => worker.outcome)).toEqual(['terminated', 'exited']);
    await drainMain();
    expect(completions).toBe(0);
  });
});

describe('snapshots', () => {
  it('reaches every thread; the version each holds and the time to apply are exposed', async () => {
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot().set(counter, { start: 0 });
      expect(slot.snapshotStats()).toMatchObject({ published: 0, appliedOnAllThreads: 0 });
      expect(slot.publish({ version: 1, text: 'a' })).toBe(1);
      expect(slot.publish({ version: 2, text: 'b' })).toBe(2);
      // Main swaps at once.
      expect(slot.snapshot()).toEqual({ version: 2, text: 'b' });
      expect(slot.version).toBe(2);
      const report = await slot.whenApplied();
      expect(report.version).toBe(2);
      expect(report.publishToAppliedMs).toBeGreaterThanOrEqual(0);
      const stats = slot.snapshotStats();
      expect(stats).toMatchObject({
        published: 2,
        appliedOnAllThreads: 2,
        threads: [
          { thread: 'main_thread', version: 2 },
          { thread: 'worker_0', version: 2 },
          { thread: 'worker_1', version: 2 },
        ],
      });
      expect(stats.lastPublishToAppliedMs).toBeGreaterThanOrEqual(0);
      expect(stats.maxPublishToAppliedMs).toBeGreaterThanOrEqual(stats.lastPublishToAppliedMs ?? 0);
      for (const view of await inspectAll(cluster, slot)) {
        expect(view.snapshot).toEqual({ version: 2, text: 'b' });
        // A worker may skip a version that a newer one replaces; it never goes backwards.
        expect(['a,b', 'b']).toContain(view.labels?.join(','));
      }
      await expect(slot.whenApplied(1)).resolves.toMatchObject({ version: 1 });
      await expect(slot.whenApplied(3)).rejects.toMatchObject({
        code: ThreadLocalErrorCode.InvalidArgument,
      });
    });
  });

  it('tells a new object of the snapshot its thread already holds', async () => {
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot<Counter>();
      slot.publish({ version: 1, text: 'first' });
      slot.set(counter, { start: 0 });
      expect(slot.get().labels).toEqual(['first']);
      for (const view of await inspectAll(cluster, slot)) expect(view.labels).toEqual(['first']);
    });
  });

  it('waits in whenApplied for a busy worker, whose version shows behind', async () => {
    await withCluster({}, async (cluster) => {
      const gate = newGate();
      const slot = cluster.tls.allocateSlot().set(counter, { start: 0 });
      slot.runOnAllThreads(slowAdd, {
        n: 1,
        slowThread: 'worker_1',
        gate: gate.buffer,
      });
      slot.publish({ version: 1, text: 'one' });
      let applied = false;
      const done = slot.whenApplied().then((report) => {
        applied = true;
        return report;
      });
      await waitFor(
        () => slot.snapshotStats().threads.find((t) => t.thread === 'worker_0')?.version === 1,
        { what: 'worker_0 to apply version 1' },
      );
      expect(slot.snapshotStats().threads.map((t) => t.version)).toEqual([1, 1, 0]);
      await drainMain();
      expect(applied).toBe(false);
      openGate(gate);
      const report = await withTimeout(done, 10_000, 'whenApplied');
      expect(report.version).toBe(1);
      expect(slot.snapshotStats().appliedOnAllThreads).toBe(1);
    });
  });

  it('keeps a snapshot a worker holds alive and unchanged while newer ones are published', async () => {
    const { SharedTable } = await import('../src/index.ts');
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot<
        never,
        import('../src/index.ts').SharedTableData<{ value: 'u32' }>
      >();
      const tableOf = (base: number) =>
        SharedTable.build(
          { value: 'u32' },
          Array.from({ length: 1000 }, (_, i) => ({ value: base + i })),
        ).data;
      slot.publish(tableOf(1_000));
      const worker = cluster.pool.workers[0];
      expect(await worker?.dispatcher.call('hold', slot.ref as never)).toBe(1);
      for (let version = 2; version <= 5; version++) slot.publish(tableOf(version * 1_000));
      await slot.whenApplied();
      expect(await worker?.dispatcher.call('readHeld')).toEqual({
        version: 1,
        rows: 1000,
        first: 1_000,
        last: 1_999,
      });
      expect(await worker?.dispatcher.call('hold', slot.ref as never)).toBe(5);
      expect(await worker?.dispatcher.call('readHeld')).toMatchObject({ version: 5, first: 5_000 });
    });
  });

  it('rejects an undefined snapshot, and reports one that cannot be cloned', async () => {
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot<unknown, unknown>();
      expect(codeOf(() => slot.publish(undefined))).toBe(ThreadLocalErrorCode.InvalidArgument);
      const version = slot.publish({ fn: () => 1 });
      await expect(slot.whenApplied(version)).rejects.toMatchObject({
        code: ThreadLocalErrorCode.NotCloneable,
      });
      expect(cluster.errors.map((error) => error.code)).toEqual([
        ThreadLocalErrorCode.NotCloneable,
      ]);
      // The next good version goes through.
      slot.publish({ ok: true });
      await expect(slot.whenApplied()).resolves.toMatchObject({ version: 2 });
    });
  });
});

describe('update callbacks: a thread-local cluster table', () => {
  it('updates each thread’s table from snapshots and runs its onClusterAddOrUpdate / onClusterRemoval callbacks', async () => {
    const { clusterEvents, clusterTable, watchClusters } = await import('./fixtures/objects.ts');
    await withCluster({}, async (cluster) => {
      const slot = cluster.tls.allocateSlot().set(clusterTable);
      // What a filter does on each thread: subscribe to the table's updates.
      slot.runOnAllThreads(watchClusters, 'filter');
      const snapshots = [
        {
          clusters: [
            { name: 'a', endpoints: ['a1', 'a2'] },
            { name: 'b', endpoints: ['b1'] },
          ],
        },
        {
          clusters: [
            { name: 'a', endpoints: ['a1', 'a2'] },
            { name: 'c', endpoints: ['c1'] },
          ],
        },
        {
          clusters: [
            { name: 'a', endpoints: ['a1', 'a2', 'a3'] },
            { name: 'c', endpoints: ['c1'] },
          ],
        },
      ];
      for (const snapshot of snapshots) {
        slot.publish(snapshot);
        // One version at a time, so that no thread skips one and every event shows.
        await slot.whenApplied();
      }
      const expected = ['a:a1,a2', 'b:b1', 'c:c1', '-b', 'a:a1,a2,a3'];
      expect(clusterEvents('main_thread', 'filter')).toEqual(expected);
      for (const worker of cluster.pool.workers) {
        const state = await worker.dispatcher.call('clusterState', {
          ref: slot.ref,
          log: 'filter',
          choose: 'a',
        });
        expect(state.events).toEqual(expected);
        expect(state.clusters).toEqual(['a', 'c']);
        // Each thread's load balancer has its own position.
        expect(state.chosen).toEqual(['a1', 'a2', 'a3']);
      }
      expect(slot.get().choose('a')).toBe('a1');
    });
  });
});

describe('getSlot and threadLocal', () => {
  it('resolve on main to the slot and the current instance', () => {
    const tls = createThreadLocal();
    try {
      expect(threadLocal()).toBe(tls);
      expect(tls.dispatcher().name).toBe('main_thread');
      const slot = tls.allocateSlot();
      expect(getSlot(slot.ref)).toBe(slot);
    } finally {
      tls.shutdownThread();
    }
    // After main's shutdown, threadLocal() makes a new instance.
    const next = threadLocal();
    expect(next).not.toBe(tls);
    next.shutdownThread();
  });
});
