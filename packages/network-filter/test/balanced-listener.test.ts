// Exact balancing with real worker threads on loopback: both workers listen (reusePort), and a
// socket one accepts may be served by the other, through the same listener filters and chains,
// with every byte in both directions.
import { currentDispatcher, startWorkers, type WorkerPool } from '@nuncio/dispatcher';
import { StatsStore } from '@nuncio/stats';
import { waitFor } from '@nuncio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createListenerManager,
  ExactConnectionBalancer,
  type ListenerInput,
  type ListenerManager,
  SocketHandOffMesh,
} from '../src/index.ts';
import type { BalancedWorkerData, BalancedWorkerHandlers } from './fixtures/balanced-worker.ts';
import { balanceRegistry, workerEchoChain } from './support/balance-extensions.ts';
import { listenerConfig, wantsBytes } from './support/listeners.ts';
import { RecordingClient } from './support/loopback.ts';

const workerModule = new URL('./fixtures/balanced-worker.ts', import.meta.url);
const WORKERS = 2;

function balanced(name: string, extra: Partial<ListenerInput> = {}): ListenerInput {
  return listenerConfig(name, 0, {
    statPrefix: name,
    filterChains: [workerEchoChain()],
    connectionBalanceConfig: { exactBalance: {} },
    ...extra,
  });
}

describe('exact_balance on two workers', () => {
  let store: StatsStore;
  let manager: ListenerManager;
  let mesh: SocketHandOffMesh;
  let pool: WorkerPool<BalancedWorkerHandlers>;
  const ports: Record<string, number> = {};
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    store = StatsStore.create({ maxStats: 4096, maxThreads: 8 });
    manager = createListenerManager({
      registry: balanceRegistry(),
      concurrency: WORKERS,
      scope: store,
    });
    await manager.addOrUpdateListener(balanced('exact'));
    await manager.addOrUpdateListener(balanced('peek', { listenerFilters: [wantsBytes(3)] }));
    await manager.addOrUpdateListener(
      listenerConfig('kernel', 0, { statPrefix: 'kernel', filterChains: [workerEchoChain()] }),
    );
    for (const summary of manager.listeners()) ports[summary.name] = summary.address.port;
    // Workers post their dispatcher handles while they start: the mesh must be there first.
    mesh = new SocketHandOffMesh(currentDispatcher());
    const workerData: BalancedWorkerData = {
      stats: store.descriptor,
      snapshot: manager.snapshot(),
      workers: WORKERS,
    };
    pool = await startWorkers<BalancedWorkerHandlers>({
      concurrency: WORKERS,
      modules: [workerModule],
      workerData,
      shutdownTimeoutMs: 5000,
    });
    mesh.attach(pool);
    await waitFor(
      async () =>
        (await pool.workers[0]?.dispatcher.call('hasPeer', 1)) &&
        (await pool.workers[1]?.dispatcher.call('hasPeer', 0)),
      { timeoutMs: 10_000, what: 'each worker reaching the other' },
    );
  }, 30_000);

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await pool?.shutdown();
    mesh?.close();
    store?.close();
  });

  function counters(name: string): ExactConnectionBalancer {
    const entry = manager.snapshot().listeners.find((listener) => listener.config.name === name);
    return new ExactConnectionBalancer(entry?.connectionBalanceCounters as SharedArrayBuffer);
  }

  function active(prefix: string, worker: number): number {
    return store
      .gaugeFromString(`listener.${prefix}.worker_${worker}.downstream_cx_active`)
      .value();
  }

  async function handedOff(): Promise<number[][]> {
    return Promise.all(pool.workers.map((worker) => worker.dispatcher.call('handedOff')));
  }

  async function open(port: number): Promise<RecordingClient> {
    const client = new RecordingClient(port);
    clients.push(client);
    await client.connected();
    return client;
  }

  async function closeAll(prefix: string): Promise<void> {
    for (const client of clients.splice(0)) client.destroy();
    await waitFor(() => active(prefix, 0) + active(prefix, 1) === 0, {
      timeoutMs: 5000,
      what: `${prefix}: every connection closed`,
    });
  }

  it('serves on worker 1 a socket that worker 0 accepted, with bytes both ways and half-close', async () => {
    // Worker 0 looks busy, so every pick goes to worker 1, whichever worker accepted.
    const balancer = counters('exact');
    for (let i = 0; i < 1000; i++) balancer.incNumConnections(0);
    try {
      const before = (await handedOff())[0]?.[1] ?? 0;
      // The kernel spreads accepts over both sockets: open connections until worker 0 has
      // accepted one (and so handed it over).
      for (let i = 0; i < 64 && ((await handedOff())[0]?.[1] ?? 0) === before; i++) {
        const client = await open(ports.exact as number);
        await waitFor(() => client.received().includes('\n'), { what: 'the greeting' });
      }
      expect((await handedOff())[0]?.[1] ?? 0).toBeGreaterThan(before);
      for (const [i, client] of clients.entries()) {
        expect(client.received()).toBe('worker=1\n');
        client.socket.end(`hello ${i}`);
      }
      for (const [i, client] of clients.entries()) {
        await client.whenEnded();
        expect(client.received()).toBe(`worker=1\nhello ${i}`);
      }
      expect(active('exact', 0)).toBe(0);
    } finally {
      for (let i = 0; i < 1000; i++) balancer.decNumConnections(0);
    }
    await closeAll('exact');
  });

  it('runs the listener filters on a handed-over socket, losing no byte they looked at', async () => {
    const balancer = counters('peek');
    for (let i = 0; i < 1000; i++) balancer.incNumConnections(0);
    try {
      const before = (await handedOff())[0]?.[1] ?? 0;
      for (let i = 0; i < 64 && ((await handedOff())[0]?.[1] ?? 0) === before; i++) {
        const client = await open(ports.peek as number);
        // The listener filter wants 3 bytes before a chain is chosen.
        client.socket.write(`abcdef-${i}`);
        await waitFor(() => client.received().length >= `worker=1\nabcdef-${i}`.length, {
          what: 'greeting and echo',
        });
      }
      expect((await handedOff())[0]?.[1] ?? 0).toBeGreaterThan(before);
      for (const [i, client] of clients.entries()) {
        expect(client.received()).toBe(`worker=1\nabcdef-${i}`);
      }
    } finally {
      for (let i = 0; i < 1000; i++) balancer.decNumConnections(0);
    }
    await closeAll('peek');
  });

  it('leaves 40 connections held open within one of each other per worker', async () => {
    for (let i = 0; i < 40; i++) await open(ports.exact as number);
    await waitFor(() => active('exact', 0) + active('exact', 1) === 40, {
      timeoutMs: 10_000,
      what: '40 connections open',
    });
    const perWorker = [active('exact', 0), active('exact', 1)];
    expect(Math.abs((perWorker[0] as number) - (perWorker[1] as number))).toBeLessThanOrEqual(1);
    const balancer = counters('exact');
    expect([balancer.numConnections(0), balancer.numConnections(1)]).toEqual(perWorker);
    const handlers = await Promise.all(
      pool.workers.map((worker) => worker.dispatcher.call('numConnections')),
    );
    expect(handlers).toEqual(perWorker);
    await closeAll('exact');
    expect([balancer.numConnections(0), balancer.numConnections(1)]).toEqual([0, 0]);
  });

  it('hands nothing over for a listener without exact_balance', async () => {
    const before = await handedOff();
    for (let i = 0; i < 20; i++) await open(ports.kernel as number);
    await waitFor(() => active('kernel', 0) + active('kernel', 1) === 20, {
      what: '20 connections open',
    });
    expect(await handedOff()).toEqual(before);
    console.log(
      `[kernel] 20 connections without exact_balance: worker_0 ${active('kernel', 0)}, worker_1 ${active('kernel', 1)}`,
    );
    await closeAll('kernel');
  });
});
