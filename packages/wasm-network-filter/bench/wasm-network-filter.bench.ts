// The cost of the wasm network filter: the TCP proxy to an echo upstream on one worker, with the
// wasm filter in front (a plugin that reads and rewrites every chunk both ways: upper-case
// downstream, '_' for spaces upstream) against the TCP proxy alone, in the same run, rounds
// interleaved, best round kept. Figures: ping-pong round trips (64 B) per second with p50/p99, and
// bulk throughput (16 MiB in 64 KiB writes).
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { reportBench, summarizeLatencies } from '@nuncio/bench-support';
import type { ListenerInput } from '@nuncio/network-filter';
import {
  pluginConfig,
  startHarness,
  startRecordingEcho,
  staticCluster,
  wasmListener,
} from '../test/support/harness.ts';

const ROUNDS = 3;
const PING_MS = 1500;
const BULK_BYTES = 16 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');
const PING = Buffer.alloc(64, 'x');

function plainListener(name: string, cluster: string): ListenerInput {
  return {
    name,
    address: { socketAddress: { address: '127.0.0.1', portValue: 0 } },
    filterChains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.tcp_proxy',
            typedConfig: {
              typeUrl: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
              value: { statPrefix: name, cluster },
            },
          },
        ],
      },
    ],
  };
}

async function open(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  return socket;
}

/** Round trips of 64 bytes for PING_MS; returns trips/s and the latencies in ms. */
async function pingPong(port: number): Promise<{ rate: number; latencies: number[] }> {
  const socket = await open(port);
  const latencies: number[] = [];
  let pending = 0;
  let sentAt = 0;
  let resolveTrip: () => void = () => {};
  socket.on('data', (chunk: Buffer) => {
    pending -= chunk.length;
    if (pending <= 0) resolveTrip();
  });
  const end = performance.now() + PING_MS;
  const start = performance.now();
  while (performance.now() < end) {
    pending = PING.length;
    const trip = new Promise<void>((resolve) => {
      resolveTrip = resolve;
    });
    sentAt = performance.now();
    socket.write(PING);
    await trip;
    latencies.push(performance.now() - sentAt);
  }
  const rate = latencies.length / ((performance.now() - start) / 1000);
  socket.destroy();
  return { rate, latencies };
}

/** MiB/s of BULK_BYTES written and echoed back. */
async function bulk(port: number): Promise<number> {
  const socket = await open(port);
  let received = 0;
  const done = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= BULK_BYTES) resolve();
    });
  });
  const start = performance.now();
  for (let sent = 0; sent < BULK_BYTES; sent += CHUNK.length) {
    if (!socket.write(CHUNK)) await once(socket, 'drain');
  }
  await done;
  const seconds = (performance.now() - start) / 1000;
  socket.destroy();
  return BULK_BYTES / (1024 * 1024) / seconds;
}

const echo = await startRecordingEcho();
echo.received.length = 0;
const harness = await startHarness({
  concurrency: 1,
  clusters: [staticCluster('echo', echo.port)],
  listeners: [
    plainListener('plain', 'echo'),
    wasmListener('wasm', pluginConfig('bench-plugin', { vmId: 'bench' }), 'echo'),
  ],
});
// The recording upstream keeps every byte; for the benchmark it only echoes.
echo.received.push = () => 0;

const best = { plainRate: 0, wasmRate: 0, plainBulk: 0, wasmBulk: 0 };
let plainLatencies: number[] = [];
let wasmLatencies: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const plain = await pingPong(harness.ports.get('plain') ?? 0);
  const wasm = await pingPong(harness.ports.get('wasm') ?? 0);
  if (plain.rate > best.plainRate) {
    best.plainRate = plain.rate;
    plainLatencies = plain.latencies;
  }
  if (wasm.rate > best.wasmRate) {
    best.wasmRate = wasm.rate;
    wasmLatencies = wasm.latencies;
  }
  best.plainBulk = Math.max(best.plainBulk, await bulk(harness.ports.get('plain') ?? 0));
  best.wasmBulk = Math.max(best.wasmBulk, await bulk(harness.ports.get('wasm') ?? 0));
}
await harness.close();
await echo.close();

const plainSummary = summarizeLatencies(plainLatencies);
const wasmSummary = summarizeLatencies(wasmLatencies);
const baselineName = 'TCP proxy alone';
reportBench('wasm-network-filter', [
  {
    name: 'ping-pong 64 B, wasm filter + TCP proxy',
    unit: 'round trips/s',
    value: best.wasmRate,
    baseline: best.plainRate,
    baselineName,
  },
  {
    name: 'ping-pong p50',
    unit: 'ms',
    value: wasmSummary.p50,
    baseline: plainSummary.p50,
    baselineName,
  },
  {
    name: 'ping-pong p99',
    unit: 'ms',
    value: wasmSummary.p99,
    baseline: plainSummary.p99,
    baselineName,
  },
  {
    name: 'bulk 16 MiB in 64 KiB writes, rewritten both ways',
    unit: 'MiB/s',
    value: best.wasmBulk,
    baseline: best.plainBulk,
    baselineName,
  },
]);
