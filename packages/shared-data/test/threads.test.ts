// Real worker threads on one store: CAS counters, torn-read checks, queue wake-ups across threads.
import { runInWorker, withTimeout } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { SharedDataResult, SharedDataStore } from '../src/index.ts';
import type { SharedDataStoreImpl } from '../src/store-impl.ts';
import { counterValue, patternValue, readCounter } from './fixtures/values.ts';

const tasks = new URL('./fixtures/thread-tasks.ts', import.meta.url);
const WORKER_LIMIT = { timeoutMs: 60_000 };

function expectSound(store: SharedDataStore) {
  const report = (store as SharedDataStoreImpl).checkIntegrityForTest();
  expect(report.problems).toEqual([]);
  expect(report.leakedBlocks).toBe(0);
}

describe('CAS counters across threads', () => {
  it('4 workers x 10,000 CAS-retry increments on one key end at exactly 40,000', async () => {
    const store = SharedDataStore.create({ maxKeys: 64, maxBytes: 1 << 20 });
    store.set('vm', 'counter', counterValue(0));
    const retries = await Promise.all(
      [0, 1, 2, 3].map(() =>
        runInWorker<number>(
          tasks,
          'casIncrements',
          [store.descriptor(), 'vm', ['counter'], 10_000],
          WORKER_LIMIT,
        ),
      ),
    );
    const got = store.get('vm', 'counter');
    expect(readCounter(got.value!)).toBe(40_000);
    // Not asserted (it depends on scheduling), but shows the threads really raced.
    console.log(`one key: ${retries.reduce((a, b) => a + b)} CAS retries`);
    expectSound(store);
  });

  it('4 workers x 10,000 increments spread over 1,000 keys end at exactly 40 each', async () => {
    const store = SharedDataStore.create({ maxKeys: 2048, maxBytes: 1 << 20 });
    const keys = Array.from({ length: 1000 }, (_, i) => `counter-${i}`);
    for (const key of keys) store.set('vm', key, counterValue(0));
    await Promise.all(
      [0, 1, 2, 3].map((w) =>
        runInWorker<number>(
          tasks,
          'casIncrements',
          // Each worker starts at a different key so they also meet on the same keys.
          [store.descriptor(), 'vm', [...keys.slice(w * 250), ...keys.slice(0, w * 250)], 10_000],
          WORKER_LIMIT,
        ),
      ),
    );
    let total = 0;
    for (const key of keys) {
      const value = readCounter(store.get('vm', key).value!);
      expect(value).toBe(40);
      total += value;
    }
    expect(total).toBe(40_000);
    expect(store.stats().keys).toBe(1000);
    expectSound(store);
  });
});

describe("create-or-CAS on missing keys across threads (casOnMissingKey 'insert')", () => {
  it('exactly one insert wins each round and no increment is lost', async () => {
    const workers = 4;
    const rounds = 400;
    const store = SharedDataStore.create({ maxKeys: 1024, maxBytes: 16 << 20 });
    const control = new Int32Array(new SharedArrayBuffer(8));
    const results = await Promise.all(
      Array.from({ length: workers }, () =>
        runInWorker<{ inserted: number[]; lostInserts: number }>(
          tasks,
          'createOrCasRounds',
          [store.descriptor(), 'vm', rounds, workers, control],
          WORKER_LIMIT,
        ),
      ),
    );
    const winners = new Array<number>(rounds).fill(0);
    for (const { inserted } of results) for (const r of inserted) winners[r]! += 1;
    expect(winners.filter((count) => count !== 1)).toEqual([]);
    for (let r = 0; r < rounds; r++) {
      const got = store.get('vm', `round-${r}`);
      expect(got.result).toBe(SharedDataResult.Ok);
      // One insert and three CAS increments: a second insert would have overwritten a count.
      expect(readCounter(got.value!)).toBe(workers);
      expect(got.value!.length).toBe(r % 2 === 1 ? 12_000 : 4);
    }
    expect(store.stats().keys).toBe(rounds);
    // Not asserted (it depends on scheduling), but shows the inserts really raced.
    console.log(`create-or-CAS: ${results.reduce((a, b) => a + b.lostInserts, 0)} lost inserts`);
    expectSound(store);
  });
});

describe('large values under concurrent replacement', () => {
  it('readers never see a torn value while writers replace values of up to 1 MiB', async () => {
    const store = SharedDataStore.create({
      maxKeys: 64,
      maxBytes: 16 << 20,
      maxValueBytes: 1 << 20,
    });
    store.set('vm', 'shared', patternValue(0, 100));
    const control = new Int32Array(new SharedArrayBuffer(8));
    const readers = [0, 1].map(() =>
      runInWorker<{ reads: number; torn: number; sizes: number[] }>(
        tasks,
        'readPatterns',
        [store.descriptor(), 'shared', control, 0],
        WORKER_LIMIT,
      ),
    );
    const writers = [1, 2].map((seed) =>
      runInWorker<number>(
        tasks,
        'writePatterns',
        [store.descriptor(), 'shared', 400, seed],
        WORKER_LIMIT,
      ),
    );
    const written = await Promise.all(writers);
    Atomics.store(control, 0, 1);
    const results = await Promise.all(readers);
    expect(written.reduce((a, b) => a + b)).toBeGreaterThan(0);
    for (const { reads, torn, sizes } of results) {
      expect(reads).toBeGreaterThan(0);
      expect(torn).toBe(0);
      // The readers saw both values copied under the lock and values copied outside it.
      expect(sizes.length).toBeGreaterThan(1);
    }
    expectSound(store);
  });
});

describe('queues across threads', () => {
  it('wakes the owner when workers enqueue, and delivers every item in producer order', async () => {
    const store = SharedDataStore.create({ maxKeys: 16, maxBytes: 4096, queueMaxItems: 64 });
    const items: string[] = [];
    let readyCalls = 0;
    const posted: string[] = [];
    const dispatcher = {
      post(callback: () => void) {
        posted.push('ready');
        setImmediate(callback);
      },
    };
    let resolveAll: () => void = () => {};
    const all = new Promise<void>((resolve) => {
      resolveAll = resolve;
    });
    const { token } = store.registerQueue('vm', 'jobs', {
      dispatcher,
      onReady(t) {
        readyCalls++;
        for (;;) {
          const item = store.dequeue(t);
          if (item.result !== SharedDataResult.Ok) break;
          items.push(new TextDecoder().decode(item.value));
        }
        if (items.length === 1000) resolveAll();
      },
    });
    expect(token).toBeGreaterThan(0);
    const producers = ['a', 'b'].map((name) =>
      runInWorker<number>(
        tasks,
        'produce',
        [store.descriptor(), 'vm', 'jobs', name, 500],
        WORKER_LIMIT,
      ),
    );
    await withTimeout(all, 30_000, 'all 1000 items');
    await Promise.all(producers);
    expect(readyCalls).toBeGreaterThan(0);
    expect(posted.length).toBe(readyCalls);
    for (const producer of ['a', 'b']) {
      const mine = items.filter((item) => item.startsWith(`${producer}:`));
      expect(mine).toEqual(Array.from({ length: 500 }, (_, i) => `${producer}:${i}`));
    }
  });

  it('wakes a worker that owns a queue when the main thread enqueues', async () => {
    const store = SharedDataStore.create({ maxKeys: 16, maxBytes: 4096 });
    const control = new Int32Array(new SharedArrayBuffer(8));
    const consumer = runInWorker<{ items: string[]; readyCalls: number }>(
      tasks,
      'consume',
      [store.descriptor(), 'vm', 'inbox', 30, control, 0],
      WORKER_LIMIT,
    );
    // Wait (without blocking this thread's loop) for the worker to register its queue.
    await withTimeout(
      Atomics.waitAsync(control, 0, 0).value as Promise<unknown>,
      20_000,
      'queue registration',
    );
    const token = store.resolveQueue('vm', 'inbox');
    expect(token).toBeGreaterThan(0);
    for (let i = 0; i < 30; i++) {
      expect(store.enqueue(token, `m${i}`)).toBe(SharedDataResult.Ok);
      // Spread over time, so the worker goes idle and is woken more than once.
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { items, readyCalls } = await consumer;
    expect(items).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
    expect(readyCalls).toBeGreaterThan(1);
  });
});
