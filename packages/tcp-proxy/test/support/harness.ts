// Starts the pieces a proxy assembles, on loopback with real worker threads: stats, thread-local
// storage, the cluster manager, the listener manager, an access-log manager, and N workers that
// run the TCP proxy.
import { type AccessLogManager, createAccessLogManager } from '@nuncio/access-log';
import { startWorkers, type WorkerPool } from '@nuncio/dispatcher';
import {
  createListenerManager,
  type ListenerInput,
  type ListenerManager,
} from '@nuncio/network-filter';
import { StatsStore } from '@nuncio/stats';
import {
  createThreadLocal,
  type ThreadLocalInstance,
  threadLocalWorkerModule,
} from '@nuncio/thread-local';
import {
  type ClusterInput,
  type ClusterManager,
  createClusterManager,
  upstreamWorkerModule,
} from '@nuncio/upstream';
import {
  prepareAccessLogs,
  type TcpProxyInput,
  tcpProxyAccessLogConfigs,
} from '../../src/index.ts';
import { type ProxyWorkerHandlers, proxyRegistry } from '../fixtures/proxy-worker.ts';

export const TCP_PROXY_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

export function ms(value: number) {
  return { seconds: Math.floor(value / 1000), nanos: (value % 1000) * 1e6 };
}

export function staticCluster(
  name: string,
  ports: readonly number[],
  extra: Partial<ClusterInput> = {},
): ClusterInput {
  return {
    name,
    connectTimeout: ms(1000),
    loadAssignment: {
      endpoints: [
        {
          lbEndpoints: ports.map((port) => ({
            endpoint: { address: { socketAddress: { address: '127.0.0.1', portValue: port } } },
          })),
        },
      ],
    },
    ...extra,
  };
}

export function proxyListener(
  name: string,
  tcpProxy: TcpProxyInput,
  extra: Partial<ListenerInput> = {},
): ListenerInput {
  return {
    name,
    address: { socketAddress: { address: '127.0.0.1', portValue: 0 } },
    filterChains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.tcp_proxy',
            typedConfig: { typeUrl: TCP_PROXY_TYPE_URL, value: tcpProxy },
          },
        ],
      },
    ],
    ...extra,
  };
}

export interface Harness {
  readonly store: StatsStore;
  readonly tls: ThreadLocalInstance;
  readonly pool: WorkerPool<ProxyWorkerHandlers>;
  readonly clusters: ClusterManager;
  readonly listeners: ListenerManager;
  readonly accessLogs: AccessLogManager | null;
  /** The port of the first listener. */
  readonly port: number;
  counter(name: string): number;
  gauge(name: string): number;
  /** Bytes held by every worker's connections. */
  bufferedBytes(): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  concurrency: number;
  clusters: readonly ClusterInput[];
  listeners: readonly ListenerInput[];
  /** Give the workers access-log rings (for `access_log`). */
  accessLogs?: boolean;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const store = StatsStore.create({ maxStats: 8192, maxThreads: 8 });
  const tls = createThreadLocal();
  const pool = await startWorkers<ProxyWorkerHandlers>({
    concurrency: options.concurrency,
    modules: [
      threadLocalWorkerModule,
      upstreamWorkerModule,
      new URL('../fixtures/proxy-worker.ts', import.meta.url),
    ],
    workerData: { stats: store.descriptor },
    shutdownTimeoutMs: 5000,
  });
  await tls.registerWorkers(pool);
  const clusters = createClusterManager({ threadLocal: tls, stats: store });
  for (const cluster of options.clusters) await clusters.addOrUpdateCluster(cluster);
  await clusters.whenApplied();
  const listeners = createListenerManager({
    registry: proxyRegistry(),
    concurrency: options.concurrency,
    scope: store,
  });
  for (const listener of options.listeners) await listeners.addOrUpdateListener(listener);
  const accessLogs = options.accessLogs ? createAccessLogManager({ flushIntervalMs: 50 }) : null;
  const table =
    accessLogs === null
      ? { entries: [] }
      : prepareAccessLogs(accessLogs, tcpProxyAccessLogConfigs(options.listeners));
  const snapshot = listeners.snapshot();
  await Promise.all(
    pool.workers.map((worker) =>
      worker.dispatcher.call('start', {
        clusterManager: clusters.slotRef,
        snapshot,
        accessLogRing: accessLogs === null ? null : accessLogs.registerThread(),
        accessLogs: table,
      }),
    ),
  );
  return {
    store,
    tls,
    pool,
    clusters,
    listeners,
    accessLogs,
    port: listeners.listeners()[0]?.address.port ?? 0,
    counter: (name) => store.counterFromString(name).value(),
    gauge: (name) => store.gaugeFromString(name).value(),
    async bufferedBytes() {
      let total = 0;
      for (const worker of pool.workers) {
        const stats = await worker.dispatcher.call('bufferedBytes');
        total += stats.readBuffer + stats.writeBuffer + stats.socketRead;
      }
      return total;
    },
    async close() {
      clusters.shutdown();
      tls.shutdownGlobalThreading();
      await pool.shutdown();
      tls.shutdownThread();
      await accessLogs?.close();
    },
  };
}
