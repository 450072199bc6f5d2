// The TCP proxy in the built binary: the bundled default config forwards to the admin, and a
// SIGTERM under load leaves every access-log line on disk.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoopbackServer, startEchoServer, waitFor } from '@nuncio/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultConfigOnFreePorts,
  type ProxyProcess,
  startNuncio,
} from './helpers/proxy-process.ts';
import { TcpClient } from './helpers/tcp-client.ts';

let dir: string;
let proxy: ProxyProcess | null = null;
let upstream: LoopbackServer | null = null;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nuncio-tcp-'));
});

afterEach(async () => {
  await proxy?.dispose();
  proxy = null;
  await upstream?.close();
  upstream = null;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sends one HTTP/1.0 GET over a new connection and resolves with all it reads until the close. */
function httpGetOnce(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
    });
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(text));
  });
}

/** `name: value` lines of the admin's `/stats` as a map. */
function statValues(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:]+): (\d+)$/.exec(line.trim());
    if (match !== null) values.set(match[1] as string, Number(match[2]));
  }
  return values;
}

async function listenerPort(p: ProxyProcess, name: string): Promise<number> {
  const body = JSON.parse((await p.admin('/listeners?format=json')).body) as {
    listener_statuses: {
      name: string;
      local_address: { socket_address: { port_value: number } };
    }[];
  };
  const status = body.listener_statuses.find((l) => l.name === name);
  return status?.local_address.socket_address.port_value as number;
}

describe('TCP proxy', () => {
  it('the default config proxies 10000 to the admin, and 10001 through the byte-counting plugin', async () => {
    // The bundled file as it is, on free ports instead of 9901 and 10000.
    const { path: config, adminPort, proxyPort, wasmPort } = await defaultConfigOnFreePorts(dir);
    proxy = await startNuncio(['-c', config, '--concurrency', '2']);
    await proxy.waitForLog(
      new RegExp(
        `^listener 'tcp_to_admin' on 127\\.0\\.0\\.1:${proxyPort}: 1 filter chain\\(s\\)$`,
      ),
    );

    // HTTP/1.0 over a plain socket: the admin answers and closes, so nothing stays open.
    const response = await httpGetOnce(proxyPort, '/ready');
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response.trim().endsWith('LIVE')).toBe(true);
    const stats = (await proxy.admin('/stats?filter=^tcp\\.to_admin\\.downstream_cx_total')).body;
    expect(stats).toMatch(/tcp\.to_admin\.downstream_cx_total: [1-9]/);

    // The second listener runs the example proxy-wasm plugin in front of the same TCP proxy: it
    // lets the bytes through and counts them, as the TCP proxy does.
    const viaWasm = await httpGetOnce(wasmPort, '/ready');
    expect(viaWasm.trim().endsWith('LIVE')).toBe(true);
    const counted = await waitFor(
      async () => {
        const values = statValues(
          (await proxy?.admin('/stats?filter=byte_counter|wasm_to_admin'))?.body ?? '',
        );
        return values.get('wasmcustom.byte_counter.connections') === 1 ? values : undefined;
      },
      { what: 'the plugin to count the connection' },
    );
    expect(counted.get('wasmcustom.byte_counter.downstream_bytes')).toBe(
      counted.get('tcp.wasm_to_admin.downstream_cx_rx_bytes_total'),
    );
    expect(counted.get('wasmcustom.byte_counter.upstream_bytes')).toBe(
      counted.get('tcp.wasm_to_admin.downstream_cx_tx_bytes_total'),
    );
    expect(counted.get('wasmcustom.byte_counter.upstream_bytes')).toBeGreaterThan(0);

    proxy.signal('SIGTERM');
    expect(await proxy.exited()).toEqual([0, null]);
    // The default config logs each proxied connection on stdout, in Envoy's default format.
    expect(proxy.stdout).toContain(`"- - -" 0 - `);
    expect(proxy.stdout).toContain(`"127.0.0.1:${adminPort}"`);
  });

  it('after SIGTERM under load, every proxied connection has its access-log line on disk', async () => {
    upstream = await startEchoServer();
    const accessLog = join(dir, 'tcp-access.log');
    const config = `admin:
  address: {socket_address: {address: 127.0.0.1, port_value: 0}}
static_resources:
  listeners:
  - name: proxy
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: load
          cluster: echo
          access_log:
          - name: envoy.access_loggers.file
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
              path: ${accessLog}
              log_format: {text_format_source: {inline_string: "%DOWNSTREAM_REMOTE_ADDRESS% %BYTES_RECEIVED%\\n"}}
  clusters:
  - name: echo
    type: STATIC
    load_assignment:
      cluster_name: echo
      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${upstream.port}}}}}]}]`;
    proxy = await startNuncio([
      '--config-yaml',
      config,
      '--concurrency',
      '2',
      '--drain-time-s',
      '30',
      // Lines reach the file only by the size trigger or at shutdown, not by the timer.
      '--file-flush-interval-msec',
      '3600000',
    ]);
    const p = proxy;
    const port = await listenerPort(p, 'proxy');

    // Clients that connect, send, read the echo and close, over and over, until refused.
    const served: string[] = [];
    let stop = false;
    const client = async (id: number) => {
      for (let round = 0; !stop; round++) {
        let c: TcpClient;
        try {
          c = await TcpClient.connect(port);
        } catch {
          return; // refused: the listeners have stopped
        }
        const local = `${c.socket.localAddress}:${c.socket.localPort}`;
        const payload = `client ${id} round ${round}`;
        try {
          if ((await c.roundTrip(payload)) === payload) served.push(local);
          await c.end();
        } catch {
          c.destroy();
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, id) => client(id));
    await waitFor(() => served.length >= 100, {
      what: '100 proxied connections',
      timeoutMs: 20_000,
    });
    p.signal('SIGTERM');
    await p.waitForLog(/shutting down \(SIGTERM\)/);
    stop = true;
    await Promise.all(clients);
    expect(await p.exited(30_000)).toEqual([0, null]);

    const lines = readFileSync(accessLog, 'utf8').trim().split('\n');
    const logged = new Set(lines.map((line) => line.split(' ')[0]));
    const missing = served.filter((local) => !logged.has(local));
    expect(missing).toEqual([]);
    expect(lines.length).toBeGreaterThanOrEqual(served.length);
  }, 60_000);
});
