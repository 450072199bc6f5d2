// Starts what a proxy program assembles, on loopback with real worker threads: stats, shared data,
// thread-local storage, the cluster manager, the wasm plugin manager, the listener manager, the
// admin server (for /stats) and N workers running the TCP proxy behind the wasm filter.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type AdminServer, createAdminServer } from '@nuncio/admin';
import { startWorkers, type WorkerPool } from '@nuncio/dispatcher';
import { createListenerManager, type ListenerInput } from '@nuncio/network-filter';
import { SharedDataStore } from '@nuncio/shared-data';
import { StatsStore } from '@nuncio/stats';
import {
  createThreadLocal,
  type ThreadLocalInstance,
  threadLocalWorkerModule,
} from '@nuncio/thread-local';
import { type ClusterInput, type ClusterManager, createClusterManager } from '@nuncio/upstream';
import {
  type BootstrapExtensionInput,
  createWasmPluginManager,
  type WasmPluginManager,
} from '../../src/index.ts';
import { type ProxyWorkerHandlers, proxyRegistry, quietLogger } from '../fixtures/proxy-worker.ts';

export const PLUGIN_PATH = fileURLToPath(
  new URL('../plugins/build/network-plugin.wasm', import.meta.url),
);
export const PLUGIN_BYTES: Uint8Array = readFileSync(PLUGIN_PATH);
const TCP_PROXY_TYPE_URL =
  'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';
export const WASM_TYPE_URL = 'type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm';
export const WASM_SERVICE_TYPE_URL = 'type.googleapis.com/envoy.extensions.wasm.v3.WasmService';
const STRING_VALUE = 'type.googleapis.com/google.protobuf.StringValue';

/** A decoded `PluginConfig` for the test plugin (or the module at `filename`). */
export function pluginConfig(
  name: string,
  options: {
    rootId?: string;
    vmId?: string;
    failOpen?: boolean;
    configuration?: string;
    filename?: string;
  } = {},
) {
  return {
    name,
    rootId: options.rootId ?? 'net',
    vmConfig: {
      vmId: options.vmId ?? name,
      runtime: 'envoy.wasm.runtime.v8',
      code: { local: { filename: options.filename ?? PLUGIN_PATH } },
    },
    ...(options.configuration === undefined
      ? {}
      : { configuration: { typeUrl: STRING_VALUE, value: options.configuration } }),
    failOpen: options.failOpen ?? false,
  };
}

/** A listener on a free loopback port: the wasm filter in front of the TCP proxy to `cluster`. */
export function wasmListener(
  name: string,
  plugin: ReturnType<typeof pluginConfig> | Record<string, unknown>,
  cluster: string,
): ListenerInput {
  return {
    name,
    address: { socketAddress: { address: '127.0.0.1', portValue: 0 } },
    filterChains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.wasm',
            typedConfig: { typeUrl: WASM_TYPE_URL, value: { config: plugin } },
          },
          {
            name: 'envoy.filters.network.tcp_proxy',
            typedConfig: { typeUrl: TCP_PROXY_TYPE_URL, value: { statPrefix: name, cluster } },
          },
        ],
      },
    ],
  };
}

export function staticCluster(name: string, port: number): ClusterInput {
  return {
    name,
    connectTimeout: { seconds: 1, nanos: 0 },
    loadAssignment: {
      endpoints: [
        {
          lbEndpoints: [
            { endpoint: { address: { socketAddress: { address: '127.0.0.1', portValue: port } } } },
          ],
        },
      ],
    },
  };
}

export interface Harness {
  readonly store: StatsStore;
  readonly tls: ThreadLocalInstance;
  readonly pool: WorkerPool<ProxyWorkerHandlers>;
  readonly clusters: ClusterManager;
  readonly wasm: WasmPluginManager;
  readonly admin: AdminServer;
  /** The process's proxy-wasm shared data, as the plugins on every thread see it. */
  readonly sharedData: SharedDataStore;
  /** Listener ports by name. */
  readonly ports: ReadonlyMap<string, number>;
  /** How many connections each worker accepted on `listener` (its `downstream_cx_total`). */
  workerConnections(listener: string): number[];
  counter(name: string): number;
  /** The admin's `/stats` text, filtered. */
  stats(filter: string): Promise<string>;
  /** A value from the admin's `/stats` (undefined when absent). */
  statValue(name: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  concurrency: number;
  clusters: readonly ClusterInput[];
  listeners: readonly ListenerInput[];
  bootstrapExtensions?: readonly BootstrapExtensionInput[];
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const store = StatsStore.create({ maxStats: 8192, maxThreads: 8 });
  const sharedData = SharedDataStore.create();
  const tls = createThreadLocal();
  const pool = await startWorkers<ProxyWorkerHandlers>({
    concurrency: options.concurrency,
    modules: [threadLocalWorkerModule, new URL('../fixtures/proxy-worker.ts', import.meta.url)],
    workerData: { stats: store.descriptor },
    shutdownTimeoutMs: 5000,
  });
  await tls.registerWorkers(pool);
  const clusters = createClusterManager({ threadLocal: tls, stats: store });
  for (const cluster of options.clusters) await clusters.addOrUpdateCluster(cluster);
  await clusters.whenApplied();
  const wasm = createWasmPluginManager({
    threadLocal: tls,
    sharedData,
    stats: store,
    logger: quietLogger,
  });
  await wasm.startBootstrapExtensions(options.bootstrapExtensions);
  const listeners = createListenerManager({
    registry: proxyRegistry(),
    concurrency: options.concurrency,
    scope: store,
  });
  for (const listener of options.listeners) {
    // A plugin that cannot load refuses its listener before the listener manager sees it.
    await wasm.addOrUpdateListener(listener);
    await listeners.addOrUpdateListener(listener);
  }
  const snapshot = listeners.snapshot();
  await Promise.all(
    pool.workers.map((worker) =>
      worker.dispatcher.call('start', {
        clusterManager: clusters.slotRef,
        wasm: wasm.slotRef,
        snapshot,
      }),
    ),
  );
  const admin = await createAdminServer({
    address: { host: '127.0.0.1', port: 0 },
    providers: { stats: store },
  });
  const ports = new Map(listeners.listeners().map((l) => [l.name, l.address.port]));
  const stats = async (filter: string) => {
    const response = await fetch(`${admin.url}/stats?filter=${encodeURIComponent(filter)}`);
    return response.text();
  };
  return {
    store,
    tls,
    pool,
    clusters,
    wasm,
    admin,
    sharedData,
    ports,
    workerConnections(listener) {
      const summary = listeners.listeners().find((l) => l.name === listener);
      return summary === undefined ? [] : summary.workers.map((w) => w.downstreamCxTotal);
    },
    counter: (name) => store.counterFromString(name).value(),
    stats,
    async statValue(name) {
      const text = await stats(`^${name.replaceAll('.', '\\.')}$`);
      const line = text.split('\n').find((l) => l.startsWith(`${name}: `));
      return line === undefined ? undefined : Number(line.slice(name.length + 2));
    },
    async close() {
      await admin.close();
      wasm.shutdown();
      clusters.shutdown();
      tls.shutdownGlobalThreading();
      await pool.shutdown();
      tls.shutdownThread();
      sharedData.close();
    },
  };
}

/** A client that records what it reads; it ends its side when the proxy ends its own. */
export class TestClient {
  readonly socket: Socket;
  readonly chunks: Buffer[] = [];
  closed = false;
  readonly connected: Promise<unknown>;
  readonly closedPromise: Promise<unknown>;

  constructor(port: number) {
    this.socket = connect({ port, host: '127.0.0.1' });
    this.socket.on('error', () => {});
    this.socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    this.connected = once(this.socket, 'connect');
    this.closedPromise = new Promise<void>((resolve) =>
      this.socket.once('close', () => {
        this.closed = true;
        resolve();
      }),
    );
  }

  text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

/** An echo upstream (half-close kept) that records what each connection sent it. */
export async function startRecordingEcho(): Promise<{
  port: number;
  received: string[];
  close(): Promise<void>;
}> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    const index = received.push('') - 1;
    socket.on('data', (chunk: Buffer) => {
      received[index] += chunk.toString();
      socket.write(chunk);
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    received,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
