// The load generator of the TCP proxy benchmark, run as a child process pinned to its own core:
// it hosts the echo upstream and drives the clients, so the proxy's core does only proxying.
// Commands come over the IPC channel; each is answered with one message.
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

interface Command {
  cmd: 'start' | 'throughput' | 'pingpong' | 'exit';
  port?: number;
  streams?: number;
  durationMs?: number;
  iterations?: number;
}

const send = (message: unknown) => process.send?.(message);

const echo = createServer({ noDelay: true }, (socket) => {
  socket.on('error', () => socket.destroy());
  socket.pipe(socket);
});

async function open(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
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
    case 'exit':
      echo.close();
      process.disconnect();
      return;
  }
});
