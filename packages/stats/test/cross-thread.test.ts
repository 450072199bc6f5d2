// The shared-memory design under real worker threads: increments from two workers sum exactly,
// the same name created concurrently lands in one slot, capacity exhaustion is counted and logged
// once, histograms recorded on workers merge on main with no message.
import { runInWorker } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { StatsStore } from '../src/index.ts';

const fixture = new URL('./fixtures/stats-workers.ts', import.meta.url);
const TIMEOUT = { timeoutMs: 20_000 };

describe('counters across worker threads', () => {
  it('sum exactly the increments of two workers that create the same counter concurrently', async () => {
    const store = StatsStore.create({ maxStats: 256 });
    const gate = new SharedArrayBuffer(4);
    const times = 250_000;
    const args = [store.descriptor, 'cluster.backend.', 'upstream_cx_total', times, gate, 2];
    const [a, b] = await Promise.all([
      runInWorker<{ threadIndex: number }>(fixture, 'incrementCounter', args, TIMEOUT),
      runInWorker<{ threadIndex: number }>(fixture, 'incrementCounter', args, TIMEOUT),
    ]);
    expect(a.threadIndex).toBeGreaterThan(0);
    expect(b.threadIndex).toBeGreaterThan(0);
    const counters = store.counters().filter((c) => c.name === 'cluster.backend.upstream_cx_total');
    expect(counters).toHaveLength(1);
    expect(counters[0]?.value).toBe(2 * times);
    expect(store.counterFromString('cluster.backend.upstream_cx_total').value()).toBe(2 * times);
  });

  it('gives one slot per name when two workers create the same 400 names at once', async () => {
    const store = StatsStore.create({ maxStats: 2048 });
    const gate = new SharedArrayBuffer(4);
    const names = Array.from(
      { length: 400 },
      (_, i) => `cluster.c${i}.upstream_rq_${200 + (i % 5)}`,
    );
    const reversed = [...names].reverse();
    await Promise.all([
      runInWorker(fixture, 'createAll', [store.descriptor, names, gate, 2], TIMEOUT),
      runInWorker(fixture, 'createAll', [store.descriptor, reversed, gate, 2], TIMEOUT),
    ]);
    const counters = store.counters();
    expect(counters).toHaveLength(400);
    expect(new Set(counters.map((c) => c.name))).toEqual(new Set(names));
    for (const counter of counters) expect(counter.value).toBe(2);
    const gauges = store.gauges();
    expect(gauges).toHaveLength(400);
    for (const gauge of gauges) expect(gauge.value).toBe(6);
  });

  it('counts a full store once per refused name and logs it once across all threads', async () => {
    const mainWarnings: string[] = [];
    const store = StatsStore.create({
      maxStats: 50,
      logger: { warn: (m) => mainWarnings.push(m) },
    });
    const gate = new SharedArrayBuffer(4);
    const results = await Promise.all([
      runInWorker<{ warnings: string[]; nullCounters: number }>(
        fixture,
        'createUntilFull',
        [store.descriptor, 'a', 100, gate, 2],
        TIMEOUT,
      ),
      runInWorker<{ warnings: string[]; nullCounters: number }>(
        fixture,
        'createUntilFull',
        [store.descriptor, 'b', 100, gate, 2],
        TIMEOUT,
      ),
    ]);
    expect(store.counters()).toHaveLength(50);
    expect(store.overflowCount()).toBe(150);
    expect(results[0].nullCounters + results[1].nullCounters).toBe(150);
    const warnings = [...results[0].warnings, ...results[1].warnings, ...mainWarnings];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/stats store is full \(stat slots \(maxStats\) exhausted\)/);
    // Main goes on creating (refused, counted, not logged again) without throwing.
    expect(store.counterFromString('main.late').name).toBe('');
    expect(store.overflowCount()).toBe(151);
    expect(mainWarnings).toHaveLength(0);
  });
});

describe('histograms across worker threads', () => {
  it('merges on main what two workers recorded, with no message', async () => {
    const store = StatsStore.create({ maxStats: 64, maxThreads: 4 });
    const low = Array.from({ length: 500 }, (_, i) => i + 1);
    const high = Array.from({ length: 500 }, (_, i) => i + 501);
    const gate = new SharedArrayBuffer(4);
    const name = 'cluster.b.upstream_rq_time';
    const indexes = await Promise.all([
      runInWorker<number>(fixture, 'recordValues', [store.descriptor, name, low, gate, 2], TIMEOUT),
      runInWorker<number>(
        fixture,
        'recordValues',
        [store.descriptor, name, high, gate, 2],
        TIMEOUT,
      ),
    ]);
    expect(new Set(indexes).size).toBe(2);
    store.mergeHistograms();
    const [histogram] = store.histograms();
    expect(histogram?.name).toBe('cluster.b.upstream_rq_time');
    expect(histogram?.unit).toBe('Milliseconds');
    expect(histogram?.cumulative.sampleCount).toBe(1000);
    expect(histogram?.cumulative.sampleSum).toBe(500_500);
    expect(histogram?.interval.sampleCount).toBe(1000);
    const p50 = histogram?.cumulative.computedQuantiles[2] as number;
    expect(Math.abs(p50 - 500)).toBeLessThanOrEqual(10);
    // A second merge with nothing new: empty interval, unchanged cumulative.
    store.mergeHistograms();
    const [again] = store.histograms();
    expect(again?.interval.sampleCount).toBe(0);
    expect(Number.isNaN(again?.interval.computedQuantiles[0])).toBe(true);
    expect(again?.cumulative.sampleCount).toBe(1000);
  });

  it('reuses a closed worker index and keeps its counts, and logs once when indexes run out', async () => {
    const store = StatsStore.create({ maxStats: 64, maxThreads: 2 });
    const first = await runInWorker<number>(
      fixture,
      'recordValues',
      [store.descriptor, 'h', [7, 8]],
      TIMEOUT,
    );
    const second = await runInWorker<number>(
      fixture,
      'recordValues',
      [store.descriptor, 'h', [9]],
      TIMEOUT,
    );
    expect(first).toBe(1);
    expect(second).toBe(1);
    store.mergeHistograms();
    expect(store.histograms().find((h) => h.name === 'h')?.cumulative.sampleSum).toBe(24);
    // openOnly keeps index 1; the next worker finds none.
    const holder = await runInWorker<{ threadIndex: number; warnings: string[] }>(
      fixture,
      'openOnly',
      [store.descriptor],
      TIMEOUT,
    );
    expect(holder.threadIndex).toBe(1);
    const [late, later] = [
      await runInWorker<{ threadIndex: number; warnings: string[] }>(
        fixture,
        'openOnly',
        [store.descriptor],
        TIMEOUT,
      ),
      await runInWorker<{ threadIndex: number; warnings: string[] }>(
        fixture,
        'openOnly',
        [store.descriptor],
        TIMEOUT,
      ),
    ];
    expect(late.threadIndex).toBe(-1);
    expect(late.warnings).toHaveLength(1);
    expect(late.warnings[0]).toMatch(/all 2 thread indexes are taken/);
    expect(later.threadIndex).toBe(-1);
    expect(later.warnings).toHaveLength(0);
  });
});
