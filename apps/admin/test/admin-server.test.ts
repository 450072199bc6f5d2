// The admin over real worker threads on loopback: every endpoint's status, content type and shape
// (JSON bodies validated against the published OpenAPI document's schemas), counters from two
// workers summing exactly, a histogram's percentiles against a known distribution, a Prometheus
// scrape parsed by a real parser, /threads against /proc, /logging reaching a worker.

import { componentIds } from '@nuncio/log';
import { StatsStore } from '@nuncio/stats';
import { threadNames, waitFor } from '@nuncio/test-support';
import { Ajv } from 'ajv';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOpenApiDocument } from '../src/index.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import { type Answer, JSON_TYPE, request, TEXT } from './helpers/http.ts';

let h: Harness;
let openApi: Record<string, unknown>;
const ajv = new Ajv({ strict: false, allErrors: true });

beforeAll(async () => {
  h = await startHarness();
  openApi = await adminOpenApiDocument();
});

afterAll(async () => {
  await h?.close();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  request(h.url, path, 'GET', headers);
const post = (path: string) => request(h.url, path, 'POST');

/** Validates a JSON answer against the schema the OpenAPI document gives for it. */
function expectMatchesSchema(path: string, method: string, answer: Answer): unknown {
  expect(answer.contentType).toBe(JSON_TYPE);
  const paths = openApi.paths as Record<string, Record<string, Record<string, unknown>>>;
  const responses = paths[path]?.[method]?.responses as Record<string, Record<string, unknown>>;
  const content = responses[String(answer.status)]?.content as Record<string, { schema: object }>;
  const schema = content['application/json']?.schema;
  expect(schema, `${method} ${path} ${answer.status} has a JSON schema`).toBeDefined();
  const body = JSON.parse(answer.body) as unknown;
  const validate = ajv.compile(schema as object);
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  return body;
}

function expectEnvoyHeaders(answer: Answer): void {
  expect(answer.headers.get('cache-control')).toBe('no-cache, max-age=0');
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
}

describe('stats from two worker threads', () => {
  it('sums a counter incremented on both workers exactly, in text, JSON and Prometheus', async () => {
    const [w0, w1] = h.pool.workers;
    await Promise.all([
      w0?.dispatcher.call('incrementCounter', {
        name: 'cluster.backend.upstream_cx_total',
        times: 30_000,
      }),
      w1?.dispatcher.call('incrementCounter', {
        name: 'cluster.backend.upstream_cx_total',
        times: 12_345,
      }),
    ]);
    const total = 42_345;

    const asText = await get('/stats?filter=upstream_cx_total');
    expect(asText.status).toBe(200);
    expect(asText.contentType).toBe(TEXT);
    expectEnvoyHeaders(asText);
    expect(asText.body).toBe(`cluster.backend.upstream_cx_total: ${total}\n`);

    const asJson = await get('/stats?format=json&filter=upstream_cx_total');
    const body = expectMatchesSchema('/stats', 'get', asJson) as { stats: unknown[] };
    expect(body.stats).toEqual([{ name: 'cluster.backend.upstream_cx_total', value: total }]);

    const scrape = await get('/stats/prometheus');
    expect(scrape.status).toBe(200);
    expect(scrape.contentType).toBe(TEXT);
    const family = parsePrometheusTextFormat(scrape.body).find(
      (f) => f.name === 'envoy_cluster_upstream_cx_total',
    );
    expect(family?.type).toBe('COUNTER');
    expect(family?.metrics).toEqual([
      { labels: { envoy_cluster_name: 'backend' }, value: String(total) },
    ]);
  });

  it("gives a histogram recorded on two workers the known distribution's percentiles", async () => {
    // 1..100 ms, split between the workers: the merged distribution is uniform on 1..100.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const [w0, w1] = h.pool.workers;
    await Promise.all([
      w0?.dispatcher.call('recordValues', {
        name: 'cluster.backend.upstream_rq_time',
        values: values.filter((v) => v % 2 === 0),
      }),
      w1?.dispatcher.call('recordValues', {
        name: 'cluster.backend.upstream_rq_time',
        values: values.filter((v) => v % 2 === 1),
      }),
    ]);
    const answer = await get('/stats?format=json&filter=upstream_rq_time&type=Histograms');
    const body = expectMatchesSchema('/stats', 'get', answer) as {
      stats: {
        histograms: {
          supported_quantiles: number[];
          computed_quantiles: { name: string; values: { cumulative: number }[] }[];
        };
      }[];
    };
    const histograms = body.stats[0]?.histograms;
    expect(histograms?.supported_quantiles).toEqual([0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100]);
    const entry = histograms?.computed_quantiles[0];
    expect(entry?.name).toBe('cluster.backend.upstream_rq_time');
    const cumulative = entry?.values.map((v) => v.cumulative) ?? [];
    // The distribution's quantile q is the sample of rank qN + 1 (101 is past the end); Envoy's
    // log-linear bins are 1 ms wide below 100 and 10 ms wide from 100, and a reported quantile
    // lies within one bin of the true one.
    for (const [i, q] of [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100].entries()) {
      const exact = q + 1;
      const binWidth = exact < 100 ? 1 : 10;
      expect(Math.abs((cumulative[i] as number) - exact), `P${q}`).toBeLessThanOrEqual(binWidth);
    }
    // And exactly what one thread recording the same samples gets: the merge loses nothing.
    const reference = StatsStore.create({ maxStats: 4, maxThreads: 1 });
    const histogram = reference.histogramFromString('reference', 'Milliseconds');
    for (const value of values) histogram.recordValue(value);
    reference.mergeHistograms();
    expect(cumulative).toEqual(reference.histograms()[0]?.cumulative.computedQuantiles);
    // The Prometheus buckets count every sample once, and the sum is exact.
    const scrape = await get('/stats/prometheus?filter=upstream_rq_time');
    const [family] = parsePrometheusTextFormat(scrape.body);
    expect(family?.type).toBe('HISTOGRAM');
    // A bucket counts the samples in bins wholly at or below its bound: 1..49 for le=50.
    expect(family?.metrics[0]?.buckets).toMatchObject({ '50': '49', '100': '99', '+Inf': '100' });
    expect(scrape.body).toContain(
      'envoy_cluster_upstream_rq_time_sum{envoy_cluster_name="backend"} 5050\n',
    );
    expect(scrape.body).toContain(
      'envoy_cluster_upstream_rq_time_count{envoy_cluster_name="backend"} 100\n',
    );
  });

  it('honours usedonly, filter and type, and reports a bad regex with 400', async () => {
    await h.pool.workers[0]?.dispatcher.call('setGauge', {
      name: 'cluster.backend.upstream_cx_active',
      value: 4,
    });
    h.store.counterFromString('cluster.backend.upstream_cx_none'); // created, never written
    const used = await get('/stats?usedonly&filter=^cluster\\.backend\\.');
    expect(used.body).not.toContain('upstream_cx_none');
    expect(used.body).toContain('cluster.backend.upstream_cx_active: 4\n');
    const all = await get('/stats?filter=^cluster\\.backend\\.');
    expect(all.body).toContain('cluster.backend.upstream_cx_none: 0\n');
    const gauges = await get('/stats?type=Gauges&filter=^cluster\\.backend\\.');
    expect(gauges.body).toBe('cluster.backend.upstream_cx_active: 4\n');
    const bad = await get('/stats?filter=(');
    expect(bad.status).toBe(400);
    expect(bad.contentType).toBe(TEXT);
    expect(bad.body).toMatch(/^Invalid regex/);
    const badType = await get('/stats?type=Timers');
    expect(badType.status).toBe(400);
    expect(badType.body).toContain('Counters, Gauges, Histograms');
    const buckets = await get('/stats?filter=upstream_rq_time&histogram_buckets=cumulative');
    // Cumulative buckets count the samples in bins wholly at or below each bound (as Envoy's).
    expect(buckets.body).toMatch(
      /^cluster\.backend\.upstream_rq_time: B0\.5\(0,0\) B1\(0,0\) B5\(0,4\) /,
    );
    expect(buckets.body).toContain(' B100(0,99) B250(0,100) ');
    expect(buckets.body).toContain(' B3.6e+06(');
    const asPrometheus = await get('/stats?format=prometheus&filter=upstream_cx_total');
    expect(asPrometheus.body).toContain('# TYPE envoy_cluster_upstream_cx_total counter\n');
  });

  it('resets counters with POST /reset_counters, and not with GET', async () => {
    await h.pool.workers[1]?.dispatcher.call('incrementCounter', {
      name: 'cluster.other.upstream_cx_total',
      times: 5,
    });
    const refused = await get('/reset_counters');
    expect(refused.status).toBe(405);
    expect((await get('/stats?filter=cluster\\.other\\.upstream_cx_total')).body).toBe(
      'cluster.other.upstream_cx_total: 5\n',
    );
    const reset = await post('/reset_counters');
    expect([reset.status, reset.contentType, reset.body]).toEqual([200, TEXT, 'OK\n']);
    expect((await get('/stats?filter=cluster\\.other\\.upstream_cx_total')).body).toBe(
      'cluster.other.upstream_cx_total: 0\n',
    );
  });
});

describe('/threads', () => {
  it.runIf(process.platform === 'linux')(
    'lists main, workers and guards with the names and thread ids /proc shows',
    async () => {
      const answer = await get('/threads?format=json');
      const body = expectMatchesSchema('/threads', 'get', answer) as {
        threads: {
          name: string;
          tid: number | null;
          role: string;
          dispatcher: string | null;
          utilization: number | null;
          heap_used_bytes: number | null;
          loop_delay_p99_ms: number | null;
          active_connections: number | null;
        }[];
      };
      const roles = body.threads.map((t) => `${t.role}:${t.name}`);
      expect(roles).toEqual([
        'main:MainThread',
        'worker:wrk:worker_0',
        'worker:wrk:worker_1',
        'guard:dog:main_thread',
        'guard:dog:workers_gua',
      ]);
      const proc = new Map(threadNames().map((t) => [t.tid, t.name]));
      for (const thread of body.threads) {
        expect(thread.tid, thread.name).not.toBeNull();
        expect(proc.get(thread.tid as number), thread.name).toBe(thread.name);
      }
      expect(body.threads[0]?.tid).toBe(process.pid);
      // Each worker, asked from inside, names the same OS thread.
      for (const [i, worker] of h.pool.workers.entries()) {
        expect(await worker.dispatcher.call('osTid')).toBe(body.threads[i + 1]?.tid);
      }
      for (const thread of body.threads.slice(0, 3)) {
        expect(thread.utilization).toBeGreaterThanOrEqual(0);
        expect(thread.utilization).toBeLessThanOrEqual(1);
        expect(thread.heap_used_bytes).toBeGreaterThan(0);
        expect(thread.active_connections).toBe(0);
      }
      expect(body.threads.map((t) => t.dispatcher)).toEqual([
        'main_thread',
        'worker_0',
        'worker_1',
        null,
        null,
      ]);

      const asText = await get('/threads');
      expect(asText.contentType).toBe(TEXT);
      const lines = asText.body.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^name\s+tid\s+role\s+dispatcher\s+utilization\s+loop_delay_p99_ms/);
      expect(lines[2]).toMatch(
        new RegExp(`^wrk:worker_0\\s+${body.threads[1]?.tid}\\s+worker\\s+worker_0\\s`),
      );
    },
  );

  it('answers without a worker whose loop is stuck, and then shows its watchdog misses', async () => {
    const worker = h.pool.workers[1];
    const started = new SharedArrayBuffer(4);
    const blocked = worker?.dispatcher.call('block', { ms: 3000, started });
    await waitFor(() => Atomics.load(new Int32Array(started), 0) === 1, {
      what: 'worker_1 blocking its loop',
    });
    const answer = await get('/threads?format=json');
    const body = JSON.parse(answer.body) as {
      threads: {
        dispatcher: string | null;
        utilization: number | null;
        watchdog_miss: number | null;
      }[];
    };
    const stuck = body.threads.find((t) => t.dispatcher === 'worker_1');
    expect(stuck?.utilization).toBeNull();
    expect(body.threads.find((t) => t.dispatcher === 'worker_0')?.utilization).not.toBeNull();
    await blocked;
    await waitFor(
      async () => {
        const after = JSON.parse((await get('/threads?format=json')).body) as {
          threads: {
            dispatcher: string | null;
            watchdog_miss: number | null;
            watchdog_mega_miss: number | null;
          }[];
        };
        const figures = after.threads.find((t) => t.dispatcher === 'worker_1');
        return (figures?.watchdog_miss ?? 0) >= 1 && (figures?.watchdog_mega_miss ?? 0) >= 1;
      },
      { timeoutMs: 5000, what: 'worker_1 watchdog misses in /threads' },
    );
  });

  it('adds each thread to /memory', async () => {
    const answer = await get('/memory');
    const body = expectMatchesSchema('/memory', 'get', answer) as {
      allocated: string;
      heap_size: string;
      threads: { name: string; heap_used: string }[];
    };
    expect(body.threads.map((t) => t.name)).toEqual(['MainThread', 'wrk:worker_0', 'wrk:worker_1']);
    const heaps = body.threads.reduce((sum, t) => sum + Number(t.heap_used), 0);
    expect(Number(body.allocated)).toBeGreaterThanOrEqual(heaps);
    expect(Number(body.heap_size)).toBeGreaterThanOrEqual(heaps);
  });
});

describe('/logging over @nuncio/log', () => {
  it('lists the loggers, and a POST changes the level a worker thread sees', async () => {
    const listing = await get('/logging');
    expect([listing.status, listing.contentType]).toEqual([200, TEXT]);
    const lines = listing.body.split('\n');
    expect(lines[0]).toBe('active loggers:');
    expect(lines.slice(1, 3)).toEqual(['  admin: info', '  alternate_protocols_cache: info']);
    expect(lines).toContain('  upstream: info');
    expect(lines.filter((l) => l.startsWith('  '))).toHaveLength(componentIds.length);
    expect(listing.body.endsWith('\n\n')).toBe(true);
    const worker = h.pool.workers[0];
    expect(await worker?.dispatcher.call('logLevel', 'upstream')).toBe('info');

    const one = await post('/logging?upstream=debug');
    expect(one.status).toBe(200);
    expect(one.body).toContain('  upstream: debug\n');
    expect(await worker?.dispatcher.call('logLevel', 'upstream')).toBe('debug');
    expect(await h.pool.workers[1]?.dispatcher.call('logLevel', 'upstream')).toBe('debug');

    await post('/logging?paths=admin:trace,config:error');
    expect(await worker?.dispatcher.call('logLevel', 'admin')).toBe('trace');
    expect(await worker?.dispatcher.call('logLevel', 'config')).toBe('error');

    await post('/logging?level=warning');
    for (const component of ['admin', 'config', 'conn_handler', 'upstream']) {
      expect(await worker?.dispatcher.call('logLevel', component)).toBe('warning');
    }
    const json = expectMatchesSchema('/logging', 'get', await get('/logging?format=json')) as {
      loggers: Record<string, string>;
    };
    expect(Object.keys(json.loggers)).toEqual([...componentIds]);
    expect(new Set(Object.values(json.loggers))).toEqual(new Set(['warning']));
  });

  it("refuses a change by GET, an unknown logger or level, all or nothing, with Envoy's usage", async () => {
    await post('/logging?level=info');
    const byGet = await get('/logging?upstream=trace');
    expect([byGet.status, byGet.body]).toEqual([405, 'Method GET not allowed, POST required.']);
    const unknown = await post('/logging?paths=upstream:debug,nope:debug');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatch(/^error: unknown logger name\n\nusage: \/logging\?<name>=<level>/);
    expect(unknown.body).toContain('levels: trace debug info warning error critical off \n');
    expect(unknown.body).toContain('  upstream: info\n'); // nothing changed
    const badLevel = await post('/logging?upstream=loud');
    expect(badLevel.body).toMatch(/^error: unknown logger level\n/);
    const two = await post('/logging?upstream=debug&admin=debug');
    expect(two.body).toMatch(/^error: invalid number of parameters\n/);
    expect(await h.pool.workers[0]?.dispatcher.call('logLevel', 'upstream')).toBe('info');
  });
});
