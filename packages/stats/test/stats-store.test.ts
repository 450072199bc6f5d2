import { describe, expect, it } from 'vitest';
import { GaugeImportMode, HistogramUnit, StatsError, StatsStore } from '../src/index.ts';

describe('StatsStore on one thread', () => {
  it('creates stats by name through scopes, idempotently', () => {
    const store = StatsStore.create({ maxStats: 64 });
    const scope = store.scopeFromStatName('cluster.backend.');
    expect(scope.prefix).toBe('cluster.backend');
    const counter = scope.counterFromString('upstream_cx_total');
    expect(counter.name).toBe('cluster.backend.upstream_cx_total');
    expect(store.counterFromString('cluster.backend.upstream_cx_total')).toBe(counter);
    expect(
      store
        .createScope('cluster')
        .scopeFromStatName('backend')
        .counterFromString('upstream_cx_total'),
    ).toBe(counter);
    // Counters, gauges and histograms have separate namespaces, as in Envoy.
    const gauge = scope.gaugeFromString('upstream_cx_total');
    expect(gauge.name).toBe(counter.name);
    expect(store.counters()).toHaveLength(1);
    expect(store.gauges()).toHaveLength(1);
    expect(counter.tagExtractedName()).toBe('cluster.upstream_cx_total');
    expect(counter.tags()).toEqual([{ name: 'envoy.cluster_name', value: 'backend' }]);
  });

  it('sanitises scope prefixes as Envoy does', () => {
    const store = StatsStore.create({ maxStats: 16 });
    const scope = store.scopeFromStatName('listener.127.0.0.1:8080.');
    expect(scope.counterFromString('downstream_cx_total').name).toBe(
      'listener.127.0.0.1_8080.downstream_cx_total',
    );
  });

  it('counts to 64 bits across the low word carry', () => {
    const store = StatsStore.create({ maxStats: 16 });
    const counter = store.counterFromString('bytes');
    expect(counter.used()).toBe(false);
    counter.add(0xffffffff);
    counter.inc();
    expect(counter.value()).toBe(2 ** 32);
    counter.add(2 ** 45 + 3);
    counter.add(0.5);
    counter.add(-4);
    counter.add(Number.NaN);
    counter.add(2.9);
    expect(counter.value()).toBe(2 ** 32 + 2 ** 45 + 5);
    expect(counter.used()).toBe(true);
  });

  it('keeps gauges signed and 64-bit, with add, sub, set and import modes', () => {
    const store = StatsStore.create({ maxStats: 16 });
    const gauge = store.gaugeFromString('server.memory_allocated', GaugeImportMode.NeverImport);
    expect(gauge.used()).toBe(false);
    gauge.set(2 ** 40);
    gauge.add(10);
    gauge.sub(4);
    gauge.inc();
    gauge.dec();
    gauge.dec();
    expect(gauge.value()).toBe(2 ** 40 + 5);
    gauge.set(-3);
    expect(gauge.value()).toBe(-3);
    gauge.add(Number.POSITIVE_INFINITY);
    expect(gauge.value()).toBe(-3);
    expect(gauge.used()).toBe(true);
    // The first creator's mode holds.
    expect(
      store.gaugeFromString('server.memory_allocated', GaugeImportMode.Accumulate).importMode,
    ).toBe('NeverImport');
    expect(store.gauges()[0]?.importMode).toBe('NeverImport');
  });

  it('resets counters to zero and keeps them used', () => {
    const store = StatsStore.create({ maxStats: 16 });
    const a = store.counterFromString('a');
    const b = store.counterFromString('b');
    a.add(5);
    store.resetCounters();
    expect(a.value()).toBe(0);
    expect(store.counters().map((c) => [c.name, c.value, c.used])).toEqual([
      ['a', 0, true],
      ['b', 0, true],
    ]);
    b.inc();
    b.reset();
    expect(b.value()).toBe(0);
  });

  it('hands out null stats for names stats_matcher rejects', () => {
    const store = StatsStore.create({
      maxStats: 16,
      statsConfig: {
        statsMatcher: {
          exclusionList: {
            patterns: [{ prefix: 'cluster.noisy.' }, { safeRegex: { regex: '.*_rq_\\d{3}' } }],
          },
        },
      },
    });
    const rejected = store.counterFromString('cluster.noisy.upstream_cx_total');
    rejected.inc();
    expect(rejected.name).toBe('');
    expect(rejected.value()).toBe(0);
    expect(store.counterFromString('cluster.a.upstream_rq_200').name).toBe('');
    const kept = store.counterFromString('cluster.a.upstream_rq_2xx');
    kept.inc();
    expect(kept.value()).toBe(1);
    const histogram = store.histogramFromString('cluster.noisy.upstream_rq_time');
    histogram.recordValue(3);
    expect(histogram.used()).toBe(false);
    expect(store.counters().map((c) => c.name)).toEqual(['cluster.a.upstream_rq_2xx']);
    expect(store.overflowCount()).toBe(0);
  });

  it('accepts only the inclusion list, or nothing with rejectAll', () => {
    const only = StatsStore.create({
      maxStats: 16,
      statsConfig: {
        statsMatcher: { inclusionList: { patterns: [{ suffix: '_TOTAL', ignoreCase: true }] } },
      },
    });
    expect(only.counterFromString('http.x.downstream_rq_total').name).toBe(
      'http.x.downstream_rq_total',
    );
    expect(only.gaugeFromString('http.x.downstream_cx_active').name).toBe('');
    const none = StatsStore.create({
      maxStats: 16,
      statsConfig: { statsMatcher: { rejectAll: true } },
    });
    expect(none.counterFromString('anything').name).toBe('');
  });

  it('reports a full name arena once, then hands out null stats', () => {
    const warnings: string[] = [];
    const store = StatsStore.create({
      maxStats: 64,
      maxNameBytes: 20,
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(store.counterFromString('0123456789').name).toBe('0123456789');
    expect(store.counterFromString('abcdefghij').name).toBe('abcdefghij');
    expect(store.counterFromString('klmnopqrst').name).toBe('');
    expect(store.counterFromString('uvwxyz').name).toBe('');
    expect(store.overflowCount()).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/maxNameBytes/);
  });

  it('reports full histogram blocks', () => {
    const warnings: string[] = [];
    const store = StatsStore.create({
      maxStats: 64,
      maxHistograms: 1,
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(store.histogramFromString('h1', HistogramUnit.Bytes).unit).toBe('Bytes');
    expect(store.histogramFromString('h2').name).toBe('');
    expect(warnings[0]).toMatch(/maxHistograms/);
  });

  it('validates options, the stats config and descriptors', () => {
    expect(() => StatsStore.create({ maxStats: 0 })).toThrow(StatsError);
    expect(() => StatsStore.create({ maxThreads: 1.5 })).toThrow(/maxThreads: must be an integer/);
    expect(() =>
      StatsStore.create({
        statsConfig: {
          statsMatcher: { inclusionList: { patterns: [{ safeRegex: { regex: '(' } }] } },
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'NUNCIO_ERR_STATS_INVALID_CONFIG' }));
    expect(() => StatsStore.open({} as never)).toThrow(
      expect.objectContaining({ code: 'NUNCIO_ERR_STATS_INVALID_DESCRIPTOR' }),
    );
    const store = StatsStore.create({ maxStats: 8 });
    expect(() => StatsStore.open({ ...store.descriptor, names: new SharedArrayBuffer(3) })).toThrow(
      /names must be/,
    );
  });

  it('restricts merging and snapshots to the main thread store', () => {
    const store = StatsStore.create({ maxStats: 8, maxThreads: 2 });
    const worker = StatsStore.open(store.descriptor);
    expect(worker.isMain).toBe(false);
    expect(worker.threadIndex).toBe(1);
    worker.counterFromString('c').inc();
    expect(worker.counters()[0]?.value).toBe(1);
    expect(() => worker.mergeHistograms()).toThrow(
      expect.objectContaining({ code: 'NUNCIO_ERR_STATS_NOT_MAIN_THREAD' }),
    );
    expect(() => worker.createMetricSnapshot()).toThrow(/main thread/);
    worker.close();
    expect(worker.threadIndex).toBe(-1);
    expect(StatsStore.open(store.descriptor).threadIndex).toBe(1);
  });

  it('stops a closed store histograms writing into the shared block', () => {
    const store = StatsStore.create({ maxStats: 8, maxThreads: 2 });
    const worker = StatsStore.open(store.descriptor);
    const histogram = worker.histogramFromString('h');
    histogram.recordValue(10);
    worker.close();
    histogram.recordValue(20);
    store.mergeHistograms();
    expect(store.histograms()[0]?.cumulative.sampleSum).toBe(10);
  });

  it('computes deltas since the previous snapshot, through resets', () => {
    const store = StatsStore.create({ maxStats: 8 });
    const counter = store.counterFromString('c');
    counter.add(10);
    expect(store.createMetricSnapshot().counters[0]).toMatchObject({ value: 10, delta: 10 });
    counter.add(5);
    expect(store.createMetricSnapshot().counters[0]).toMatchObject({ value: 15, delta: 5 });
    expect(store.createMetricSnapshot().counters[0]).toMatchObject({ value: 15, delta: 0 });
    counter.reset();
    counter.add(2);
    expect(store.createMetricSnapshot().counters[0]).toMatchObject({ value: 2, delta: 2 });
  });
});
