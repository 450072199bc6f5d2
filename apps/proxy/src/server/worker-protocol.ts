// What the main thread and the proxy's worker module say to each other: the worker data every
// worker starts with, and the handlers each side registers (data naming a handler, never a closure).
import type { AccessLogThreadHandle } from '@nuncio/access-log';
import type { LogRegistryDescriptor } from '@nuncio/log';
import type { StatsStoreDescriptor } from '@nuncio/stats';

/** `workerData` of every worker: the shared memory of the log levels and of the stats store. */
export interface ProxyWorkerData {
  readonly log: LogRegistryDescriptor;
  readonly stats: StatsStoreDescriptor;
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
