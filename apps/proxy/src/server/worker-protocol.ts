// What the main thread and the proxy's worker module say to each other: the worker data every
// worker starts with, and the handlers each side registers (data naming a handler, never a closure).
import type { AccessLogThreadHandle } from '@nuncio/access-log';
import type { LogRegistryDescriptor } from '@nuncio/log';
import type { StatsStoreDescriptor } from '@nuncio/stats';

/**
 * `workerData` of every worker: the shared memory of the log levels and of the stats store, and
 * whether the workers join the socket hand-off mesh (some listener has `exact_balance`).
 */
export interface ProxyWorkerData {
  readonly log: LogRegistryDescriptor;
  readonly stats: StatsStoreDescriptor;
  /** `--concurrency`. */
  readonly concurrency: number;
  /** Join the mesh through which workers hand sockets to each other (exact balance). */
  readonly socketHandOff: boolean;
}

/** Handler names on the main thread. */
export const MainHandler = {
  /** A starting (or restarted) worker asks for its access-log ring, by worker index. */
  AccessLogRing: 'nuncio.proxy.accessLogRing',
} as const;

/** The main thread's handlers, as workers call them. */
export interface MainHandlers {
  [MainHandler.AccessLogRing]: (index: number) => AccessLogThreadHandle;
}

/** Handler names on every worker. */
export const WorkerHandler = {
  /** Resolves once the newest listener snapshot the worker received is applied (bound). */
  ListenersSettled: 'nuncio.proxy.listenersSettled',
  /** Drains every listener: stop accepting, wait for connections up to `timeoutMs`, close the rest. */
  DrainListeners: 'nuncio.proxy.drainListeners',
  /** Stops accepting on every listener; connections go on. */
  StopListeners: 'nuncio.proxy.stopListeners',
} as const;

/** The workers' handlers, as the main thread calls them. */
export interface WorkerHandlers {
  [WorkerHandler.ListenersSettled]: () => Promise<{ version: number }>;
  [WorkerHandler.DrainListeners]: (options: { timeoutMs: number }) => Promise<void>;
  [WorkerHandler.StopListeners]: () => Promise<void>;
}
