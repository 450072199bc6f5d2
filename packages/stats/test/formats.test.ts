import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HISTOGRAM_BUCKETS,
  StatsStore,
  statsAsJson,
  statsAsJsonObject,
  statsAsPrometheus,
  statsAsText,
} from '../src/index.ts';

function sampleStore(): StatsStore {
  const store = StatsStore.create({
    maxStats: 64,
    maxThreads: 1,
    statsConfig: { statsTags: [{ tagName: 'odd', fixedValue: 'say "hi"\\\nbye' }] },
  });
  return store;
}

function populate(store: StatsStore): void {
  const backend = store.scopeFromStatName('cluster.backend');
  backend.counterFromString('upstream_cx_total').add(3);
  store.counterFromString('cluster.other.upstream_cx_total').inc();
  backend.counterFromString('upstream_rq_200').add(2);
  backend.counterFromString('upstream_cx_none');
  backend.gaugeFromString('upstream_cx_active').set(2);
  store.gaugeFromString('server.live').set(1);
  const rqTime = backend.histogramFromString('upstream_rq_time', 'Milliseconds');
  for (let v = 1; v <= 100; v++) rqTime.recordValue(v);
  store.histogramFromString('server.initialization_time_ms', 'Milliseconds').recordValue(200);
  backend.histogramFromString('upstream_cx_length_ms', 'Milliseconds');
  store.mergeHistograms();
}

describe('statsAsText (admin /stats)', () => {
  it('prints counters and gauges sorted together, then histograms with P-quantile pairs', () => {
    const store = StatsStore.create({ maxStats: 16, maxThreads: 1 });
    store.counterFromString('b.count').add(7);
    store.gaugeFromString('a.gauge').set(3);
    store.gaugeFromString('c.unused');
    store.histogramFromString('h.one').recordValue(200);
    store.histogramFromString('h.none');
    store.mergeHistograms();
    expect(statsAsText(store)).toBe(
      [
        'a.gauge: 3',
        'b.count: 7',
        'c.unused: 0',
        'h.none: No recorded values',
        'h.one: P0(200,200) P25(202.5,202.5) P50(205,205) P75(207.5,207.5) P90(209,209) P95(209.5,209.5) P99(209.9,209.9) P99.5(209.95,209.95) P99.9(209.99,209.99) P100(210,210)',
        '',
      ].join('\n'),
    );
    store.mergeHistograms();
    expect(statsAsText(store, { usedOnly: true })).toBe(
      'a.gauge: 3\nb.count: 7\nh.one: P0(nan,200) P25(nan,202.5) P50(nan,205) P75(nan,207.5) P90(nan,209) P95(nan,209.5) P99(nan,209.9) P99.5(nan,209.95) P99.9(nan,209.99) P100(nan,210)\n',
    );
    expect(statsAsText(store, { filter: '^b\\.', type: 'Counters' })).toBe('b.count: 7\n');
    expect(statsAsText(store, { type: 'Gauges', filter: /unused/g })).toBe('c.unused: 0\n');
    expect(statsAsText(store, { type: 'TextReadouts' })).toBe('');
  });

  it('rejects a malformed filter or type', () => {
    const store = StatsStore.create({ maxStats: 4 });
    expect(() => statsAsText(store, { filter: '(' })).toThrow(
      expect.objectContaining({ code: 'NUNCIO_ERR_STATS_INVALID_RENDER_OPTION' }),
    );
    expect(() => statsAsText(store, { type: 'Bogus' as never })).toThrow(/type/);
  });
});

describe('statsAsJson (admin /stats?format=json)', () => {
  it('has Envoy shape: name/value entries, then one histograms entry', () => {
    const store = StatsStore.create({ maxStats: 16, maxThreads: 1 });
    store.counterFromString('c1').add(10);
    store.counterFromString('c2').add(20);
    store.histogramFromString('h').recordValue(200);
    store.mergeHistograms();
    store.mergeHistograms();
    const doc = JSON.parse(statsAsJson(store));
    expect(doc).toEqual(statsAsJsonObject(store));
    expect(doc.stats.slice(0, 2)).toEqual([
      { name: 'c1', value: 10 },
      { name: 'c2', value: 20 },
    ]);
    const histograms = doc.stats[2].histograms;
    expect(histograms.supported_quantiles).toEqual([0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100]);
    expect(histograms.computed_quantiles).toHaveLength(1);
    expect(histograms.computed_quantiles[0].name).toBe('h');
    expect(histograms.computed_quantiles[0].values[1]).toEqual({
      interval: null,
      cumulative: 202.5,
    });
    expect(statsAsJsonObject(store, { type: 'Counters' }).stats).toHaveLength(2);
    expect(statsAsJson(store, { pretty: true })).toContain('\n  "stats": [');
  });
});

describe('statsAsPrometheus (admin /stats/prometheus)', () => {
  it('parses with a real exposition-format parser and carries Envoy labels', () => {
    const store = StatsStore.create({ maxStats: 64, maxThreads: 1 });
    populate(store);
    const text = statsAsPrometheus(store);
    expect(text).toContain('# TYPE envoy_cluster_upstream_cx_total counter\n');
    expect(text).toContain('envoy_cluster_upstream_cx_total{envoy_cluster_name="backend"} 3\n');
    expect(text).toContain('envoy_server_live{} 1\n');
    const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));

    const cxTotal = families.get('envoy_cluster_upstream_cx_total');
    expect(cxTotal?.type).toBe('COUNTER');
    expect(cxTotal?.metrics).toEqual([
      { labels: { envoy_cluster_name: 'backend' }, value: '3' },
      { labels: { envoy_cluster_name: 'other' }, value: '1' },
    ]);
    expect(families.get('envoy_cluster_upstream_rq')?.metrics).toEqual([
      { labels: { envoy_response_code: '200', envoy_cluster_name: 'backend' }, value: '2' },
    ]);
    expect(families.get('envoy_cluster_upstream_cx_none')?.metrics).toEqual([
      { labels: { envoy_cluster_name: 'backend' }, value: '0' },
    ]);
    expect(families.get('envoy_cluster_upstream_cx_active')).toMatchObject({
      type: 'GAUGE',
      metrics: [{ labels: { envoy_cluster_name: 'backend' }, value: '2' }],
    });
    expect(families.get('envoy_server_live')).toMatchObject({
      type: 'GAUGE',
      metrics: [{ value: '1' }],
    });

    const rqTime = families.get('envoy_cluster_upstream_rq_time');
    expect(rqTime?.type).toBe('HISTOGRAM');
    const buckets = rqTime?.metrics[0]?.buckets ?? {};
    // Envoy's default bounds, plus +Inf (an object orders integer-like keys first: compare sets).
    expect(new Set(Object.keys(buckets))).toEqual(
      new Set([...DEFAULT_HISTOGRAM_BUCKETS.map(String), '+Inf']),
    );
    // Samples 1..100: 1..9 sit in bins [v, v+0.1), so le=5 holds 1..4 and le=10 holds 1..9.
    expect(buckets['5']).toBe('4');
    expect(buckets['10']).toBe('9');
    expect(buckets['100']).toBe('99');
    expect(buckets['250']).toBe('100');
    expect(buckets['+Inf']).toBe('100');
    expect(text).toContain(
      'envoy_cluster_upstream_rq_time_sum{envoy_cluster_name="backend"} 5050\n',
    );
    expect(text).toContain(
      'envoy_cluster_upstream_rq_time_count{envoy_cluster_name="backend"} 100\n',
    );

    const init = families.get('envoy_server_initialization_time_ms');
    expect(init?.type).toBe('HISTOGRAM');
    expect(init?.metrics[0]).toMatchObject({ count: '1', sum: '200' });
    expect(init?.metrics[0]?.buckets?.['250']).toBe('1');
  });

  it('escapes label values so the parser reads them back unchanged', () => {
    const store = sampleStore();
    store.counterFromString('x.total').inc();
    const [family] = parsePrometheusTextFormat(statsAsPrometheus(store));
    expect(family?.metrics[0]?.labels).toEqual({ odd: 'say "hi"\\\nbye' });
  });

  it('honours usedOnly, filter, type and namespace', () => {
    const store = StatsStore.create({ maxStats: 64, maxThreads: 1 });
    populate(store);
    const used = parsePrometheusTextFormat(statsAsPrometheus(store, { usedOnly: true })).map(
      (f) => f.name,
    );
    expect(used).not.toContain('envoy_cluster_upstream_cx_none');
    expect(used).not.toContain('envoy_cluster_upstream_cx_length_ms');
    expect(used).toContain('envoy_cluster_upstream_rq_time');
    const filtered = parsePrometheusTextFormat(statsAsPrometheus(store, { filter: 'other' }));
    expect(filtered.map((f) => f.name)).toEqual(['envoy_cluster_upstream_cx_total']);
    expect(filtered[0]?.metrics).toHaveLength(1);
    const gauges = parsePrometheusTextFormat(
      statsAsPrometheus(store, { type: 'Gauges', namespace: 'nuncio_' }),
    );
    expect(gauges.map((f) => f.name)).toEqual([
      'nuncio_cluster_upstream_cx_active',
      'nuncio_server_live',
    ]);
  });
});
