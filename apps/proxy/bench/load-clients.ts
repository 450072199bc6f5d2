// The client side of the binary's benchmarks (tcp-proxy.bench.ts, balance.bench.ts): loopback
// clients driving whatever proxy listens on `port`, each measurement bounded in time.
import { connect, type Socket } from 'node:net';
import { summarizeLatencies } from '@nuncio/bench-support';

/** A connected loopback client with Nagle off. */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Connections per second over `seconds` (after `warmupMs`), 8 at a time: connect, 1 KiB each
 * way, close.
 */
export async function connectionRate(
  port: number,
  seconds: number,
  warmupMs: number,
): Promise<number> {
  const payload = Buffer.alloc(1024, 1);
  let done = 0;
  let running = true;
  const one = async () => {
    const socket = await open(port);
    await new Promise<void>((resolve, reject) => {
      let got = 0;
      socket.on('data', (data: Buffer) => {
        got += data.length;
        if (got >= payload.length) socket.end();
      });
      socket.once('close', () => resolve());
      socket.once('error', reject);
      socket.write(payload);
    });
  };
  const loop = async () => {
    while (running) {
      try {
        await one();
        done++;
      } catch {
        // a reset connection counts for nothing
      }
    }
  };
  const loops = Array.from({ length: 8 }, loop);
  await new Promise((r) => setTimeout(r, warmupMs));
  const start = done;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const count = done - start;
  const elapsed = (performance.now() - t0) / 1000;
  running = false;
  await Promise.all(loops);
  return count / elapsed;
}

/** Round trips of one byte on one held connection for `seconds`: p50 and p99 in microseconds. */
export async function pingPong(
  port: number,
  seconds: number,
): Promise<{ p50: number; p99: number }> {
  const socket = await open(port);
  socket.on('error', () => {});
  const byte = Buffer.from([1]);
  const samples: number[] = [];
  let waiter: (() => void) | null = null;
  socket.on('data', () => waiter?.());
  const deadline = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < deadline; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      waiter = resolve;
      socket.write(byte);
    });
    // The first round trips warm the path up.
    if (i >= 200) samples.push((performance.now() - t0) * 1000);
  }
  socket.destroy();
  const summary = summarizeLatencies(samples);
  return { p50: summary.p50, p99: summary.p99 };
}
