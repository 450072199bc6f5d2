// The L4 data path against a bare Node pipe: the echo filter behind a worker's listener
// (accept, filter chain, read buffer, write buffer with watermarks, cork/writev) and, in the same
// run, a worker echoing with `socket.pipe(socket)`. Same client, same machine, ratios reported.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { type BenchFigure, reportBench } from '@nuncio/bench-support';
import { startWorkers } from '@nuncio/dispatcher';
import type { EchoWorkerData, EchoWorkerHandlers } from './echo-worker.ts';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 2000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const bufferLimit = 64 * 1024;

type Mode = EchoWorkerData['mode'];

interface Server {
  port: number;
  held(): Promise<number>;
  /** The worker's event-loop busy time so far, in ms. */
  busy(): Promise<number>;
}

async function withServer<T>(mode: Mode, fn: (server: Server) => Promise<T>): Promise<T> {
  const pool = await startWorkers<EchoWorkerHandlers>({
    concurrency: 1,
    modules: [new URL('./echo-worker.ts', import.meta.url)],
    workerData: { mode, bufferLimit } satisfies EchoWorkerData,
  });
  const worker = pool.workers[0];
  if (worker === undefined) throw new Error('no worker');
  try {
    const port = await worker.dispatcher.call('port');
    return await fn({
      port,
      held: () => worker.dispatcher.call('held'),
      busy: () => worker.dispatcher.call('busy'),
    });
  } finally {
    await pool.shutdown();
  }
}

async function open(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  return socket;
}

/**
 * Bulk echo over `streams` connections: MiB/s echoed back to the client, and the server
 * worker's busy time per MiB (its event loop's active time: the cost of the data path, which the
 * machine's load disturbs less than the rate does).
 */
async function throughput(server: Server, streams: number): Promise<[number, number]> {
  const port = server.port;
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  const sockets = await Promise.all(Array.from({ length: streams }, () => open(port)));
  let received = 0;
  let running = true;
  for (const socket of sockets) {
    socket.on('data', (data: Buffer) => {
      received += data.length;
    });
    const pump = () => {
      while (running && socket.write(chunk));
    };
    socket.on('drain', pump);
    pump();
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  const start = performance.now();
  const startBytes = received;
  const startBusy = await server.busy();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const busy = (await server.busy()) - startBusy;
  const mebibytes = (received - startBytes) / (1024 * 1024);
  const seconds = (performance.now() - start) / 1000;
  running = false;
  for (const socket of sockets) socket.destroy();
  return [mebibytes / seconds, busy / mebibytes];
}

/** One connection, 128-byte messages, one in flight: round trips per second, busy µs per trip. */
async function pingPong(server: Server): Promise<[number, number]> {
  const socket = await open(server.port);
  const startBusy = await server.busy();
  const message = Buffer.alloc(128, 0x61);
  let done = 0;
  let got = 0;
  const deadline = performance.now() + durationMs;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    socket.on('data', (data: Buffer) => {
      got += data.length;
      if (got < message.length) return;
      got -= message.length;
      done++;
      if (performance.now() >= deadline) resolve();
      else socket.write(message);
    });
    socket.write(message);
  });
  const seconds = (performance.now() - start) / 1000;
  const busy = (await server.busy()) - startBusy;
  socket.destroy();
  return [done / seconds, (busy * 1000) / done];
}

/** Connections opened, echoed one byte and closed, four at a time: connections per second. */
async function connectionRate(port: number): Promise<number> {
  let done = 0;
  const deadline = performance.now() + durationMs;
  const start = performance.now();
  const one = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const socket = await open(port);
      socket.end('x');
      await once(socket, 'data');
      socket.destroy();
      done++;
    }
  };
  await Promise.all([one(), one(), one(), one()]);
  return done / ((performance.now() - start) / 1000);
}

/** A client that writes and never reads: the most bytes the server side holds (sampled). */
async function heldByNonReader(port: number, held: () => Promise<number>): Promise<number> {
  const socket = await open(port);
  socket.pause();
  const chunk = Buffer.alloc(64 * 1024, 0x62);
  let most = 0;
  const deadline = performance.now() + Math.min(durationMs, 1500);
  while (performance.now() < deadline) {
    while (socket.writableLength < 1024 * 1024) socket.write(chunk);
    most = Math.max(most, await held());
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  socket.destroy();
  return most;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

interface Measured {
  bulk1: number;
  bulk1Cost: number;
  bulk8: number;
  bulk8Cost: number;
  pingPong: number;
  pingPongCost: number;
  connections: number;
  held: number;
}

async function measure(mode: Mode): Promise<Measured> {
  return withServer(mode, async (server) => {
    const [bulk1, bulk1Cost] = await throughput(server, 1);
    const [bulk8, bulk8Cost] = await throughput(server, 8);
    const [pingPongRate, pingPongCost] = await pingPong(server);
    return {
      bulk1,
      bulk1Cost,
      bulk8,
      bulk8Cost,
      pingPong: pingPongRate,
      pingPongCost,
      connections: await connectionRate(server.port),
      held: await heldByNonReader(server.port, server.held),
    };
  });
}

// Alternate the two servers so that drift in the machine's load hits both alike.
const runs: Record<Mode, Measured[]> = { nuncio: [], bare: [] };
for (let round = 0; round < rounds; round++) {
  for (const mode of round % 2 === 0
    ? (['bare', 'nuncio'] as const)
    : (['nuncio', 'bare'] as const)) {
    runs[mode].push(await measure(mode));
  }
}

const pick = (mode: Mode, key: keyof Measured) => median(runs[mode].map((run) => run[key]));
const figure = (name: string, unit: string, key: keyof Measured, target?: string): BenchFigure => ({
  name,
  unit,
  value: pick('nuncio', key),
  baseline: pick('bare', key),
  baselineName: 'socket.pipe(socket)',
  ...(target === undefined ? {} : { target }),
});

reportBench('network-filter-echo', [
  figure('bulk echo, 1 connection', 'MiB/s', 'bulk1', '>= 0.9x of bare pipe'),
  figure('  server busy per MiB, 1 connection', 'ms/MiB', 'bulk1Cost', '<= 1.1x of bare pipe'),
  figure('bulk echo, 8 connections', 'MiB/s', 'bulk8', '>= 0.9x of bare pipe'),
  figure('  server busy per MiB, 8 connections', 'ms/MiB', 'bulk8Cost', '<= 1.1x of bare pipe'),
  figure('ping-pong 128 B, 1 connection', 'round trips/s', 'pingPong', '>= 0.9x of bare pipe'),
  figure('  server busy per round trip', 'µs', 'pingPongCost', '<= 1.1x of bare pipe'),
  figure('connect + echo 1 B + close, 4 at a time', 'conn/s', 'connections'),
  {
    ...figure('most held, client never reads (limit 64 KiB)', 'bytes', 'held'),
    target: `<= limit + 3 x 64 KiB = ${bufferLimit + 3 * 65536}`,
  },
]);
