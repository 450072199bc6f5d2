// Integration on loopback with real worker threads: each worker binds its own socket with
// reusePort, runs the listener filters and the filter chains; the main thread checks configs,
// publishes the snapshot and reads the shared stats.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import {
  createServer as createTlsServer,
  type Server as TlsServer,
  connect as tlsConnect,
} from 'node:tls';
import { startWorkers, type WorkerPool } from '@nuncio/dispatcher';
import { StatsStore } from '@nuncio/stats';
import { waitFor, withTimeout } from '@nuncio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createListenerManager, type ListenerManager, NetworkErrorCode } from '../src/index.ts';
import type { ListenerWorkerData, ListenerWorkerHandlers } from './fixtures/listener-worker.ts';
import {
  echoChain,
  listenerConfig,
  relayChain,
  reportChain,
  tlsInspector,
} from './support/listeners.ts';
import { RecordingClient } from './support/loopback.ts';
import { testRegistry } from './support/test-extensions.ts';

const workerModule = new URL('./fixtures/listener-worker.ts', import.meta.url);
const cert = readFileSync(new URL('./fixtures/tls/cert.pem', import.meta.url));
const key = readFileSync(new URL('./fixtures/tls/key.pem', import.meta.url));

interface Cluster {
  store: StatsStore;
  manager: ListenerManager;
  pool: WorkerPool<ListenerWorkerHandlers>;
}

async function startCluster(
  concurrency: number,
  setup: (manager: ListenerManager) => Promise<void>,
): Promise<Cluster> {
  const store = StatsStore.create({ maxStats: 4096, maxThreads: 8 });
  const manager = createListenerManager({ registry: testRegistry(), concurrency, scope: store });
  await setup(manager);
  const workerData: ListenerWorkerData = { stats: store.descriptor, snapshot: manager.snapshot() };
  const pool = await startWorkers<ListenerWorkerHandlers>({
    concurrency,
    modules: [workerModule],
    workerData,
    shutdownTimeoutMs: 5000,
  });
  return { store, manager, pool };
}

function counter(store: StatsStore, name: string): number {
  return store.counterFromString(name).value();
}

function clientsOf(port: number, count: number): RecordingClient[] {
  return Array.from({ length: count }, () => new RecordingClient(port));
}

describe.each([1, 2])('the echo filter on %i worker(s)', (concurrency) => {
  let cluster: Cluster;
  let port = 0;

  beforeAll(async () => {
    cluster = await startCluster(concurrency, async (manager) => {
      expect(
        await manager.addOrUpdateListener(listenerConfig('echo', 0, { statPrefix: 'echo' })),
      ).toBe('added');
      port = manager.listeners()[0]?.address.port ?? 0;
    });
  });

  afterAll(async () => {
    await cluster?.pool.shutdown();
  });

  it('binds the same port on every worker (reusePort) and echoes every connection', async () => {
    expect(port).toBeGreaterThan(0);
    for (const worker of cluster.pool.workers) {
      const listeners = await worker.dispatcher.call('listeners');
      expect(listeners).toEqual([
        expect.objectContaining({
          name: 'echo',
          address: { address: '127.0.0.1', port, family: 'IPv4' },
        }),
      ]);
    }
    const count = concurrency === 1 ? 8 : 40;
    const clients = clientsOf(port, count);
    try {
      for (const [i, c] of clients.entries()) c.socket.write(`hello ${i}`);
      await waitFor(() => clients.every((c, i) => c.received() === `hello ${i}`), {
        what: 'every echo',
        timeoutMs: 10_000,
      });
      const perWorker = cluster.manager.workerConnections();
      expect(perWorker.reduce((a, b) => a + b, 0)).toBe(count);
      // The kernel spreads connections over the workers' sockets (40 connections: all on one
      // worker would happen once in 2^39 runs).
      expect(perWorker.every((n) => n > 0)).toBe(true);
      const [summary] = cluster.manager.listeners();
      expect(summary).toMatchObject({
        name: 'echo',
        statPrefix: 'listener.echo',
        filterChains: 1,
        openConnections: count,
      });
      expect(summary?.stats.downstream_cx_active).toBe(count);
      expect(summary?.workers.map((w) => w.downstreamCxActive)).toEqual(perWorker);
    } finally {
      for (const c of clients) c.destroy();
    }
    await waitFor(() => counter(cluster.store, 'listener.echo.downstream_cx_destroy') === count, {
      what: 'every connection closed',
    });
    expect(counter(cluster.store, 'listener.echo.downstream_cx_total')).toBe(count);
  });

  it('carries the client FIN and answers with one after the data', async () => {
    const c = new RecordingClient(port);
    try {
      c.socket.end('last words');
      await c.whenEnded();
      expect(c.received()).toBe('last words');
    } finally {
      c.destroy();
    }
  });
});

describe('on two workers', () => {
  let cluster: Cluster;
  const backends: (Server | TlsServer)[] = [];
  const ports: Record<string, number> = {};
  const lateSockets: Socket[] = [];
  const backendReads: string[] = [];

  async function listen<S extends Server | TlsServer>(server: S): Promise<number> {
    backends.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as { port: number }).port;
  }

  function tlsBackend(name: string): TlsServer {
    return createTlsServer({ cert, key, ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => {
      socket.end(`backend=${name};sni=${socket.servername};alpn=${socket.alpnProtocol || 'none'}`);
      socket.on('error', () => {});
    });
  }

  beforeAll(async () => {
    // Half-close backends: one answers only after the client's FIN; one sends its FIN first and
    // then reads what the client still has to say.
    ports.lateReply = await listen(
      createServer({ allowHalfOpen: true }, (socket) => {
        lateSockets.push(socket);
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('end', () => {
          backendReads.push(Buffer.concat(chunks).toString());
          setTimeout(() => socket.end('reply after your FIN'), 50);
        });
      }),
    );
    ports.finFirst = await listen(
      createServer({ allowHalfOpen: true }, (socket) => {
        lateSockets.push(socket);
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('end', () => {
          backendReads.push(Buffer.concat(chunks).toString());
          socket.end();
        });
        socket.end('greeting, and my FIN');
        // allowHalfOpen: the socket stays readable after end().
      }),
    );
    ports.example = await listen(tlsBackend('example'));
    ports.wildH2 = await listen(tlsBackend('wild-h2'));
    ports.wild = await listen(tlsBackend('wild'));

    cluster = await startCluster(2, async (manager) => {
      await manager.addOrUpdateListener(
        listenerConfig('late', 0, {
          filterChains: [relayChain('late', ports.lateReply as number)],
        }),
      );
      await manager.addOrUpdateListener(
        listenerConfig('fin-first', 0, {
          filterChains: [relayChain('fin', ports.finFirst as number)],
        }),
      );
      await manager.addOrUpdateListener(
        listenerConfig('tls', 0, {
          listenerFilters: [tlsInspector],
          filterChains: [
            relayChain('example', ports.example as number, {
              filterChainMatch: {
                transportProtocol: 'tls',
                serverNames: ['example.com', 'www.example.com'],
              },
            }),
            relayChain('wild-h2', ports.wildH2 as number, {
              filterChainMatch: { serverNames: ['*.example.com'], applicationProtocols: ['h2'] },
            }),
            relayChain('wild', ports.wild as number, {
              filterChainMatch: { serverNames: ['*.example.com'] },
            }),
            reportChain('plain', { filterChainMatch: { transportProtocol: 'raw_buffer' } }),
          ],
        }),
      );
      // Chosen by destination port: the listener's own port, or none.
      await manager.addOrUpdateListener(
        listenerConfig('by-port', 0, {
          statPrefix: 'by_port',
          filterChains: [reportChain('placeholder')],
        }),
      );
      const byPort = manager.listeners().find((l) => l.name === 'by-port')?.address.port as number;
      ports.byPort = byPort;
      await manager.addOrUpdateListener(
        listenerConfig('by-port', byPort, {
          statPrefix: 'by_port',
          filterChains: [
            reportChain('this-port', { filterChainMatch: { destinationPort: byPort } }),
            reportChain('other-port', {
              filterChainMatch: { destinationPort: byPort === 1 ? 2 : 1 },
            }),
          ],
        }),
      );
      await manager.addOrUpdateListener(
        listenerConfig('memory', 0, {
          statPrefix: 'memory',
          perConnectionBufferLimitBytes: 64 * 1024,
          filterChains: [
            {
              name: 'probed-echo',
              filters: [{ name: 'test.memory_probe' }, ...(echoChain().filters ?? [])],
            },
          ],
        }),
      );
      for (const summary of manager.listeners()) ports[summary.name] = summary.address.port;
    });
  });

  afterAll(async () => {
    await cluster?.pool.shutdown();
    for (const socket of lateSockets) socket.destroy();
    await Promise.all(backends.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('half-close: data sent after the client FIN still reaches the client', async () => {
    const c = new RecordingClient(ports.late as number);
    try {
      c.socket.end('request, then FIN');
      await c.whenEnded();
      expect(c.received()).toBe('reply after your FIN');
      expect(backendReads).toContain('request, then FIN');
    } finally {
      c.destroy();
    }
  });

  it('half-close: data sent after the server FIN still reaches the server', async () => {
    const c = new RecordingClient(ports['fin-first'] as number);
    try {
      await c.whenEnded();
      expect(c.received()).toBe('greeting, and my FIN');
      c.socket.end('still talking after your FIN');
      await waitFor(() => backendReads.includes('still talking after your FIN'), {
        what: 'the backend read it',
      });
      await c.whenClosed();
    } finally {
      c.destroy();
    }
  });

  async function tlsRequest(servername: string, alpn?: string[]): Promise<string> {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: ports.tls as number,
      servername,
      ca: cert,
      ...(alpn === undefined ? {} : { ALPNProtocols: alpn }),
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<void>((resolve, reject) => {
      socket.once('end', () => resolve());
      socket.once('error', reject);
    });
    try {
      await withTimeout(done, 5000, `TLS request for ${servername}`);
      return Buffer.concat(chunks).toString();
    } finally {
      socket.destroy();
    }
  }

  it('selects chains by SNI and ALPN through the TLS inspector, end to end with node:tls', async () => {
    expect(await tlsRequest('example.com')).toBe('backend=example;sni=example.com;alpn=none');
    expect(await tlsRequest('WWW.example.com', ['http/1.1'])).toBe(
      'backend=example;sni=WWW.example.com;alpn=http/1.1',
    );
    expect(await tlsRequest('api.example.com', ['h2', 'http/1.1'])).toBe(
      'backend=wild-h2;sni=api.example.com;alpn=h2',
    );
    expect(await tlsRequest('api.example.com', ['http/1.1'])).toBe(
      'backend=wild;sni=api.example.com;alpn=http/1.1',
    );
    expect(await tlsRequest('api.example.com')).toBe('backend=wild;sni=api.example.com;alpn=none');
    const plain = new RecordingClient(ports.tls as number);
    try {
      plain.socket.write('not TLS');
      await plain.whenDone();
      expect(plain.received()).toBe('chain=plain\n');
    } finally {
      plain.destroy();
    }
    expect(counter(cluster.store, 'tls_inspector.tls_found')).toBe(5);
    expect(counter(cluster.store, 'tls_inspector.tls_not_found')).toBe(1);
  });

  it('selects chains by destination port', async () => {
    const c = new RecordingClient(ports.byPort as number);
    try {
      c.socket.write('which?');
      await c.whenDone();
      expect(c.received()).toBe('chain=this-port\n');
    } finally {
      c.destroy();
    }
  });

  it('keeps a client that never reads within the buffer limit (measured)', async () => {
    const limit = 64 * 1024;
    const c = new RecordingClient(ports.memory as number, { read: false });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    let maxHeld = 0;
    let maxParts = { readBuffer: 0, writeBuffer: 0, socketWrite: 0, socketRead: 0 };
    try {
      await c.connected();
      const deadline = Date.now() + 1500;
      while (Date.now() < deadline) {
        // Push as fast as the kernel takes it; the echo side stops reading once its write
        // buffer is above the limit, so the pushing stalls.
        while (c.socket.writableLength < 1024 * 1024) {
          c.socket.write(chunk);
          sent += chunk.length;
        }
        const stats = (
          await Promise.all(
            cluster.pool.workers.map((worker) => worker.dispatcher.call('bufferStats')),
          )
        ).flat();
        for (const s of stats) {
          const held = s.readBuffer + s.writeBuffer + s.socketRead;
          if (held > maxHeld) {
            maxHeld = held;
            maxParts = s;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const unsent = c.socket.writableLength;
      console.info(
        `[memory] limit ${limit} B; client pushed ${sent - unsent} B into the kernel; most held by the connection: ${maxHeld} B (read buffer ${maxParts.readBuffer}, write buffer ${maxParts.writeBuffer} of which in the socket ${maxParts.socketWrite}, socket read ${maxParts.socketRead})`,
      );
      // The sender was stopped by back-pressure, not by running out of data.
      expect(unsent).toBeGreaterThan(0);
      expect(maxHeld).toBeGreaterThan(limit);
      // Bounded: what waits to be written (write buffer and the socket's share of it) is at most
      // the limit plus the one read chunk that crossed it; Node's paused readable side adds at
      // most its high-water mark plus one read.
      const writeSide = maxParts.readBuffer + maxParts.writeBuffer;
      expect(writeSide).toBeLessThanOrEqual(limit + 64 * 1024);
      expect(maxParts.socketRead).toBeLessThanOrEqual(2 * 64 * 1024);
      expect(maxHeld).toBeLessThanOrEqual(limit + 3 * 64 * 1024);
    } finally {
      c.destroy();
    }
  });

  it('checks configs on main before any worker sees them, naming both ambiguous chains', async () => {
    const ambiguous = listenerConfig('bad', 0, {
      filterChains: [echoChain('first'), echoChain('second')],
    });
    await expect(cluster.manager.addOrUpdateListener(ambiguous)).rejects.toMatchObject({
      code: NetworkErrorCode.DuplicateFilterChainMatch,
      message: expect.stringContaining(
        "filter chain 'second' has the same matching rules defined as 'first'",
      ),
    });
    expect(cluster.manager.listeners().some((l) => l.name === 'bad')).toBe(false);
  });

  it('publishes updates: workers swap a changed chain in place and drop a removed listener', async () => {
    const { manager, pool } = cluster;
    const port = ports.byPort as number;
    expect(
      await manager.addOrUpdateListener(
        listenerConfig('by-port', port, {
          statPrefix: 'by_port',
          filterChains: [reportChain('updated')],
        }),
      ),
    ).toBe('updated');
    expect(manager.removeListener('fin-first')).toBe(true);
    const snapshot = manager.snapshot();
    await Promise.all(
      pool.workers.map((worker) => worker.dispatcher.call('applySnapshot', snapshot)),
    );
    const c = new RecordingClient(port);
    try {
      c.socket.write('which now?');
      await c.whenDone();
      expect(c.received()).toBe('chain=updated\n');
    } finally {
      c.destroy();
    }
    await waitFor(
      async () => {
        const lists = await Promise.all(pool.workers.map((w) => w.dispatcher.call('listeners')));
        return lists.every((list) => !list.some((l) => l.name === 'fin-first'));
      },
      { what: 'fin-first removed on every worker' },
    );
    expect(counter(cluster.store, 'listener_manager.listener_removed')).toBe(1);
    expect(counter(cluster.store, 'listener_manager.listener_modified')).toBe(2);
    // Five listeners bound on each of two workers; the update on the same port rebound nothing.
    expect(counter(cluster.store, 'listener_manager.listener_create_success')).toBe(10);
  });
});
