// The load generator of the root benchmarks (tcp-proxy.bench.ts, proxy-peers.bench.ts), run as a
// child process pinned to its own core: it hosts the echo upstream and drives the clients, so the
// proxy's core does only proxying. Commands come over the IPC channel; each is answered with one
// message.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

interface Command {
  cmd: 'start' | 'throughput' | 'pingpong' | 'connrate' | 'exit';
  port?: number;
  streams?: number;
  durationMs?: number;
  iterations?: number;
  /** connrate: connections in flight at once. */
  concurrency?: number;
  /** connrate: bytes each way per connection. */
  payloadBytes?: number;
}

const send = (message: unknown) => process.send?.(message);

const echo = createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});

async function open(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  // A reset (the proxy stopped under us) ends the measurement's bytes, not this process.
  socket.on('error', () => socket.destroy());
  return socket;
}

/** Streams 64 KiB chunks on each connection for `durationMs`; counts the bytes echoed back. */
async function throughput(port: number, streams: number, durationMs: number) {
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  const sockets = await Promise.all(Array.from({ length: streams }, () => open(port)));
  let received = 0;
  let counting = false;
  let running = true;
  for (const socket of sockets) {
    socket.on('data', (data: Buffer) => {
      if (counting) received += data.length;
    });
    const pump = () => {
      while (running && socket.write(chunk)) {}
      if (running) socket.once('drain', pump);
    };
    pump();
  }
  // Warm up, then count.
  await new Promise((resolve) => setTimeout(resolve, 300));
  counting = true;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const elapsed = performance.now() - start;
  const bytes = received;
  running = false;
  for (const socket of sockets) socket.destroy();
  return { bytes, ms: elapsed };
}

/** One byte back and forth `iterations` times on one connection; round-trip times in µs. */
async function pingpong(port: number, iterations: number) {
  const socket = await open(port);
  const samples = new Float64Array(iterations);
  const one = Buffer.from([1]);
  let i = -200; // warm-up round trips first
  let sent = 0;
  await new Promise<void>((resolve) => {
    socket.on('data', () => {
      const now = performance.now();
      if (i >= 0) samples[i] = (now - sent) * 1000;
      i++;
      if (i >= iterations) {
        resolve();
        return;
      }
      sent = performance.now();
      socket.write(one);
    });
    sent = performance.now();
    socket.write(one);
  });
  socket.destroy();
  return { samples: [...samples] };
}

/**
 * Connection rate: `concurrency` clients each loop over connect, write `payloadBytes`, read as
 * many back, end and wait for the close, for `durationMs` after a warm-up; completed connections
 * counted (a connection that fails counts as a failure, not a completion).
 */
async function connrate(
  port: number,
  concurrency: number,
  payloadBytes: number,
  durationMs: number,
) {
  const payload = Buffer.alloc(payloadBytes, 0x61);
  let counting = false;
  let running = true;
  let completed = 0;
  let failed = 0;
  let inFlight = 0;
  let allClosed: (() => void) | null = null;
  const next = () => {
    if (!running) {
      if (inFlight === 0) allClosed?.();
      return;
    }
    inFlight++;
    let received = 0;
    let ok = false;
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (data: Buffer) => {
      received += data.length;
      if (received >= payloadBytes && !ok) {
        ok = true;
        socket.end();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      inFlight--;
      if (counting) {
        if (ok) completed++;
        else failed++;
      }
      next();
    });
  };
  for (let i = 0; i < concurrency; i++) next();
  await new Promise((resolve) => setTimeout(resolve, 300));
  counting = true;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const elapsed = performance.now() - start;
  counting = false;
  const result = { connections: completed, failed, ms: elapsed };
  running = false;
  // Let the connections in flight finish, so that the next measurement starts on a quiet proxy.
  await new Promise<void>((resolve) => {
    allClosed = resolve;
    if (inFlight === 0) resolve();
    setTimeout(resolve, 2000).unref();
  });
  return result;
}

// Never outlive the benchmark: its channel closing ends this process.
process.on('disconnect', () => process.exit(0));

process.on('message', async (message: Command) => {
  switch (message.cmd) {
    case 'start':
      echo.listen(0, '127.0.0.1', () => send({ port: (echo.address() as { port: number }).port }));
      return;
    case 'throughput':
      send(await throughput(message.port ?? 0, message.streams ?? 1, message.durationMs ?? 2000));
      return;
    case 'pingpong':
      send(await pingpong(message.port ?? 0, message.iterations ?? 5000));
      return;
    case 'connrate':
      send(
        await connrate(
          message.port ?? 0,
          message.concurrency ?? 8,
          message.payloadBytes ?? 1024,
          message.durationMs ?? 2000,
        ),
      );
      return;
    case 'exit':
      echo.close();
      process.disconnect();
      return;
  }
});
