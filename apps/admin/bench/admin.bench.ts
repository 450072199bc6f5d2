// What the admin adds on top of what it serves, in one run: a Prometheus scrape and a /ready
// through the admin (Fastify on loopback) against a bare node:http server answering the same bytes,
// and against rendering the same scrape in process; /threads with two workers against the pool's
// own loopStats() call.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { measureOpsPerSecond, reportBench } from '@nuncio/bench-support';
import { startWorkers } from '@nuncio/dispatcher';
import { StatsStore, statsAsPrometheus } from '@nuncio/stats';
import { createAdminServer, createServerInfo, workerPoolThreads } from '../src/index.ts';

const store = StatsStore.create({ maxStats: 4096, maxThreads: 2 });
for (let c = 0; c < 50; c++) {
  for (const stat of ['upstream_cx_total', 'upstream_rq_total', 'upstream_cx_connect_fail']) {
    store.counterFromString(`cluster.c${c}.${stat}`).add(c * 7 + 1);
  }
  store.gaugeFromString(`cluster.c${c}.upstream_cx_active`, 'Accumulate').set(c);
  const histogram = store.histogramFromString(`cluster.c${c}.upstream_rq_time`, 'Milliseconds');
  for (let v = 1; v <= 200; v++) histogram.recordValue(v);
}
store.mergeHistograms();
const scrape = statsAsPrometheus(store);

const pool = await startWorkers({ concurrency: 2 });
const admin = await createAdminServer({
  address: { host: '127.0.0.1', port: 0 },
  logger: { info() {}, warn() {}, error() {} },
  providers: { server: createServerInfo(), stats: store, threads: workerPoolThreads(pool) },
});

// The baseline server: the same bytes, no routing, no schema, no hooks.
const bare = createServer((request, response) => {
  const body = request.url === '/ready' ? 'LIVE\n' : scrape;
  response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
  response.end(body);
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;

async function fetchText(url: string): Promise<number> {
  const response = await fetch(url);
  return (await response.text()).length;
}

// Both servers must answer what is measured.
if ((await fetchText(`${admin.url}/stats/prometheus`)) !== scrape.length) {
  throw new Error('the admin scrape differs from the in-process rendering');
}

// The machine is shared: measure every subject and baseline in short interleaved rounds, after
// one warm-up pass, and keep each one's median, so that load drifting during the run hits all alike.
const subjects: Record<string, () => unknown> = {
  adminScrape: () => fetchText(`${admin.url}/stats/prometheus`),
  bareScrape: () => fetchText(`${bareUrl}/metrics`),
  renderOnly: () => statsAsPrometheus(store).length,
  adminReady: () => fetchText(`${admin.url}/ready`),
  bareReady: () => fetchText(`${bareUrl}/ready`),
  adminThreads: () => fetchText(`${admin.url}/threads?format=json`),
  loopStats: () => pool.loopStats(),
};
const rounds: Record<string, number[]> = {};
for (const [name, run] of Object.entries(subjects)) {
  await measureOpsPerSecond(run, { durationMs: 500, warmupMs: 500 });
  rounds[name] = [];
}
for (let round = 0; round < 7; round++) {
  for (const [name, run] of Object.entries(subjects)) {
    rounds[name]?.push(await measureOpsPerSecond(run, { durationMs: 250, warmupMs: 20 }));
  }
}
const median = (name: string): number => {
  const sorted = [...(rounds[name] as number[])].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const adminScrape = median('adminScrape');
const bareScrape = median('bareScrape');
const renderOnly = median('renderOnly');
const adminReady = median('adminReady');
const bareReady = median('bareReady');
const adminThreads = median('adminThreads');
const loopStats = median('loopStats');

await admin.close();
await new Promise((resolve) => bare.close(resolve));
await pool.shutdown();

reportBench('admin', [
  {
    name: `GET /stats/prometheus (${Math.round(scrape.length / 1024)} KiB)`,
    unit: 'req/s',
    value: adminScrape,
    baseline: bareScrape,
    baselineName: 'bare node:http sending the same bytes',
  },
  {
    name: 'GET /stats/prometheus',
    unit: 'req/s',
    value: adminScrape,
    baseline: renderOnly,
    baselineName: 'statsAsPrometheus() in process',
  },
  {
    name: 'GET /ready',
    unit: 'req/s',
    value: adminReady,
    baseline: bareReady,
    baselineName: 'bare node:http sending LIVE',
    target: '>= 0.5x (the admin costs at most twice a bare server)',
  },
  {
    name: 'GET /threads?format=json (2 workers)',
    unit: 'req/s',
    value: adminThreads,
    baseline: loopStats,
    baselineName: 'pool.loopStats() in process',
  },
]);
