// Every other endpoint of the admin over real worker threads: status, content type and shape,
// Envoy's text formats line by line, POST-only enforcement with Envoy's 405, and the 404.
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOpenApiDocument } from '../src/index.ts';
import { type Harness, LOADED_AT, startHarness } from './helpers/harness.ts';
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

function schemaFor(path: string, method: string, status: number): object {
  const paths = openApi.paths as Record<string, Record<string, Record<string, unknown>>>;
  const responses = paths[path]?.[method]?.responses as Record<string, Record<string, unknown>>;
  const content = responses[String(status)]?.content as Record<string, { schema: object }>;
  return content['application/json']?.schema as object;
}

function jsonBody(path: string, answer: Answer): Record<string, unknown> {
  expect(answer.status).toBe(200);
  expect(answer.contentType).toBe(JSON_TYPE);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  const validate = ajv.compile(schemaFor(path, 'get', 200));
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  return body;
}

describe('/ and /help', () => {
  it("gives curl Envoy's command list and a browser an HTML page", async () => {
    const help = await get('/help');
    expect([help.status, help.contentType]).toEqual([200, TEXT]);
    const lines = help.body.split('\n');
    expect(lines[0]).toBe('admin commands are:');
    expect(lines).toContain('  /clusters: upstream cluster status');
    expect(lines).toContain('  /quitquitquit (POST): exit the server');
    expect(lines).toContain('      format: File format to use; One of (text, json)');
    const paths = lines.filter((l) => /^ {2}\//.test(l)).map((l) => l.trim().split(/[: ]/)[0]);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toEqual([
      '/',
      '/clusters',
      '/config_dump',
      '/drain_listeners',
      '/healthcheck/fail',
      '/healthcheck/ok',
      '/help',
      '/hot_restart_version',
      '/listeners',
      '/logging',
      '/memory',
      '/quitquitquit',
      '/ready',
      '/reopen_logs',
      '/reset_counters',
      '/server_info',
      '/stats',
      '/stats/prometheus',
      '/threads',
    ]);
    const curl = await get('/', { accept: '*/*' });
    expect([curl.status, curl.contentType, curl.body]).toEqual([200, TEXT, help.body]);
    const browser = await get('/', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect([browser.status, browser.contentType]).toEqual([200, 'text/html; charset=UTF-8']);
    expect(browser.body).toMatch(/^<!DOCTYPE html>/);
    expect(browser.body).toContain('data-path="/quitquitquit" onsubmit="return go(this,true)"');
    expect(browser.body).toContain('data-path="/stats" onsubmit="return go(this,false)"');
  });

  it('answers a read whatever the method, as Envoy does', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await request(h.url, '/listeners', method);
      expect([answer.status, answer.body.split('\n')[0]]).toEqual([
        200,
        'listener_0::0.0.0.0:10000',
      ]);
    }
    const head = await request(h.url, '/ready', 'HEAD');
    expect([head.status, head.contentType, head.body]).toEqual([200, TEXT, '']);
  });

  it("answers an unknown path with Envoy's 404 and the command list", async () => {
    const answer = await get('/no/such/thing');
    expect([answer.status, answer.contentType]).toEqual([404, TEXT]);
    expect(answer.body.startsWith('invalid path. admin commands are:\n')).toBe(true);
  });
});

describe('server state', () => {
  it('/ready answers LIVE with 200, and DRAINING with 503 after POST /healthcheck/fail', async () => {
    const live = await get('/ready');
    expect([live.status, live.contentType, live.body]).toEqual([200, TEXT, 'LIVE\n']);
    expect((await post('/healthcheck/fail')).body).toBe('OK\n');
    const draining = await get('/ready');
    expect([draining.status, draining.body]).toEqual([503, 'DRAINING\n']);
    expect(((await get('/server_info')).body as string).includes('"state": "DRAINING"')).toBe(true);
    expect((await post('/healthcheck/ok')).status).toBe(200);
    expect((await get('/ready')).body).toBe('LIVE\n');
    h.serverInfo.initState = 'Initializing';
    expect(await get('/ready')).toMatchObject({ status: 503, body: 'INITIALIZING\n' });
    h.serverInfo.initState = 'Uninitialized';
    expect(await get('/ready')).toMatchObject({ status: 503, body: 'PRE_INITIALIZING\n' });
    h.serverInfo.initState = 'Initialized';
    expect(
      h.lifecycleCalls.filter((c) => c.name === 'failHealthcheck').map((c) => c.args[0]),
    ).toEqual([true, false]);
  });

  it("/server_info has envoy.admin.v3.ServerInfo's fields, pretty-printed as Envoy does", async () => {
    const answer = await get('/server_info');
    const body = jsonBody('/server_info', answer);
    expect(answer.body).toMatch(/^\{\n "version": /);
    expect(body).toMatchObject({
      state: 'LIVE',
      hot_restart_version: 'disabled',
      node: { id: 'node-1', cluster: 'edge' },
    });
    const options = body.command_line_options as Record<string, unknown>;
    expect(options).toMatchObject({
      concurrency: 2,
      mode: 'Serve',
      drain_time: '600s',
      base_id: '0',
    });
    expect(body.uptime_current_epoch).toMatch(/^\d+s$/);
    const text = await get('/hot_restart_version');
    expect([text.status, text.contentType, text.body]).toEqual([200, TEXT, 'disabled']);
  });
});

describe('/clusters and /listeners', () => {
  it("prints Envoy's text lines per cluster and host", async () => {
    const answer = await get('/clusters');
    expect([answer.status, answer.contentType]).toEqual([200, TEXT]);
    const lines = answer.body.trimEnd().split('\n');
    expect(lines.slice(0, 15)).toEqual([
      'backend::observability_name::backend',
      'backend::outlier::success_rate_average::93.25',
      'backend::outlier::success_rate_ejection_threshold::85',
      'backend::outlier::local_origin_success_rate_average::-1',
      'backend::outlier::local_origin_success_rate_ejection_threshold::-1',
      'backend::default_priority::max_connections::1024',
      'backend::default_priority::max_pending_requests::1024',
      'backend::default_priority::max_requests::1024',
      'backend::default_priority::max_retries::3',
      'backend::high_priority::max_connections::1024',
      'backend::high_priority::max_pending_requests::1024',
      'backend::high_priority::max_requests::1024',
      'backend::high_priority::max_retries::3',
      'backend::added_via_api::false',
      'backend::127.0.0.1:8080::cx_active::2',
    ]);
    expect(lines).toContain('backend::127.0.0.1:8080::cx_total::7');
    expect(lines).toContain('backend::127.0.0.1:8080::health_flags::healthy');
    expect(lines).toContain('backend::127.0.0.1:8080::success_rate::-1');
    expect(lines).toContain(
      'backend::[::1]:8081::health_flags::/failed_active_hc/failed_outlier_check',
    );
    expect(lines).toContain('backend::[::1]:8081::hostname::backend-2.local');
    expect(lines).toContain('backend::[::1]:8081::region::eu-west');
    expect(lines).toContain('backend::[::1]:8081::weight::3');
    expect(lines).toContain('backend::[::1]:8081::priority::1');
    expect(lines).toContain('backend::[::1]:8081::success_rate::87.5');
    expect(lines).toContain('xds::observability_name::xds_stats');
    expect(lines).toContain('xds::added_via_api::true');
    expect(lines).toContain('xds::eds_service_name::xds-eds');
    expect(lines).toContain('xds::/run/xds.sock::health_flags::healthy');
  });

  it("gives envoy.admin.v3.Clusters in proto3 JSON with each host's health and stats", async () => {
    const body = jsonBody('/clusters', await get('/clusters?format=json'));
    const [backend, xds] = body.cluster_statuses as Record<string, unknown>[];
    expect(backend?.success_rate_ejection_threshold).toEqual({ value: 85 });
    expect(backend?.added_via_api).toBeUndefined();
    expect(backend?.circuit_breakers).toEqual({
      thresholds: [
        { max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 },
        {
          priority: 'HIGH',
          max_connections: 1024,
          max_pending_requests: 1024,
          max_requests: 1024,
          max_retries: 3,
        },
      ],
    });
    const [healthy, failed] = (backend?.host_statuses ?? []) as Record<string, unknown>[];
    expect(healthy).toMatchObject({
      address: { socket_address: { address: '127.0.0.1', port_value: 8080 } },
      health_status: { eds_health_status: 'HEALTHY' },
      weight: 1,
    });
    expect(healthy?.stats).toEqual([
      { name: 'cx_total', value: '7' },
      { name: 'rq_error', value: '1' },
      { name: 'rq_success', value: '11' },
      { name: 'rq_total', value: '12' },
      { name: 'cx_active', value: '2', type: 'GAUGE' },
    ]);
    expect(failed).toMatchObject({
      hostname: 'backend-2.local',
      locality: { region: 'eu-west', zone: 'a' },
      health_status: {
        failed_active_health_check: true,
        failed_outlier_check: true,
        eds_health_status: 'HEALTHY',
      },
      success_rate: { value: 87.5 },
      priority: 1,
    });
    expect(xds).toMatchObject({
      added_via_api: true,
      eds_service_name: 'xds-eds',
      observability_name: 'xds_stats',
    });
    expect(((xds?.host_statuses ?? []) as Record<string, unknown>[])[0]?.address).toEqual({
      pipe: { path: '/run/xds.sock' },
    });
  });

  it("prints each listener's addresses as name::address, and Envoy's Listeners in JSON", async () => {
    const answer = await get('/listeners');
    expect([answer.status, answer.contentType, answer.body]).toEqual([
      200,
      TEXT,
      'listener_0::0.0.0.0:10000\ndual::127.0.0.1:10001\ndual::[::1]:10001\n',
    ]);
    const body = jsonBody('/listeners', await get('/listeners?format=json'));
    expect(body).toEqual({
      listener_statuses: [
        {
          name: 'listener_0',
          local_address: { socket_address: { address: '0.0.0.0', port_value: 10000 } },
        },
        {
          name: 'dual',
          local_address: { socket_address: { address: '127.0.0.1', port_value: 10001 } },
          additional_local_addresses: [{ socket_address: { address: '::1', port_value: 10001 } }],
        },
      ],
    });
  });
});

describe('/config_dump', () => {
  type Dump = { configs: Record<string, unknown>[] };

  it("dumps the bootstrap, clusters and listeners in Envoy's order", async () => {
    const body = jsonBody('/config_dump', await get('/config_dump')) as Dump;
    expect(body.configs.map((c) => c['@type'])).toEqual([
      'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump',
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
    ]);
    expect(body.configs[0]?.last_updated).toBe(LOADED_AT.toISOString());
  });

  it('resource= lists the entries of one repeated field, each with its own type', async () => {
    const body = jsonBody(
      '/config_dump',
      await get('/config_dump?resource=static_clusters'),
    ) as Dump;
    expect(body.configs.map((c) => c['@type'])).toEqual([
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump.StaticCluster',
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump.StaticCluster',
    ]);
    const cluster = body.configs[0]?.cluster as Record<string, unknown>;
    expect(cluster['@type']).toBe('type.googleapis.com/envoy.config.cluster.v3.Cluster');
    expect(cluster.name).toBe('backend');
    const listeners = jsonBody(
      '/config_dump',
      await get('/config_dump?resource=static_listeners'),
    ) as Dump;
    expect(listeners.configs).toHaveLength(2);
  });

  it('mask= with resource= trims every entry, reaching into the resource', async () => {
    const body = jsonBody(
      '/config_dump',
      await get('/config_dump?resource=static_clusters&mask=cluster.name,cluster.alt_stat_name'),
    ) as Dump;
    expect(body.configs).toEqual([
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump.StaticCluster',
        cluster: {
          '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
          name: 'backend',
        },
      },
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump.StaticCluster',
        cluster: {
          '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
          name: 'other',
          alt_stat_name: 'other_stats',
        },
      },
    ]);
  });

  it('mask= alone trims each config it fits and drops the others', async () => {
    const body = jsonBody('/config_dump', await get('/config_dump?mask=static_listeners')) as Dump;
    expect(body.configs.map((c) => c['@type'])).toEqual([
      'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
    ]);
    expect(Object.keys(body.configs[0] ?? {})).toEqual(['@type', 'static_listeners']);
    const bootstrapOnly = jsonBody(
      '/config_dump',
      await get('/config_dump?mask=bootstrap.node'),
    ) as Dump;
    expect(bootstrapOnly.configs).toEqual([
      {
        '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump',
        bootstrap: { node: { id: 'node-1', cluster: 'edge' } },
      },
    ]);
  });

  it('name_regex= keeps the resources whose whole name matches', async () => {
    const body = jsonBody(
      '/config_dump',
      await get('/config_dump?resource=static_listeners&name_regex=listener_1'),
    ) as Dump;
    expect(body.configs.map((c) => (c.listener as { name: string }).name)).toEqual(['listener_1']);
    const partial = jsonBody(
      '/config_dump',
      await get('/config_dump?resource=static_listeners&name_regex=listener'),
    ) as Dump;
    expect(partial.configs).toEqual([]);
  });

  it('include_eds adds the endpoints of the cluster manager', async () => {
    const body = jsonBody('/config_dump', await get('/config_dump?include_eds')) as Dump;
    expect(body.configs.map((c) => String(c['@type']).split('.').pop())).toEqual([
      'BootstrapConfigDump',
      'ClustersConfigDump',
      'EndpointsConfigDump',
      'ListenersConfigDump',
    ]);
    const eds = body.configs[2] as {
      static_endpoint_configs: { endpoint_config: Record<string, unknown> }[];
    };
    expect(eds.static_endpoint_configs[0]?.endpoint_config.cluster_name).toBe('backend');
  });

  it("answers Envoy's errors for a bad resource, mask or regex", async () => {
    const missing = await get('/config_dump?resource=nope');
    expect([missing.status, missing.contentType, missing.body]).toEqual([
      404,
      TEXT,
      'nope not found in config dump',
    ]);
    const notRepeated = await get('/config_dump?resource=version_info');
    expect([notRepeated.status, notRepeated.body]).toEqual([
      400,
      'version_info is not a repeated field. Use ?mask=version_info to get only this field',
    ]);
    const badMask = await get('/config_dump?resource=static_clusters&mask=nope');
    expect([badMask.status, badMask.body]).toEqual([
      400,
      'FieldMask paths: "nope" could not be successfully used.',
    ]);
    const noFit = await get('/config_dump?mask=nope');
    expect([noFit.status, noFit.body]).toEqual([
      400,
      'FieldMask nope could not be successfully applied to any configs.',
    ]);
    const badRegex = await get('/config_dump?name_regex=(');
    expect(badRegex.status).toBe(400);
    expect(badRegex.body).toMatch(/^INVALID_ARGUMENT: Error while parsing name_regex from \(/);
  });
});

describe('mutating endpoints', () => {
  const MUTATING = [
    '/healthcheck/fail',
    '/healthcheck/ok',
    '/drain_listeners',
    '/quitquitquit',
    '/reopen_logs',
    '/reset_counters',
  ];

  it.each(MUTATING)(
    "refuse anything but POST on %s with Envoy's 405, changing nothing",
    async (path) => {
      const before = h.lifecycleCalls.length;
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
        const answer = await request(h.url, path, method);
        expect([answer.status, answer.contentType, answer.body]).toEqual([
          405,
          TEXT,
          `Method ${method} not allowed, POST required.`,
        ]);
      }
      expect(h.lifecycleCalls.length).toBe(before);
      expect((await get('/ready')).body).toBe('LIVE\n');
    },
  );

  it('/drain_listeners passes graceful and inboundonly, and wants graceful with skip_exit', async () => {
    const calls = () =>
      h.lifecycleCalls.filter((c) => c.name === 'drainListeners').map((c) => c.args[0]);
    expect((await post('/drain_listeners')).body).toBe('OK\n');
    expect((await post('/drain_listeners?graceful&inboundonly')).body).toBe('OK\n');
    expect((await post('/drain_listeners?graceful&skip_exit')).status).toBe(200);
    const refused = await post('/drain_listeners?skip_exit');
    expect([refused.status, refused.body]).toEqual([400, 'skip_exit requires graceful\n']);
    expect(calls()).toEqual([
      { graceful: false, skipExit: false, inboundOnly: false },
      { graceful: true, skipExit: false, inboundOnly: true },
      { graceful: true, skipExit: true, inboundOnly: false },
    ]);
  });

  it('/reopen_logs and /quitquitquit answer OK; the shutdown starts once the answer is out', async () => {
    expect(await post('/reopen_logs')).toMatchObject({ status: 200, body: 'OK\n' });
    expect(h.lifecycleCalls.some((c) => c.name === 'reopenLogs')).toBe(true);
    const quit = await post('/quitquitquit');
    expect([quit.status, quit.contentType, quit.body]).toEqual([200, TEXT, 'OK\n']);
    await expect.poll(() => h.lifecycleCalls.some((c) => c.name === 'shutdown')).toBe(true);
  });

  it('ignores a request body, whatever its content type', async () => {
    const answer = await fetch(`${h.url}/healthcheck/ok`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
      signal: AbortSignal.timeout(10_000),
    });
    expect([answer.status, await answer.text()]).toEqual([200, 'OK\n']);
  });
});
