// Connection balancing in the built binary on two workers: a listener without a balancer leaves
// the spread to the kernel (reusePort); one with `connection_balance_config.exact_balance` hands
// each connection to the worker with the fewest, as /threads shows. A crashed worker is forgotten
// by the balancer and joins it again once restarted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@nuncio/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProxyProcess, startNuncio } from './helpers/proxy-process.ts';
import { TcpClient } from './helpers/tcp-client.ts';

const ECHO = `    filter_chains:
    - filters:
      - name: envoy.filters.network.echo
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo`;

const CONFIG = `admin:
  address: {socket_address: {address: 127.0.0.1, port_value: 0}}
static_resources:
  listeners:
  - name: kernel
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
${ECHO}
  - name: exact
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    connection_balance_config: {exact_balance: {}}
${ECHO}`;

const crashPreload = fileURLToPath(new URL('./fixtures/crash-worker.mjs', import.meta.url));

let proxy: ProxyProcess | null = null;
const clients: TcpClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await proxy?.dispose();
  proxy = null;
});

async function start(env?: NodeJS.ProcessEnv): Promise<Record<string, number>> {
  proxy = await startNuncio(
    ['--config-yaml', CONFIG, '--concurrency', '2'],
    env === undefined ? {} : { env },
  );
  const listeners = JSON.parse((await proxy.admin('/listeners?format=json')).body) as {
    listener_statuses: {
      name: string;
      local_address: { socket_address: { port_value: number } };
    }[];
  };
  const ports: Record<string, number> = {};
  for (const status of listeners.listener_statuses) {
    ports[status.name] = status.local_address.socket_address.port_value;
  }
  return ports;
}

/** `active_connections` of wrk:worker_0 and wrk:worker_1 in /threads. */
async function workerConnections(p: ProxyProcess): Promise<number[]> {
  const { threads } = JSON.parse((await p.admin('/threads?format=json')).body) as {
    threads: { dispatcher: string | null; active_connections: number | null }[];
  };
  return threads
    .filter((row) => row.dispatcher?.startsWith('worker_'))
    .map((row) => row.active_connections ?? -1);
}

async function settled(p: ProxyProcess, total: number): Promise<number[]> {
  return waitFor(
    async () => {
      const now = await workerConnections(p);
      return now.reduce((a, b) => a + b, 0) === total ? now : undefined;
    },
    { timeoutMs: 10_000, what: `${total} connections in /threads` },
  );
}

/** Opens `count` connections to `port`, each checked with a round trip, held open. */
async function openMany(port: number, count: number): Promise<TcpClient[]> {
  const opened: TcpClient[] = [];
  for (let i = 0; i < count; i++) {
    const client = await TcpClient.connect(port);
    clients.push(client);
    opened.push(client);
    expect(await client.roundTrip(`c${i}`)).toBe(`c${i}`);
  }
  return opened;
}

async function closeAll(p: ProxyProcess, opened: TcpClient[]): Promise<void> {
  await Promise.all(opened.map((client) => client.end()));
  await settled(p, 0);
}

describe('connection balancing', () => {
  it('exact_balance spreads 40 connections within one per worker; without it the kernel decides', async () => {
    const ports = await start();
    const p = proxy as ProxyProcess;

    const onKernel = await openMany(ports.kernel as number, 40);
    const kernel = await settled(p, 40);
    expect(kernel).toHaveLength(2);
    // What the kernel did is only recorded: it may well balance evenly by itself.
    console.log(`[balance] 40 connections, kernel (reusePort): ${kernel.join(' / ')}`);
    await closeAll(p, onKernel);

    const onExact = await openMany(ports.exact as number, 40);
    const exact = await settled(p, 40);
    console.log(`[balance] 40 connections, exact_balance: ${exact.join(' / ')}`);
    expect(Math.abs((exact[0] as number) - (exact[1] as number))).toBeLessThanOrEqual(1);

    // Closing some on one side: new connections fill the gap first.
    await Promise.all(onExact.slice(0, 10).map((client) => client.end()));
    await settled(p, 30);
    await openMany(ports.exact as number, 10);
    const refilled = await settled(p, 40);
    expect(Math.abs((refilled[0] as number) - (refilled[1] as number))).toBeLessThanOrEqual(1);
  });

  it('forgets a crashed worker, and balances onto it again once restarted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nuncio-balance-'));
    const trigger = join(dir, 'crash-now');
    try {
      const ports = await start({
        NODE_OPTIONS: `--import ${crashPreload}`,
        NUNCIO_TEST_CRASH_THREAD: 'wrk:worker_1',
        NUNCIO_TEST_CRASH_TRIGGER: trigger,
      });
      const p = proxy as ProxyProcess;
      const opened = await openMany(ports.exact as number, 10);
      expect(await settled(p, 10)).toEqual([5, 5]);

      writeFileSync(trigger, '');
      await p.waitForLog(/worker wrk:worker_1 restarted \(restart 1\)/);
      await waitFor(() => opened.filter((client) => client.hasClosed).length === 5, {
        what: "worker_1's connections gone with it",
      });
      expect(await settled(p, 5)).toEqual([5, 0]);

      // Every new connection is served; the restarted worker_1 has the fewest, so it gets them
      // until the two are level (worker_0's accepts are handed over to it).
      let total = 5;
      await waitFor(
        async () => {
          await openMany(ports.exact as number, 1);
          total++;
          const now = await settled(p, total);
          return (now[1] as number) >= 5 && Math.abs((now[0] as number) - (now[1] as number)) <= 1;
        },
        { timeoutMs: 15_000, intervalMs: 0, what: 'the workers level again' },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
