// The proxy side of the TCP proxy benchmark: one worker thread running either Nuncio's TCP proxy
// (a listener, the filter chain, the thread-local cluster manager, the connection pool) or, as the
// baseline, a bare Node proxy that pipes each accepted socket to a new upstream socket.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ConfigRegistry } from '@nuncio/config';
import type { WorkerContext } from '@nuncio/dispatcher';
import {
  builtinExtensions,
  createConnectionHandler,
  type ListenerSnapshot,
  registerNetworkExtensions,
} from '@nuncio/network-filter';
import { StatsStore, type StatsStoreDescriptor } from '@nuncio/stats';
import { tcpProxyExtension } from '@nuncio/tcp-proxy';
import { getSlot, type SlotRef } from '@nuncio/thread-local';
import {
  CLUSTER_MANAGER_SINGLETON,
  type ClusterManagerSnapshot,
  provideStatsStore,
  type ThreadLocalClusterManager,
} from '@nuncio/upstream';

/** `workerData` of the benchmark's workers. */
export interface ProxyBenchWorkerData {
  readonly mode: 'nuncio' | 'pipe';
  readonly upstreamPort: number;
  readonly stats: StatsStoreDescriptor;
}

/** The handlers main calls. */
export interface ProxyBenchHandlers {
  /** Nuncio: build the listener once the cluster manager has reached this worker. */
  start(args: {
    clusterManager: SlotRef<ThreadLocalClusterManager, ClusterManagerSnapshot>;
    snapshot: ListenerSnapshot;
  }): Promise<void>;
  /** The baseline: listen, and return the port. */
  listenPipe(): Promise<number>;
  /** The event loop's active time so far, in ms. */
  busy(): number;
  /** `null` starts a CPU profile; a path stops it and writes it there. */
  profile(file: string | null): Promise<void>;
}

export function registry(): ConfigRegistry {
  return registerNetworkExtensions(new ConfigRegistry(), [...builtinExtensions, tcpProxyExtension]);
}

export function init(context: WorkerContext): void {
  const data = context.workerData as ProxyBenchWorkerData;
  const store = StatsStore.open(data.stats);
  provideStatsStore(store);
  const { dispatcher } = context;
  dispatcher.registerHandler('busy', () => performance.eventLoopUtilization().active);
  // BENCH_PROFILE=<file>: a CPU profile of this worker while it proxies, for finding hot spots.
  const session = new Session();
  let connected = false;
  dispatcher.registerHandler('profile', async (file: string | null) => {
    if (file === null) {
      if (!connected) session.connect();
      connected = true;
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      return;
    }
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
  });
  dispatcher.registerHandler('start', async (args: Parameters<ProxyBenchHandlers['start']>[0]) => {
    const handler = createConnectionHandler({
      registry: registry(),
      dispatcher,
      workerIndex: context.index,
      scope: store,
      singletons: { [CLUSTER_MANAGER_SINGLETON]: getSlot(args.clusterManager).get() },
    });
    await handler.applySnapshot(args.snapshot);
  });
  dispatcher.registerHandler('listenPipe', async () => {
    const server = createServer({ noDelay: true }, (socket) => {
      const upstream = connect({ port: data.upstreamPort, host: '127.0.0.1', noDelay: true });
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  });
}
