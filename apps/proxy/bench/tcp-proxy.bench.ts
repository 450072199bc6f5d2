// The assembled proxy's TCP proxy (the BUILT `nuncio` binary, 1 and 2 workers) against a bare Node
// `net` pipe proxy, in the same run, each in its own process, to the same echo upstream (a third
// process): bulk throughput, connection rate (connect, 1 KiB each way, close) and 1-byte
// ping-pong latency. The load generator is this process. Figures are ratios to the bare pipe;
// the repository's root benchmark adds HAProxy and nginx with CPU pinning.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, reportBench } from '@nuncio/bench-support';
import { connectionRate, open, pingPong } from './load-clients.ts';

const binPath = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const SECONDS = Number(process.env.NUNCIO_BENCH_SECONDS ?? 3);

/** Node code of the helper processes: an echo upstream and the bare pipe proxy. */
const ECHO = `const net = require('node:net');
const s = net.createServer({ allowHalfOpen: true, noDelay: true }, (c) => {
  c.on('error', () => {});
  c.pipe(c);
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
const PIPE = `const net = require('node:net');
const upstream = Number(process.argv[1]);
const s = net.createServer({ allowHalfOpen: true, noDelay: true }, (c) => {
  const u = net.connect({ host: '127.0.0.1', port: upstream, noDelay: true });
  c.pipe(u).pipe(c);
  c.on('error', () => u.destroy());
  u.on('error', () => c.destroy());
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

interface Target {
  readonly name: string;
  readonly port: number;
  stop(): Promise<void>;
}

function startHelper(
  code: string,
  args: string[] = [],
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', code, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) =>
      resolve({ child, port: Number(chunk.toString()) }),
    );
    child.once('exit', (code) => reject(new Error(`helper exited with ${code}`)));
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function startNuncio(upstreamPort: number, concurrency: number): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'nuncio-bench-'));
  const addressFile = join(dir, 'admin');
  const config = `admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
static_resources:
  listeners:
  - name: bench
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: bench
          cluster: echo
  clusters:
  - name: echo
    type: STATIC
    load_assignment:
      cluster_name: echo
      endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: ${upstreamPort}}}}}]}]`;
  const child = spawn(
    process.execPath,
    [
      binPath,
      '--config-yaml',
      config,
      '--concurrency',
      String(concurrency),
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
    listener_statuses: { local_address: { socket_address: { port_value: number } } }[];
  };
  const port = listeners.listener_statuses[0]?.local_address.socket_address.port_value as number;
  return {
    name: `nuncio, ${concurrency} worker${concurrency > 1 ? 's' : ''}`,
    port,
    stop: async () => {
      await stopChild(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** MiB/s echoed back over 4 connections that each keep writing 64 KiB chunks. */
async function bulk(port: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const sockets = await Promise.all([0, 1, 2, 3].map(() => open(port)));
  for (const socket of sockets) socket.on('error', () => {});
  let received = 0;
  let running = true;
  for (const socket of sockets) {
    socket.on('data', (data: Buffer) => {
      received += data.length;
    });
    const pump = () => {
      while (running && socket.write(chunk)) {}
    };
    socket.on('drain', pump);
    pump();
  }
  await new Promise((r) => setTimeout(r, 500)); // warm-up
  const start = received;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const bytes = received - start;
  const seconds = (performance.now() - t0) / 1000;
  running = false;
  for (const socket of sockets) socket.destroy();
  return bytes / seconds / (1024 * 1024);
}

async function measure(target: Target) {
  console.error(`${target.name}: bulk throughput`);
  const throughput = await bulk(target.port);
  console.error(`${target.name}: connection rate`);
  const rate = await connectionRate(target.port, SECONDS, 500);
  console.error(`${target.name}: ping-pong`);
  const latency = await pingPong(target.port, SECONDS);
  return { throughput, rate, ...latency };
}

const echo = await startHelper(ECHO);
const results = new Map<string, Awaited<ReturnType<typeof measure>>>();
try {
  const pipe = await startHelper(PIPE, [String(echo.port)]);
  const bare: Target = {
    name: 'bare Node pipe',
    port: pipe.port,
    stop: () => stopChild(pipe.child),
  };
  results.set(bare.name, await measure(bare));
  await bare.stop();
  for (const concurrency of [1, 2]) {
    const nuncio = await startNuncio(echo.port, concurrency);
    results.set(nuncio.name, await measure(nuncio));
    await nuncio.stop();
  }
} finally {
  await stopChild(echo.child);
}

const base = results.get('bare Node pipe') as Awaited<ReturnType<typeof measure>>;
const figures: BenchFigure[] = [];
for (const [name, r] of results) {
  if (name === 'bare Node pipe') continue;
  const target = name.endsWith('1 worker') ? '>= 0.9x of the bare pipe' : undefined;
  const row = (figure: string, unit: string, value: number, baseline: number, ratio?: number) =>
    figures.push({
      name: `${name}: ${figure}`,
      unit,
      value,
      baseline,
      baselineName: 'bare Node pipe',
      ...(ratio === undefined ? {} : { ratio }),
      ...(target === undefined ? {} : { target }),
    });
  row('bulk echo throughput', 'MiB/s', r.throughput, base.throughput);
  row('connection rate', 'conn/s', r.rate, base.rate);
  // For latencies the ratio is baseline / value, so that above 1 is better like the others.
  row('ping-pong p50', 'µs', r.p50, base.p50, base.p50 / r.p50);
  row('ping-pong p99', 'µs', r.p99, base.p99, base.p99 / r.p99);
}
reportBench('proxy-tcp', figures);
