// The built binary serving: start-up to LIVE, thread names, crash and restart, log reopening and
// a graceful shutdown that loses nothing.
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadNames, waitFor } from '@nuncio/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_ON_PORT_0,
  defaultConfigOnFreePorts,
  type ProxyProcess,
  startNuncio,
} from './helpers/proxy-process.ts';

let proxy: ProxyProcess | null = null;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nuncio-serve-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(async () => {
  await proxy?.dispose();
  proxy = null;
});

interface ThreadRow {
  name: string;
  tid: number | null;
  node_thread_id: number | null;
  role: string;
  dispatcher: string | null;
}

async function threads(p: ProxyProcess): Promise<ThreadRow[]> {
  const response = await p.admin('/threads?format=json');
  return (JSON.parse(response.body) as { threads: ThreadRow[] }).threads;
}

function accessLogYaml(path: string): string {
  return `admin:
  address: {socket_address: {port_value: 0}}
  access_log:
  - name: envoy.access_loggers.file
    typed_config:
      "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
      path: ${path}
      log_format: {text_format_source: {inline_string: "%REQ(:PATH)%\\n"}}`;
}

describe('nuncio serving the default config', () => {
  it('reaches LIVE with workers named wrk:worker_<i>, in /proc and in /threads', async () => {
    proxy = await startNuncio([
      '-c',
      (await defaultConfigOnFreePorts(dir)).path,
      '--config-yaml',
      ADMIN_ON_PORT_0,
      '--concurrency',
      '2',
    ]);
    expect((await proxy.admin('/ready')).body.trim()).toBe('LIVE');

    const os = threadNames(proxy.pid).map((t) => t.name);
    for (const name of [
      'wrk:worker_0',
      'wrk:worker_1',
      'dog:main_thread',
      'dog:workers_gua',
      'AccessLogFlush',
    ]) {
      expect(os).toContain(name);
    }

    const rows = await threads(proxy);
    const byName = new Map(rows.map((row) => [row.name, row]));
    expect(byName.get('wrk:worker_0')).toMatchObject({ role: 'worker', dispatcher: 'worker_0' });
    expect(byName.get('wrk:worker_1')).toMatchObject({ role: 'worker', dispatcher: 'worker_1' });
    expect(byName.get('AccessLogFlush')?.role).toBe('other');
    // The OS ids /threads reports are the ones /proc has under those names.
    const tids = new Map(threadNames(proxy.pid).map((t) => [t.name, t.tid]));
    expect(byName.get('wrk:worker_1')?.tid).toBe(tids.get('wrk:worker_1'));

    const info = JSON.parse((await proxy.admin('/server_info')).body) as {
      state: string;
      command_line_options: { concurrency: number };
      node: { id: string };
    };
    expect(info.state).toBe('LIVE');
    expect(info.command_line_options.concurrency).toBe(2);
    expect(info.node.id).toBe('nuncio-default');

    const stats = (await proxy.admin('/stats?filter=^server\\.')).body;
    expect(stats).toContain('server.live: 1');
    expect(stats).toContain('server.concurrency: 2');
  });

  it("--log-path writes every thread's lines to the file, at the levels of -l and --component-log-level", async () => {
    const logPath = join(dir, 'nuncio.log');
    proxy = await startNuncio([
      '-c',
      (await defaultConfigOnFreePorts(dir)).path,
      '--concurrency',
      '2',
      '--log-path',
      logPath,
      '-l',
      'warning',
      '--component-log-level',
      'main:info',
    ]);
    proxy.signal('SIGTERM');
    expect(await proxy.exited()).toEqual([0, null]);
    expect(proxy.stderr).toBe('');
    const lines = readFileSync(logPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { thread: string; component: string; msg: string });
    const from = (thread: string) => lines.filter((line) => line.thread === thread);
    expect(from('main_thread').map((line) => line.msg)).toContain('exiting');
    expect(from('wrk:worker_0').map((line) => line.msg)).toContain('worker_0 started');
    expect(from('wrk:worker_1').map((line) => line.msg)).toContain('worker_1 started');
    // upstream and config stay at warning: their info lines (clusters, listeners) are not there.
    expect(lines.filter((line) => line.component === 'upstream')).toEqual([]);
    expect(lines.filter((line) => line.component === 'config')).toEqual([]);
  });

  it('serves the static clusters in /clusters, with their hosts', async () => {
    proxy = await startNuncio([
      '-c',
      (await defaultConfigOnFreePorts(dir)).path,
      '--config-yaml',
      `${ADMIN_ON_PORT_0}
static_resources:
  clusters:
  - name: backend
    type: STATIC
    lb_policy: LEAST_REQUEST
    load_assignment:
      cluster_name: backend
      endpoints:
      - lb_endpoints:
        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 1}}}
        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 2}}}`,
      '--concurrency',
      '1',
    ]);
    await proxy.waitForLog(/^cluster 'backend': STATIC, LEAST_REQUEST, 2 endpoint\(s\)$/);
    const clusters = (await proxy.admin('/clusters')).body;
    expect(clusters).toContain('backend::127.0.0.1:1::health_flags::healthy');
    expect(clusters).toContain('backend::127.0.0.1:2::health_flags::healthy');
  });

  it('on SIGTERM writes every access-log line, flushes stats to the sinks, and exits 0', async () => {
    const statsd: Socket = createSocket('udp4');
    const datagrams: string[] = [];
    statsd.on('message', (message) => datagrams.push(message.toString()));
    await new Promise<void>((resolve) => statsd.bind(0, '127.0.0.1', resolve));
    try {
      const { port } = statsd.address();
      const accessLog = join(dir, 'sigterm-access.log');
      proxy = await startNuncio([
        '-c',
        (await defaultConfigOnFreePorts(dir)).path,
        '--config-yaml',
        `${accessLogYaml(accessLog)}
stats_flush_interval: 299s
stats_sinks:
- name: envoy.stat_sinks.statsd
  typed_config:
    "@type": type.googleapis.com/envoy.config.metrics.v3.StatsdSink
    address: {socket_address: {address: 127.0.0.1, port_value: ${port}}}`,
        '--concurrency',
        '2',
        // Nothing is written before shutdown but by the size trigger, far away here.
        '--file-flush-interval-msec',
        '3600000',
      ]);
      const requests = 40;
      for (let i = 0; i < requests; i++) await proxy.admin(`/ready?n=${i}`);
      expect(readFileSync(accessLog, 'utf8')).toBe('');
      expect(datagrams).toEqual([]);

      proxy.signal('SIGTERM');
      expect(await proxy.exited()).toEqual([0, null]);
      const lines = readFileSync(accessLog, 'utf8').trim().split('\n');
      expect(lines.filter((line) => line.startsWith('/ready?n='))).toHaveLength(requests);
      await waitFor(() => datagrams.some((d) => d.includes('envoy.server.concurrency:2|g')), {
        what: 'the last stats flush at the statsd sink',
      });
      const messages = proxy.logLines().map((line) => String(line.msg));
      expect(messages).toContain('caught SIGTERM');
      expect(messages.at(-1)).toBe('exiting');
    } finally {
      statsd.close();
    }
  });

  it('POST /quitquitquit shuts down and exits 0', async () => {
    proxy = await startNuncio([
      '-c',
      (await defaultConfigOnFreePorts(dir)).path,
      '--config-yaml',
      ADMIN_ON_PORT_0,
      '--concurrency',
      '1',
    ]);
    const response = await proxy.admin('/quitquitquit', 'POST');
    expect(response.status).toBe(200);
    expect(await proxy.exited()).toEqual([0, null]);
  });

  it('reopens the access log on SIGUSR1, as logrotate expects', async () => {
    const accessLog = join(dir, 'reopen-access.log');
    proxy = await startNuncio([
      '-c',
      (await defaultConfigOnFreePorts(dir)).path,
      '--config-yaml',
      accessLogYaml(accessLog),
      '--concurrency',
      '1',
      '--file-flush-interval-msec',
      '50',
    ]);
    await proxy.admin('/ready?before');
    await waitFor(() => readFileSync(accessLog, 'utf8').includes('/ready?before'), {
      what: 'the first line on disk',
    });
    renameSync(accessLog, `${accessLog}.1`);
    proxy.signal('SIGUSR1');
    await proxy.waitForLog(/reopening log files/);
    await waitFor(() => existsSync(accessLog), { what: 'the reopened file' });
    await proxy.admin('/ready?after');
    await waitFor(() => readFileSync(accessLog, 'utf8').includes('/ready?after'), {
      what: 'the line after the reopen in the new file',
    });
    expect(readFileSync(`${accessLog}.1`, 'utf8')).not.toContain('/ready?after');
  });
});
