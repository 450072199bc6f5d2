/**
 * The module every `wrk:worker_<i>` thread of the proxy imports (after thread-local storage's):
 * it opens this thread's view of the process's log levels and stats store, takes the thread's
 * access-log ring from the main thread, and closes them again on orderly shutdown.
 * @packageDocumentation
 */
import { AccessLogWriter } from '@nuncio/access-log';
import type { WorkerContext } from '@nuncio/dispatcher';
import { type ComponentLogger, type LogRegistry, openLogRegistry } from '@nuncio/log';
import { StatsStore } from '@nuncio/stats';
import { MainHandler, type MainHandlers, type ProxyWorkerData } from './server/worker-protocol.ts';

/** What a worker holds for the data path: its loggers, stats and access-log writer. */
export interface ProxyWorkerState {
  readonly logs: LogRegistry;
  readonly log: ComponentLogger;
  readonly stats: StatsStore;
  readonly accessLogs: AccessLogWriter;
}

let state: ProxyWorkerState | null = null;

/** This worker's state, once `init` has run (null on other threads). */
export function proxyWorkerState(): ProxyWorkerState | null {
  return state;
}

/** Runs once per worker start (and restart), before the worker counts as started. */
export async function init(context: WorkerContext<MainHandlers>): Promise<void> {
  const data = context.workerData as ProxyWorkerData;
  const logs = openLogRegistry(data.log, { threadName: context.threadName });
  const log = logs.getLogger('main');
  const statsLog = logs.getLogger('stats');
  const stats = StatsStore.open(data.stats, { logger: { warn: (m) => statsLog.warn(m) } });
  // The ring comes from main at every start: a restarted worker cannot reuse its predecessor's
  // (a ring has exactly one producer), so main retires the old one and hands out a new one.
  const ring = await context.mainDispatcher.call(MainHandler.AccessLogRing, context.index);
  state = { logs, log, stats, accessLogs: new AccessLogWriter(ring) };
  log.info(
    context.restarts === 0
      ? `${context.name} started`
      : `${context.name} started again (restart ${context.restarts})`,
  );
}

/** Runs on orderly shutdown: writes out this thread's log lines and gives back its stats slot. */
export async function shutdown(context: WorkerContext): Promise<void> {
  const current = state;
  state = null;
  if (current === null) return;
  current.log.debug(`${context.name} exiting`);
  current.stats.close();
  await current.logs.close();
}
