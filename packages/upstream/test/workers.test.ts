// The cluster manager with real worker threads: every worker gets the snapshot in its quiescent
// period and keeps its own load-balancer state; the admin's /clusters reads the manager.

import { createAdminServer } from '@nuncio/admin';
import { startWorkers, type WorkerPool } from '@nuncio/dispatcher';
import { StatsStore } from '@nuncio/stats';
import { type LoopbackServer, startEchoServer, waitFor } from '@nuncio/test-support';
import {
  createThreadLocal,
  type ThreadLocalInstance,
  threadLocalWorkerModule,
} from '@nuncio/thread-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterManager, createClusterManager, upstreamWorkerModule } from '../src/index.ts';
import type { ClusterWorkerHandlers } from './fixtures/cluster-worker.ts';
import { staticCluster, tcpCheck } from './support/clusters.ts';

let tls: ThreadLocalInstance;
let pool: WorkerPool<ClusterWorkerHandlers>;
let manager: ClusterManager;
let store: StatsStore;
const servers: LoopbackServer[] = [];

beforeAll(async () => {
  for (let i = 0; i < 3; i++) servers.push(await startEchoServer());
  store = StatsStore.create({ maxStats: 4096, maxThreads: 8 });
  tls = createThreadLocal();
  pool = await startWorkers<ClusterWorkerHandlers>({
    concurrency: 2,
    modules: [
      threadLocalWorkerModule,
      upstreamWorkerModule,
      new URL('./fixtures/cluster-worker.ts', import.meta.url),
    ],
    shutdownTimeoutMs: 5000,
  });
  await tls.registerWorkers(pool);
  manager = createClusterManager({ threadLocal: tls, stats: store });
  // Every worker holds the cluster manager (and its empty snapshot) from here on.
  await manager.whenApplied();
});

afterAll(async () => {
  manager?.shutdown();
  tls?.shutdownGlobalThreading();
  await pool?.shutdown();
  tls?.shutdownThread();
  for (const server of servers) await server.close();
});

describe('thread-local clusters on workers', () => {
  it('publishes clusters to every worker, each with its own round-robin state', async () => {
    const ports = servers.map((server) => server.port);
    for (const worker of pool.workers)
      await worker.dispatcher.call('watch', { ref: manager.slotRef });
    await manager.addOrUpdateCluster(staticCluster('rr', ports));
    await manager.whenApplied();
    for (const worker of pool.workers) {
      const picks = await worker.dispatcher.call('pick', {
        ref: manager.slotRef,
        cluster: 'rr',
        count: 6,
      });
      // In turn from a random start: each host twice, never the same one twice in a row.
      expect(new Set(picks).size).toBe(3);
      for (let i = 1; i < picks.length; i++) expect(picks[i]).not.toBe(picks[i - 1]);
    }
    const events = await pool.workers[0]?.dispatcher.call('events');
    expect(events).toContain('worker_0 rr 3');
  });

  it('takes an unhealthy host out on every worker, and back after recovery', async () => {
    const [a, b] = servers as [LoopbackServer, LoopbackServer];
    const { startTcpServer } = await import('@nuncio/test-support');
    const flaky = await startEchoServer();
    const flakyPort = flaky.port;
    await manager.addOrUpdateCluster(
      staticCluster('hc', [a.port, b.port, flakyPort], { healthChecks: [tcpCheck()] }),
    );
    await manager.whenApplied();
    const healthyOn = async (index: number) =>
      (await pool.workers[index]?.dispatcher.call('healthy', {
        ref: manager.slotRef,
        cluster: 'hc',
      })) ?? [];
    expect(await healthyOn(0)).toHaveLength(3);
    await flaky.close();
    await waitFor(
      async () => (await healthyOn(0)).length === 2 && (await healthyOn(1)).length === 2,
      {
        what: 'removal on both workers',
        timeoutMs: 3000,
      },
    );
    const picks = await pool.workers[1]?.dispatcher.call('pick', {
      ref: manager.slotRef,
      cluster: 'hc',
      count: 20,
    });
    expect(picks).not.toContain(`127.0.0.1:${flakyPort}`);
    const back = await startTcpServer((socket) => socket.pipe(socket), { port: flakyPort });
    try {
      await waitFor(
        async () => (await healthyOn(0)).length === 3 && (await healthyOn(1)).length === 3,
        {
          what: 'recovery on both workers',
          timeoutMs: 3000,
        },
      );
    } finally {
      await back.close();
    }
    manager.removeCluster('hc');
    await manager.whenApplied();
    expect(
      await pool.workers[0]?.dispatcher.call('healthy', { ref: manager.slotRef, cluster: 'hc' }),
    ).toBeNull();
    const events = await pool.workers[1]?.dispatcher.call('events');
    expect(events).toContain('worker_1 -hc');
  });

  it("serves the admin's /clusters from the manager, in Envoy's text and JSON shapes", async () => {
    await manager.addOrUpdateCluster(
      staticCluster('admin_view', [servers[0]?.port ?? 0], {
        circuitBreakers: { thresholds: [{ maxConnections: 7 }] },
      }),
    );
    const admin = await createAdminServer({
      providers: { clusters: manager },
      address: { host: '127.0.0.1', port: 0 },
      logger: { info() {}, warn() {}, error() {} },
    });
    try {
      const text = await (await fetch(`${admin.url}/clusters`)).text();
      const host = `admin_view::127.0.0.1:${servers[0]?.port}::`;
      expect(text).toContain('admin_view::default_priority::max_connections::7\n');
      expect(text).toContain(`${host}health_flags::healthy\n`);
      expect(text).toContain(`${host}weight::1\n`);
      expect(text).toContain(`${host}cx_total::0\n`);
      const json = (await (await fetch(`${admin.url}/clusters?format=json`)).json()) as {
        cluster_statuses: { name: string; host_statuses: { address: unknown; weight: number }[] }[];
      };
      const entry = json.cluster_statuses.find((cluster) => cluster.name === 'admin_view');
      expect(entry?.host_statuses[0]).toMatchObject({
        address: { socket_address: { address: '127.0.0.1', port_value: servers[0]?.port } },
        weight: 1,
      });
    } finally {
      await admin.close();
    }
  });
});
