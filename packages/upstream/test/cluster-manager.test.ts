// The cluster manager on the main thread, read through main's own thread-local cluster manager
// (the slot's object exists on main too): config, publishing, connection pools, circuit breakers.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { OwnedBuffer } from '@nuncio/buffer';
import { ConnectionCloseType, ConnectionState } from '@nuncio/network-filter';
import { StatsStore } from '@nuncio/stats';
import {
  freePort,
  type LoopbackServer,
  startEchoServer,
  waitFor,
  withTimeout,
} from '@nuncio/test-support';
import { createThreadLocal, getSlot, type ThreadLocalInstance } from '@nuncio/thread-local';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClusterManager,
  createClusterManager,
  PoolFailureReason,
  ResourcePriority,
  type ThreadLocalClusterManager,
  UpstreamErrorCode,
} from '../src/index.ts';
import { staticCluster } from './support/clusters.ts';
import { RecordingPoolCallbacks } from './support/pool-callbacks.ts';

let tls: ThreadLocalInstance;
let store: StatsStore;
let manager: ClusterManager;
let local: ThreadLocalClusterManager;
const servers: LoopbackServer[] = [];

beforeAll(async () => {
  tls = createThreadLocal();
  store = StatsStore.create({ maxStats: 4096, maxThreads: 4 });
  for (let i = 0; i < 2; i++) servers.push(await startEchoServer());
});

afterAll(async () => {
  for (const server of servers) await server.close();
  tls.shutdownGlobalThreading();
  tls.shutdownThread();
});

function startManager(): void {
  manager = createClusterManager({ threadLocal: tls, stats: store });
  local = getSlot(manager.slotRef).get();
}

afterEach(() => {
  manager?.shutdown();
});

function counter(name: string): number {
  return store.counterFromString(name).value();
}

function gauge(name: string): number {
  return store.gaugeFromString(name).value();
}

describe('cluster configuration', () => {
  it('adds a STATIC cluster, publishes it, and leaves an identical config unchanged', async () => {
    startManager();
    const ports = servers.map((server) => server.port);
    expect(await manager.addOrUpdateCluster(staticCluster('cfg_backend', ports))).toBe('added');
    await manager.whenApplied();
    const cluster = local.getThreadLocalCluster('cfg_backend');
    expect(cluster?.hosts().map((host) => host.addressString)).toEqual(
      ports.map((port) => `127.0.0.1:${port}`),
    );
    expect(cluster?.healthyHosts()).toHaveLength(2);
    expect(await manager.addOrUpdateCluster(staticCluster('cfg_backend', ports))).toBe('unchanged');
    expect(counter('cluster_manager.cluster_added')).toBeGreaterThanOrEqual(1);
    expect(gauge('cluster.cfg_backend.membership_total')).toBe(2);
    expect(gauge('cluster.cfg_backend.membership_healthy')).toBe(2);
  });

  it('rejects a bad config with a code naming the cluster and the field, and changes nothing', async () => {
    startManager();
    await expect(
      manager.addOrUpdateCluster(
        staticCluster('bad', [80], {
          loadAssignment: {
            endpoints: [
              {
                lbEndpoints: [
                  {
                    endpoint: {
                      address: { socketAddress: { address: 'example.com', portValue: 80 } },
                    },
                  },
                ],
              },
            ],
          },
        }),
      ),
    ).rejects.toMatchObject({
      code: UpstreamErrorCode.InvalidClusterConfig,
      message: expect.stringContaining(
        "cluster 'bad': load_assignment.endpoints[0].lb_endpoints[0]",
      ),
    });
    await expect(
      manager.addOrUpdateCluster(staticCluster('bad2', [80], { lbPolicy: 'CLUSTER_PROVIDED' })),
    ).rejects.toMatchObject({ message: expect.stringContaining('lb_policy') });
    await expect(
      manager.addOrUpdateCluster(
        staticCluster('bad3', [80], { maglevLbConfig: { tableSize: 65536n } }),
      ),
    ).rejects.toMatchObject({ message: expect.stringContaining('prime') });
    expect(manager.clusterNames()).toEqual([]);
  });

  it('replaces a cluster whose config changed and removes one', async () => {
    startManager();
    const [a, b] = servers.map((server) => server.port) as [number, number];
    const seen: string[] = [];
    local.addClusterUpdateCallbacks({
      onClusterAddOrUpdate: (name, cluster) =>
        seen.push(
          `${name}:${cluster
            .hosts()
            .map((host) => host.port)
            .join(',')}`,
        ),
      onClusterRemoval: (name) => seen.push(`-${name}`),
    });
    await manager.addOrUpdateCluster(staticCluster('swap', [a]));
    await manager.whenApplied();
    const first = local.getThreadLocalCluster('swap');
    expect(await manager.addOrUpdateCluster(staticCluster('swap', [b]))).toBe('updated');
    await manager.whenApplied();
    const second = local.getThreadLocalCluster('swap');
    expect(second).not.toBe(first);
    expect(second?.hosts().map((host) => host.port)).toEqual([b]);
    expect(manager.removeCluster('swap')).toBe(true);
    expect(manager.removeCluster('swap')).toBe(false);
    await manager.whenApplied();
    expect(local.getThreadLocalCluster('swap')).toBeUndefined();
    expect(seen).toEqual([`swap:${a}`, `swap:${b}`, '-swap']);
  });
});

describe('TCP connection pools', () => {
  it('connects to a host, counts the connection, and releases it on close', async () => {
    startManager();
    await manager.addOrUpdateCluster(staticCluster('pool_ok', [servers[0]?.port ?? 0]));
    await manager.whenApplied();
    const cluster = local.getThreadLocalCluster('pool_ok');
    const pool = cluster?.tcpConnPool(ResourcePriority.Default, null);
    expect(pool).toBeTruthy();
    const callbacks = new RecordingPoolCallbacks();
    const handle = pool?.newConnection(callbacks);
    expect(handle).not.toBeNull();
    expect(await withTimeout(callbacks.result, 3000, 'pool')).toBe('ready');
    const connection = callbacks.ready?.connection;
    expect(connection?.state()).toBe(ConnectionState.Open);
    expect(counter('cluster.pool_ok.upstream_cx_total')).toBe(1);
    expect(gauge('cluster.pool_ok.upstream_cx_active')).toBe(1);
    expect(gauge('cluster.pool_ok.upstream_rq_active')).toBe(1);
    const [status] = manager.clusters();
    expect(status?.hosts[0]?.counters.cx_total).toBe(1);
    expect(status?.hosts[0]?.gauges.cx_active).toBe(1);
    connection?.write(new OwnedBuffer('ping'), false);
    await waitFor(() => counter('cluster.pool_ok.upstream_cx_tx_bytes_total') === 4);
    await waitFor(() => counter('cluster.pool_ok.upstream_cx_rx_bytes_total') === 4);
    connection?.close(ConnectionCloseType.NoFlush);
    expect(gauge('cluster.pool_ok.upstream_cx_active')).toBe(0);
    expect(gauge('cluster.pool_ok.upstream_rq_active')).toBe(0);
    expect(counter('cluster.pool_ok.upstream_cx_destroy_local')).toBe(1);
    expect(manager.clusters()[0]?.hosts[0]?.gauges.cx_active).toBe(0);
  });

  it('reports a refused connection as a remote connection failure', async () => {
    startManager();
    const port = await freePort();
    await manager.addOrUpdateCluster(staticCluster('pool_refused', [port]));
    await manager.whenApplied();
    const pool = local
      .getThreadLocalCluster('pool_refused')
      ?.tcpConnPool(ResourcePriority.Default, null);
    const callbacks = new RecordingPoolCallbacks();
    pool?.newConnection(callbacks);
    expect(await withTimeout(callbacks.result, 3000, 'pool')).toBe('failure');
    expect(callbacks.failure?.reason).toBe(PoolFailureReason.RemoteConnectionFailure);
    expect(callbacks.failure?.transport).toBe('ECONNREFUSED');
    expect(counter('cluster.pool_refused.upstream_cx_connect_fail')).toBe(1);
    expect(gauge('cluster.pool_refused.upstream_rq_pending_active')).toBe(0);
    expect(manager.clusters()[0]?.hosts[0]?.counters.cx_connect_fail).toBe(1);
  });

  it('gives up at the cluster connect timeout', async () => {
    startManager();
    const worker = new Worker(new URL('./fixtures/blocked-server.ts', import.meta.url), {
      workerData: { blockMs: 3000 },
    });
    const fillers: Socket[] = [];
    try {
      const [port] = (await withTimeout(once(worker, 'message'), 5000, 'blocked server')) as [
        number,
      ];
      for (let i = 0; i < 4; i++) {
        const filler = connect(port, '127.0.0.1');
        filler.on('error', () => {});
        fillers.push(filler);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      await manager.addOrUpdateCluster(
        staticCluster('pool_timeout', [port], { connectTimeout: { seconds: 0, nanos: 250e6 } }),
      );
      await manager.whenApplied();
      const pool = local
        .getThreadLocalCluster('pool_timeout')
        ?.tcpConnPool(ResourcePriority.Default, null);
      const callbacks = new RecordingPoolCallbacks();
      pool?.newConnection(callbacks);
      expect(await withTimeout(callbacks.result, 3000, 'pool')).toBe('failure');
      expect(callbacks.failure?.reason).toBe(PoolFailureReason.Timeout);
      expect(counter('cluster.pool_timeout.upstream_cx_connect_timeout')).toBe(1);
    } finally {
      for (const filler of fillers) filler.destroy();
      await worker.terminate();
    }
  });

  it('refuses a connection beyond max_connections (circuit breaker), and cancels a pending one', async () => {
    startManager();
    await manager.addOrUpdateCluster(
      staticCluster('pool_cb', [servers[0]?.port ?? 0], {
        circuitBreakers: { thresholds: [{ maxConnections: 1, trackRemaining: true }] },
      }),
    );
    await manager.whenApplied();
    const cluster = local.getThreadLocalCluster('pool_cb');
    const first = new RecordingPoolCallbacks();
    cluster?.tcpConnPool(ResourcePriority.Default, null)?.newConnection(first);
    expect(gauge('cluster.pool_cb.circuit_breakers.default.cx_open')).toBe(1);
    expect(gauge('cluster.pool_cb.circuit_breakers.default.remaining_cx')).toBe(0);
    const second = new RecordingPoolCallbacks();
    expect(cluster?.tcpConnPool(ResourcePriority.Default, null)?.newConnection(second)).toBeNull();
    expect(second.failure?.reason).toBe(PoolFailureReason.Overflow);
    expect(counter('cluster.pool_cb.upstream_cx_overflow')).toBe(1);
    expect(await withTimeout(first.result, 3000, 'first')).toBe('ready');
    first.ready?.connection.close(ConnectionCloseType.NoFlush);
    expect(gauge('cluster.pool_cb.circuit_breakers.default.cx_open')).toBe(0);
    // A cancelled attempt releases its counts and reports nothing.
    const third = new RecordingPoolCallbacks();
    const handle = cluster?.tcpConnPool(ResourcePriority.Default, null)?.newConnection(third);
    handle?.cancel();
    expect(counter('cluster.pool_cb.upstream_rq_cancelled')).toBe(1);
    expect(gauge('cluster.pool_cb.upstream_rq_pending_active')).toBe(0);
    expect(gauge('cluster.pool_cb.circuit_breakers.default.remaining_cx')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(third.ready).toBeNull();
    expect(third.failure).toBeNull();
  });

  it('has no pool for a cluster without healthy hosts (upstream_cx_none_healthy)', async () => {
    startManager();
    await manager.addOrUpdateCluster({ name: 'pool_empty' });
    await manager.whenApplied();
    const cluster = local.getThreadLocalCluster('pool_empty');
    expect(cluster?.tcpConnPool(ResourcePriority.Default, null)).toBeNull();
    expect(counter('cluster.pool_empty.upstream_cx_none_healthy')).toBe(1);
  });
});
