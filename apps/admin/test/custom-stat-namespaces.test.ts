// Plugin-defined metrics (`wasmcustom.<name>`) as Envoy's admin shows them: the full name in
// /stats, the name without the namespace and without `envoy_` in /stats/prometheus (a name that
// would start with a digit left out), and the customStatNamespaces option to change the list.

import { StatsStore } from '@nuncio/stats';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, createAdminServer } from '../src/index.ts';
import { request } from './helpers/http.ts';

const quiet = { info() {}, warn() {}, error() {} };
const servers: AdminServer[] = [];
let store: StatsStore;

beforeAll(() => {
  store = StatsStore.create({ maxStats: 64, maxThreads: 1 });
  store.counterFromString('wasmcustom.requests_total').add(3);
  store.counterFromString('wasmcustom.my.plugin-bytes').add(7);
  store.counterFromString('wasmcustom.1st_try').add(1);
  store.gaugeFromString('wasmcustom.active', 'Accumulate').set(2);
  store.histogramFromString('wasmcustom.sizes', 'Unspecified').recordValue(42);
  store.counterFromString('cluster.backend.upstream_cx_total').add(5);
  store.mergeHistograms();
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function serve(customStatNamespaces?: readonly string[]): Promise<string> {
  const server = await createAdminServer({
    providers: { stats: store },
    address: { host: '127.0.0.1', port: 0 },
    logger: quiet,
    ...(customStatNamespaces === undefined ? {} : { customStatNamespaces }),
  });
  servers.push(server);
  return server.url;
}

describe('custom stat namespaces', () => {
  it('keeps the wasmcustom prefix in /stats, as Envoy', async () => {
    const url = await serve();
    const text = (await request(url, '/stats?filter=wasmcustom')).body;
    expect(text).toContain('wasmcustom.requests_total: 3\n');
    expect(text).toContain('wasmcustom.active: 2\n');
    expect(text).toContain('wasmcustom.sizes: P0(');
    const json = JSON.parse((await request(url, '/stats?format=json&filter=requests')).body);
    expect(json.stats).toEqual([{ name: 'wasmcustom.requests_total', value: 3 }]);
  });

  it('strips it in /stats/prometheus, without envoy_, leaving out names that start with a digit', async () => {
    const url = await serve();
    for (const path of ['/stats/prometheus', '/stats?format=prometheus']) {
      const body = (await request(url, path)).body;
      const families = new Map(parsePrometheusTextFormat(body).map((f) => [f.name, f]));
      expect(families.get('requests_total')?.type).toBe('COUNTER');
      expect(families.get('requests_total')?.metrics).toEqual([{ value: '3' }]);
      expect(families.get('my_plugin_bytes')?.metrics).toEqual([{ value: '7' }]);
      expect(families.get('active')?.type).toBe('GAUGE');
      expect(families.get('sizes')?.type).toBe('HISTOGRAM');
      expect(families.get('envoy_cluster_upstream_cx_total')?.metrics).toEqual([
        { labels: { envoy_cluster_name: 'backend' }, value: '5' },
      ]);
      expect([...families.keys()].filter((name) => name.includes('wasmcustom'))).toEqual([]);
      expect(body).not.toContain('1st_try');
    }
    // The filter still matches the full name.
    const filtered = (await request(url, '/stats/prometheus?filter=^wasmcustom\\.active$')).body;
    expect(filtered).toBe('# TYPE active gauge\nactive{} 2\n');
  });

  it('takes the namespaces from the customStatNamespaces option', async () => {
    const url = await serve([]);
    const body = (await request(url, '/stats/prometheus?filter=requests_total')).body;
    expect(body).toBe(
      '# TYPE envoy_wasmcustom_requests_total counter\nenvoy_wasmcustom_requests_total{} 3\n',
    );
    await expect(
      createAdminServer({
        providers: { stats: store },
        address: { host: '127.0.0.1', port: 0 },
        logger: quiet,
        customStatNamespaces: ['wasm.custom'],
      }),
    ).rejects.toMatchObject({ code: 'NUNCIO_ERR_ADMIN_INVALID_OPTION' });
  });
});
