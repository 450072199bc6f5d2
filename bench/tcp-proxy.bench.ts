// The TCP proxy against a bare Node `net` pipe proxy, in the same run: each on one worker thread
// of this process (pinned to core 0 when `taskset` is available), driven by a load generator in a
// child process on core 1 that also hosts the echo upstream. Bulk throughput (MiB/s echoed back
// through the proxy, and the proxy worker's busy time per MiB) and 1-byte ping-pong latency
// (p50, p99). Rounds alternate subject and baseline; medians of the rounds are reported.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, reportBench, summarizeLatencies } from '@nuncio/bench-support';
import { startWorkers, type WorkerPool } from '@nuncio/dispatcher';
import { createListenerManager } from '@nuncio/network-filter';
import { StatsStore } from '@nuncio/stats';
import { createThreadLocal, threadLocalWorkerModule } from '@nuncio/thread-local';
import { createClusterManager, upstreamWorkerModule } from '@nuncio/upstream';
import {
  type ProxyBenchHandlers,
  type ProxyBenchWorkerData,
  registry,
} from './tcp-proxy-worker.ts';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 2000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const streams = Number(process.env.BENCH_STREAMS ?? 4);
const iterations = Number(process.env.BENCH_PINGS ?? 5000);

const pinned =
  spawnSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' }).status === 0;

function startLoad(): ChildProcess {
  const script = fileURLToPath(new URL('./tcp-load.ts', import.meta.url));
  const args = ['--conditions=@nuncio/source', script];
  return pinned
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      })
    : spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  const reply = once(child, 'message');
  child.send(message as object);
  return (await reply)[0] as T;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

interface Proxy {
  readonly name: string;
  readonly port: number;
  readonly pool: WorkerPool<ProxyBenchHandlers>;
}

const load = startLoad();
const { port: upstreamPort } = await ask<{ port: number }>(load, { cmd: 'start' });
const store = StatsStore.create({ maxStats: 4096, maxThreads: 8 });

async function startProxyWorker(mode: 'nuncio' | 'pipe') {
  return startWorkers<ProxyBenchHandlers>({
    concurrency: 1,
    modules: [
      threadLocalWorkerModule,
      upstreamWorkerModule,
      new URL('./tcp-proxy-worker.ts', import.meta.url),
    ],
    workerData: { mode, upstreamPort, stats: store.descriptor } satisfies ProxyBenchWorkerData,
  });
}

// The subject: Nuncio's TCP proxy with a STATIC cluster of the echo upstream.
const tls = createThreadLocal();
const nuncioPool = await startProxyWorker('nuncio');
await tls.registerWorkers(nuncioPool);
const clusters = createClusterManager({ threadLocal: tls, stats: store });
await clusters.addOrUpdateCluster({
  name: 'echo',
  loadAssignment: {
    endpoints: [
      {
        lbEndpoints: [
          {
            endpoint: {
              address: { socketAddress: { address: '127.0.0.1', portValue: upstreamPort } },
            },
          },
        ],
      },
    ],
  },
});
await clusters.whenApplied();
const listeners = createListenerManager({ registry: registry(), concurrency: 1, scope: store });
await listeners.addOrUpdateListener({
  name: 'proxy',
  address: { socketAddress: { address: '127.0.0.1', portValue: 0 } },
  filterChains: [
    {
      filters: [
        {
          name: 'envoy.filters.network.tcp_proxy',
          typedConfig: {
            typeUrl: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
            value: { statPrefix: 'bench', cluster: 'echo' },
          },
        },
      ],
    },
  ],
});
await nuncioPool.workers[0]?.dispatcher.call('start', {
  clusterManager: clusters.slotRef,
  snapshot: listeners.snapshot(),
});
const nuncio: Proxy = {
  name: 'tcp_proxy',
  port: listeners.listeners()[0]?.address.port ?? 0,
  pool: nuncioPool,
};

// The baseline: socket.pipe(upstream); upstream.pipe(socket) on one worker.
const pipePool = await startProxyWorker('pipe');
const pipe: Proxy = {
  name: 'net pipe',
  port: (await pipePool.workers[0]?.dispatcher.call('listenPipe')) ?? 0,
  pool: pipePool,
};

interface RoundFigures {
  mibPerSecond: number;
  busyMsPerMiB: number;
  p50: number;
  p99: number;
}

async function measure(proxy: Proxy): Promise<RoundFigures> {
  const worker = proxy.pool.workers[0];
  if (worker === undefined) throw new Error('no worker');
  const profile = process.env.BENCH_PROFILE;
  if (profile) await worker.dispatcher.call('profile', null);
  const busyBefore = await worker.dispatcher.call('busy');
  const { bytes, ms } = await ask<{ bytes: number; ms: number }>(load, {
    cmd: 'throughput',
    port: proxy.port,
    streams,
    durationMs,
  });
  const busy = (await worker.dispatcher.call('busy')) - busyBefore;
  if (profile)
    await worker.dispatcher.call(
      'profile',
      `${profile}-${proxy.name.replace(' ', '-')}.cpuprofile`,
    );
  const mib = bytes / (1024 * 1024);
  const { samples } = await ask<{ samples: number[] }>(load, {
    cmd: 'pingpong',
    port: proxy.port,
    iterations,
  });
  const latency = summarizeLatencies(samples);
  // Busy time includes the warm-up and the ramp-down, which both proxies share.
  return {
    mibPerSecond: (mib * 1000) / ms,
    busyMsPerMiB: busy / mib,
    p50: latency.p50,
    p99: latency.p99,
  };
}

const results = new Map<string, RoundFigures[]>([
  [nuncio.name, []],
  [pipe.name, []],
]);
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [nuncio, pipe] : [pipe, nuncio];
  for (const proxy of order) results.get(proxy.name)?.push(await measure(proxy));
}

const pick = (name: string, key: keyof RoundFigures) =>
  median((results.get(name) ?? []).map((figures) => figures[key]));
const figures: BenchFigure[] = [
  {
    name: `bulk echo through the proxy, ${streams} streams`,
    unit: 'MiB/s',
    value: pick(nuncio.name, 'mibPerSecond'),
    baseline: pick(pipe.name, 'mibPerSecond'),
    baselineName: 'net pipe',
    target: '>= 0.90x',
  },
  {
    name: 'proxy worker busy time per MiB',
    unit: 'ms/MiB',
    value: pick(nuncio.name, 'busyMsPerMiB'),
    baseline: pick(pipe.name, 'busyMsPerMiB'),
    baselineName: 'net pipe',
  },
  {
    name: '1-byte ping-pong round trip p50',
    unit: 'µs',
    value: pick(nuncio.name, 'p50'),
    baseline: pick(pipe.name, 'p50'),
    baselineName: 'net pipe',
    target: '<= 1.10x',
  },
  {
    name: '1-byte ping-pong round trip p99',
    unit: 'µs',
    value: pick(nuncio.name, 'p99'),
    baseline: pick(pipe.name, 'p99'),
    baselineName: 'net pipe',
  },
];
console.log(
  pinned ? 'proxy pinned to core 0, load generator to core 1' : 'taskset unavailable: not pinned',
);
for (const [name, list] of results) {
  console.log(
    `${name}: ${list.map((r) => `${r.mibPerSecond.toFixed(0)} MiB/s p50 ${r.p50.toFixed(0)} µs`).join(' | ')}`,
  );
}
reportBench('tcp-proxy', figures);

// The load generator exits when its channel closes.
load.disconnect();
clusters.shutdown();
tls.shutdownGlobalThreading();
await nuncioPool.shutdown();
await pipePool.shutdown();
tls.shutdownThread();
