// What exact balancing costs: the BUILT `nuncio` binary on 2 workers with two echo listeners,
// one left to the kernel (reusePort) and one with `connection_balance_config.exact_balance`
// (each accepted socket may be handed to the other worker's thread), measured in the same run,
// in alternating rounds: connection rate (connect, 1 KiB each way, close), 1-byte ping-pong on a
// held connection (after a hand-off the data path is the same), and how evenly 64 held
// connections end up over the workers. Figures are ratios of exact_balance to the kernel.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, reportBench } from '@nuncio/bench-support';
import { connectionRate, open, pingPong } from './load-clients.ts';

const binPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const SECONDS = Number(process.env.NUNCIO_BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.NUNCIO_BENCH_ROUNDS ?? 3);

const ECHO = `    filter_chains:
    - filters:
      - name: envoy.filters.network.echo
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo`;

const CONFIG = `admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
static_resources:
  listeners:
  - name: kernel
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
${ECHO}
  - name: exact
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    connection_balance_config: {exact_balance: {}}
${ECHO}`;

interface Proxy {
  readonly child: ChildProcess;
  readonly admin: string;
  readonly ports: Record<string, number>;
  readonly dir: string;
}

async function startProxy(): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'nuncio-bench-balance-'));
  const addressFile = join(dir, 'admin');
  const child = spawn(
    process.execPath,
    [
      binPath,
      '--config-yaml',
      CONFIG,
      '--concurrency',
      '2',
      '-l',
      'warning',
      '--admin-address-path',
      addressFile,
      '--drain-time-s',
      '1',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const deadline = Date.now() + 30_000;
  while (!existsSync(addressFile) || readFileSync(addressFile, 'utf8') === '') {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('nuncio did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const admin = `http://${readFileSync(addressFile, 'utf8')}`;
  const listeners = (await (await fetch(`${admin}/listeners?format=json`)).json()) as {
    listener_statuses: {
      name: string;
      local_address: { socket_address: { port_value: number } };
    }[];
  };
  const ports: Record<string, number> = {};
  for (const status of listeners.listener_statuses) {
    ports[status.name] = status.local_address.socket_address.port_value;
  }
  return { child, admin, ports, dir };
}

async function stopProxy(proxy: Proxy): Promise<void> {
  if (proxy.child.exitCode === null && proxy.child.signalCode === null) {
    await new Promise<void>((resolve) => {
      proxy.child.once('exit', () => resolve());
      proxy.child.kill('SIGTERM');
    });
  }
  rmSync(proxy.dir, { recursive: true, force: true });
}

/** Workers' `active_connections` in /threads. */
async function perWorker(proxy: Proxy): Promise<number[]> {
  const { threads } = (await (await fetch(`${proxy.admin}/threads?format=json`)).json()) as {
    threads: { dispatcher: string | null; active_connections: number | null }[];
  };
  return threads
    .filter((row) => row.dispatcher?.startsWith('worker_'))
    .map((row) => row.active_connections ?? 0);
}

/** Opens 64 held connections and returns the largest minus the smallest worker's count. */
async function spread(proxy: Proxy, port: number): Promise<number> {
  const sockets: Socket[] = [];
  for (let i = 0; i < 64; i++) sockets.push(await open(port));
  let counts = await perWorker(proxy);
  for (let i = 0; i < 100 && counts.reduce((a, b) => a + b, 0) !== 64; i++) {
    await new Promise((r) => setTimeout(r, 20));
    counts = await perWorker(proxy);
  }
  for (const socket of sockets) socket.destroy();
  for (let i = 0; i < 100 && (await perWorker(proxy)).some((n) => n > 0); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return Math.max(...counts) - Math.min(...counts);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const proxy = await startProxy();
const rate: Record<string, number[]> = { kernel: [], exact: [] };
const p50: Record<string, number[]> = { kernel: [], exact: [] };
const gap: Record<string, number[]> = { kernel: [], exact: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? ['kernel', 'exact'] : ['exact', 'kernel']) {
      const port = proxy.ports[name] as number;
      console.error(`round ${round + 1}/${ROUNDS}: ${name}`);
      rate[name]?.push(await connectionRate(port, SECONDS, 300));
      p50[name]?.push((await pingPong(port, SECONDS)).p50);
      gap[name]?.push(await spread(proxy, port));
    }
  }
} finally {
  await stopProxy(proxy);
}

const figures: BenchFigure[] = [
  {
    name: 'connection rate (connect, 1 KiB each way, close; 8 at a time)',
    unit: 'conn/s',
    value: median(rate.exact ?? []),
    baseline: median(rate.kernel ?? []),
    baselineName: 'kernel (reusePort)',
  },
  {
    name: 'ping-pong p50 on a held connection',
    unit: 'µs',
    value: median(p50.exact ?? []),
    baseline: median(p50.kernel ?? []),
    baselineName: 'kernel (reusePort)',
    // Above 1 is better, like the rate.
    ratio: median(p50.kernel ?? []) / median(p50.exact ?? []),
  },
  {
    name: '64 held connections: busiest minus idlest worker (worst round)',
    unit: 'connections',
    value: Math.max(...(gap.exact ?? [])),
    baseline: Math.max(...(gap.kernel ?? [])),
    baselineName: 'kernel (reusePort)',
    ratio: null,
  },
];
reportBench('proxy-balance', figures);
