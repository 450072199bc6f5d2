// Listeners in the built binary: every worker serves them, /listeners and /threads show them, a
// drain lets connections in flight finish, and a crashed worker gets its listeners back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadNames, waitFor } from '@nuncio/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProxyProcess, startNuncio } from './helpers/proxy-process.ts';
import { refused, TcpClient } from './helpers/tcp-client.ts';

const ECHO_CONFIG = `admin:
  address: {socket_address: {address: 127.0.0.1, port_value: 0}}
static_resources:
  listeners:
  - name: echo
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.echo
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo`;

let proxy: ProxyProcess | null = null;
const clients: TcpClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await proxy?.dispose();
  proxy = null;
});

const crashPreload = fileURLToPath(new URL('./fixtures/crash-worker.mjs', import.meta.url));

async function startEcho(
  extra: string[] = [],
  env?: NodeJS.ProcessEnv,
): Promise<{ proxy: ProxyProcess; port: number }> {
  const started = await startNuncio(
    ['--config-yaml', ECHO_CONFIG, '--concurrency', '2', ...extra],
    env === undefined ? {} : { env },
  );
  proxy = started;
  const listeners = JSON.parse((await started.admin('/listeners?format=json')).body) as {
    listener_statuses: {
      name: string;
      local_address: { socket_address: { address: string; port_value: number } };
    }[];
  };
  expect(listeners.listener_statuses.map((l) => l.name)).toEqual(['echo']);
  return {
    proxy: started,
    port: listeners.listener_statuses[0]?.local_address.socket_address.port_value as number,
  };
}

async function connectClient(port: number): Promise<TcpClient> {
  const client = await TcpClient.connect(port);
  clients.push(client);
  return client;
}

interface ThreadRow {
  name: string;
  dispatcher: string | null;
  node_thread_id: number | null;
  active_connections: number | null;
}

async function threadRows(p: ProxyProcess): Promise<ThreadRow[]> {
  return (JSON.parse((await p.admin('/threads?format=json')).body) as { threads: ThreadRow[] })
    .threads;
}

async function workerConnections(p: ProxyProcess): Promise<number[]> {
  const rows = (
    JSON.parse((await p.admin('/threads?format=json')).body) as { threads: ThreadRow[] }
  ).threads;
  return rows
    .filter((row) => row.dispatcher?.startsWith('worker_'))
    .map((row) => row.active_connections ?? -1);
}

describe('listeners', () => {
  it('serves a listener on every worker, logs it, and counts connections per worker', async () => {
    const { proxy: p, port } = await startEcho();
    const logged = await p.waitForLog(/^listener 'echo' on 127\.0\.0\.1:\d+: 1 filter chain\(s\)$/);
    expect(logged.component).toBe('config');

    const open: TcpClient[] = [];
    for (let i = 0; i < 8; i++) {
      const client = await connectClient(port);
      expect(await client.roundTrip(`ping ${i}`)).toBe(`ping ${i}`);
      open.push(client);
    }
    const counts = await waitFor(
      async () => {
        const now = await workerConnections(p);
        return now.reduce((a, b) => a + b, 0) === 8 ? now : undefined;
      },
      { what: '8 connections over the workers in /threads' },
    );
    expect(counts).toHaveLength(2);
    const stats = (await p.admin('/stats?filter=^server.total_connections')).body;
    expect(stats).toContain('server.total_connections: 8');

    await Promise.all(open.map((client) => client.end()));
    await waitFor(async () => (await workerConnections(p)).every((n) => n === 0), {
      what: 'no connection left in /threads',
    });
  });

  it('on SIGTERM stops accepting, lets a connection in flight finish, then exits 0', async () => {
    const { proxy: p, port } = await startEcho(['--drain-time-s', '60']);
    const client = await connectClient(port);
    expect(await client.roundTrip('before')).toBe('before');

    p.signal('SIGTERM');
    await p.waitForLog(/shutting down \(SIGTERM\)/);
    await waitFor(() => refused(port), { what: 'the listener to stop accepting' });
    expect((await p.admin('/ready')).body.trim()).toBe('DRAINING');
    // The connection in flight is still served, and the proxy waits for it.
    expect(await client.roundTrip('during the drain')).toBe('during the drain');
    expect(p.child.exitCode).toBe(null);

    await client.end();
    expect(await p.exited()).toEqual([0, null]);
    const messages = p.logLines().map((line) => String(line.msg));
    expect(messages).toContain('listeners drained');
  });

  it('closes what is left when the drain time is over', async () => {
    const { proxy: p, port } = await startEcho(['--drain-time-s', '1']);
    const client = await connectClient(port);
    expect(await client.roundTrip('x')).toBe('x');
    p.signal('SIGTERM');
    await client.closed; // closed by the proxy, the client never ended it
    expect(await p.exited()).toEqual([0, null]);
  });

  it('a second SIGTERM during the drain exits at once', async () => {
    const { proxy: p, port } = await startEcho(['--drain-time-s', '600']);
    const client = await connectClient(port);
    expect(await client.roundTrip('x')).toBe('x');
    p.signal('SIGTERM');
    await p.waitForLog(/shutting down \(SIGTERM\)/);
    p.signal('SIGTERM');
    expect(await p.exited()).toEqual([1, null]);
    expect(p.logLines().map((line) => String(line.msg))).toContain(
      'caught SIGTERM again: exiting now',
    );
  });

  it('POST /drain_listeners stops accepting and leaves open connections alone', async () => {
    const { proxy: p, port } = await startEcho();
    const client = await connectClient(port);
    expect(await client.roundTrip('x')).toBe('x');
    expect((await p.admin('/drain_listeners', 'POST')).status).toBe(200);
    await waitFor(() => refused(port), { what: 'the listener to stop accepting' });
    // Not a drain: the server stays LIVE and the connection goes on as long as it likes.
    expect((await p.admin('/ready')).body.trim()).toBe('LIVE');
    expect(await client.roundTrip('still served')).toBe('still served');
    expect(await workerConnections(p)).toContain(1);
  });

  it('POST /drain_listeners?graceful drains without exiting', async () => {
    const { proxy: p, port } = await startEcho(['--drain-time-s', '60']);
    const client = await connectClient(port);
    expect(await client.roundTrip('x')).toBe('x');
    expect((await p.admin('/drain_listeners?graceful', 'POST')).status).toBe(200);
    await waitFor(() => refused(port), { what: 'the listener to stop accepting' });
    expect((await p.admin('/ready')).body.trim()).toBe('DRAINING');
    expect(await client.roundTrip('y')).toBe('y');
    await client.end();
    await p.waitForLog(/^listeners drained$/);
    expect(p.child.exitCode).toBe(null);
    p.signal('SIGTERM');
    expect(await p.exited()).toEqual([0, null]);
  });

  it('reports a crashed worker, restarts it with the listeners, and leaves the other alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nuncio-crash-'));
    const trigger = join(dir, 'crash-now');
    try {
      const { proxy: p, port } = await startEcho([], {
        NODE_OPTIONS: `--import ${crashPreload}`,
        NUNCIO_TEST_CRASH_THREAD: 'wrk:worker_1',
        NUNCIO_TEST_CRASH_TRIGGER: trigger,
      });
      const before = (await threadRows(p)).find((row) => row.name === 'wrk:worker_1');
      // Connections on both workers (the kernel spreads 16 over 2 with near certainty).
      const open: TcpClient[] = [];
      for (let i = 0; i < 16; i++) open.push(await connectClient(port));
      const [onWorker0, onWorker1] = await waitFor(async () => {
        const now = await workerConnections(p);
        return now.reduce((a, b) => a + b, 0) === 16 ? now : undefined;
      });
      expect(onWorker0).toBeGreaterThan(0);
      expect(onWorker1).toBeGreaterThan(0);

      writeFileSync(trigger, '');
      const crash = await p.waitForLog(/worker wrk:worker_1 crashed/);
      expect(crash).toMatchObject({ level: 50, thread: 'main_thread', worker: 'wrk:worker_1' });
      expect(String(crash.error)).toBe('crash requested by the test');
      expect(String(crash.stack)).toContain('crash-worker.mjs');
      await p.waitForLog(/worker wrk:worker_1 restarted \(restart 1\)/);

      // worker_1's connections died with it; worker_0's are untouched and still served.
      const survivors: TcpClient[] = [];
      await waitFor(
        () => {
          survivors.splice(0, survivors.length, ...open.filter((c) => !c.hasClosed));
          return survivors.length === onWorker0;
        },
        { what: `${onWorker0} connections left open` },
      );
      for (const [i, client] of survivors.entries()) {
        expect(await client.roundTrip(`still here ${i}`)).toBe(`still here ${i}`);
      }

      // The new worker_1 is another thread, named the same, and got the listener back from
      // thread-local storage: new connections reach it.
      // What worker_1 held is no longer counted anywhere (it died with the thread).
      await p.waitForLog(/lost in its crash/);
      expect(await workerConnections(p)).toEqual([onWorker0, 0]);
      expect((await p.admin('/stats?filter=^server.total_connections')).body).toContain(
        `server.total_connections: ${onWorker0}`,
      );
      const after = (await threadRows(p)).find((row) => row.name === 'wrk:worker_1');
      expect(after?.node_thread_id).not.toBe(before?.node_thread_id);
      expect(threadNames(p.pid).filter((t) => t.name === 'wrk:worker_1')).toHaveLength(1);
      await waitFor(
        async () => {
          const client = await connectClient(port);
          expect(await client.roundTrip('new')).toBe('new');
          return (await workerConnections(p))[1] ?? 0;
        },
        { what: 'a new connection on the restarted worker_1', timeoutMs: 10_000 },
      );
      expect((await p.admin('/ready')).body.trim()).toBe('LIVE');
      p.signal('SIGTERM');
      for (const client of clients) client.destroy();
      expect(await p.exited()).toEqual([0, null]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
