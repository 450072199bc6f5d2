// A real admin over real worker threads: @nuncio/dispatcher's runtime with two workers and a
// guard dog, a StatsStore shared with the workers, shared log levels, a static bootstrap's config
// dump and stand-in cluster and listener views, served on 127.0.0.1 port 0.
import { loadBootstrap } from '@nuncio/config';
import { startWorkers, type WorkerPool } from '@nuncio/dispatcher';
import { createLogRegistry, type LogRegistry } from '@nuncio/log';
import { StatsStore } from '@nuncio/stats';
import {
  type AdminLogger,
  type AdminServer,
  bootstrapConfigDump,
  createAdminServer,
  createServerInfo,
  type LoggingControl,
  type ServerInfo,
  workerPoolThreads,
} from '../../src/index.ts';
import type { AdminWorkerData, AdminWorkerHandlers } from '../fixtures/admin-worker.ts';
import { clusterView, listenerView, sampleClusters, sampleListeners } from './stand-ins.ts';

export const BOOTSTRAP_YAML = `
node: { id: node-1, cluster: edge }
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
static_resources:
  listeners:
  - name: listener_0
    address: { socket_address: { address: 0.0.0.0, port_value: 10000 } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: destination
          cluster: backend
  - name: listener_1
    address: { socket_address: { address: 127.0.0.1, port_value: 10001 } }
    filter_chains:
    - filters:
      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: other
          cluster: backend
  clusters:
  - name: backend
    type: STATIC
    connect_timeout: 0.25s
    load_assignment:
      cluster_name: backend
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 8080 } } }
  - name: other
    type: STATIC
    connect_timeout: 1s
    alt_stat_name: other_stats
`;

export const LOADED_AT = new Date('2026-03-04T05:06:07.089Z');

const workerModule = new URL('../fixtures/admin-worker.ts', import.meta.url);

/** What the lifecycle stand-in was asked. */
export interface LifecycleCall {
  name: string;
  args: unknown[];
}

export interface Harness {
  readonly pool: WorkerPool<AdminWorkerHandlers>;
  readonly store: StatsStore;
  readonly logRegistry: LogRegistry;
  readonly serverInfo: ServerInfo;
  readonly admin: AdminServer;
  readonly url: string;
  readonly lifecycleCalls: LifecycleCall[];
  readonly logLines: string[];
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const store = StatsStore.create({ maxStats: 1024, maxThreads: 8 });
  // @nuncio/log's registry is a LoggingControl as it is: no adapter.
  const logRegistry = createLogRegistry({ level: 'info' });
  const logging: LoggingControl = logRegistry;
  const data: AdminWorkerData = { stats: store.descriptor, log: logRegistry.descriptor() };
  const pool = await startWorkers<AdminWorkerHandlers>({
    concurrency: 2,
    modules: [workerModule],
    workerData: data,
    shutdownTimeoutMs: 5000,
    // Tight miss times so that a blocked worker is noticed quickly; no kill.
    watchdog: { workerWatchdog: { missTimeout: 100, megamissTimeout: 400 } },
  });
  const serverInfo = createServerInfo({
    commandLineOptions: { concurrency: 2, log_level: 'info' },
    node: { id: 'node-1', cluster: 'edge' },
  });
  const lifecycleCalls: LifecycleCall[] = [];
  const logLines: string[] = [];
  const logger: AdminLogger = {
    info: (m) => logLines.push(`info ${m}`),
    warn: (m) => logLines.push(`warn ${m}`),
    error: (m) => logLines.push(`error ${m}`),
  };
  const bootstrap = loadBootstrap(
    { text: BOOTSTRAP_YAML, name: 'test.yaml' },
    { checkSubset: false },
  );
  let admin: AdminServer;
  try {
    admin = await createAdminServer({
      admin: bootstrap.admin,
      logger,
      providers: {
        server: serverInfo,
        stats: store,
        // Envoy's stats_flush_on_admin: merge the workers' histograms up to the request.
        statsFlushOnAdmin: () => store.mergeHistograms(),
        threads: workerPoolThreads(pool, { timeoutMs: 1000 }),
        clusters: clusterView(sampleClusters()),
        listeners: listenerView(sampleListeners()),
        configDump: bootstrapConfigDump(bootstrap, { lastUpdated: LOADED_AT }),
        logging,
        lifecycle: {
          failHealthcheck: (fail) => {
            lifecycleCalls.push({ name: 'failHealthcheck', args: [fail] });
            serverInfo.failHealthcheck(fail);
          },
          drainListeners: (options) => {
            lifecycleCalls.push({ name: 'drainListeners', args: [options] });
          },
          shutdown: () => {
            lifecycleCalls.push({ name: 'shutdown', args: [] });
          },
          reopenLogs: async () => {
            lifecycleCalls.push({ name: 'reopenLogs', args: [] });
          },
        },
      },
    });
  } catch (error) {
    await pool.shutdown();
    await logRegistry.close();
    throw error;
  }
  return {
    pool,
    store,
    logRegistry,
    serverInfo,
    admin,
    url: admin.url,
    lifecycleCalls,
    logLines,
    close: async () => {
      await admin.close();
      await pool.shutdown();
      await logRegistry.close();
    },
  };
}
