/**
 * The module every `wrk:worker_<i>` thread of the proxy imports (after thread-local storage's):
 * it opens this thread's view of the process's log levels and stats store, takes the thread's
 * access-log ring from the main thread, answers the main thread's listener requests, and closes
 * everything again on orderly shutdown. The listeners themselves arrive through thread-local
 * storage (see `listeners/worker-listeners.ts`).
 * @packageDocumentation
 */
import { AccessLogWriter } from '@nuncio/access-log';
import type { WorkerContext } from '@nuncio/dispatcher';
import { openLogRegistry } from '@nuncio/log';
import { joinSocketHandOffMesh } from '@nuncio/network-filter';
import { StatsStore } from '@nuncio/stats';
import { provideStatsStore } from '@nuncio/upstream';
import { provideWasmThreadEnvironment } from '@nuncio/wasm-network-filter';
import { workerListenersOnThisThread } from './listeners/worker-listeners.ts';
import { wasmLogger } from './server/wasm-logger.ts';
import {
  MainHandler,
  type MainHandlers,
  type ProxyWorkerData,
  WorkerHandler,
} from './server/worker-protocol.ts';
import { proxyWorkerState, setProxyWorkerState } from './worker-state.ts';

/** Runs once per worker start (and restart), before the worker counts as started. */
export async function init(context: WorkerContext<MainHandlers>): Promise<void> {
  const data = context.workerData as ProxyWorkerData;
  const logs = openLogRegistry(data.log, { threadName: context.threadName });
  const log = logs.getLogger('main');
  const statsLog = logs.getLogger('stats');
  const stats = StatsStore.open(data.stats, { logger: { warn: (m) => statsLog.warn(m) } });
  // The thread-local clusters and the wasm plugins record into this view of the store instead of
  // opening another; plugin logs go through this thread's `wasm` logger.
  provideStatsStore(stats);
  provideWasmThreadEnvironment({ stats, logger: wasmLogger(logs.getLogger('wasm')) });
  // The ring comes from main at every start: a restarted worker cannot reuse its predecessor's
  // (a ring has exactly one producer), so main retires the old one and hands out a new one.
  const ring = await context.mainDispatcher.call(MainHandler.AccessLogRing, context.index);
  // Listeners with exact_balance hand sockets to the worker with the fewest connections: every
  // worker gets a dispatcher of every other one, and receives the sockets they hand over.
  const socketHandOff = data.socketHandOff
    ? joinSocketHandOffMesh(
        context,
        data.concurrency,
        () => workerListenersOnThisThread()?.handler ?? null,
      )
    : null;
  setProxyWorkerState({
    index: context.index,
    logs,
    log,
    stats,
    accessLogs: new AccessLogWriter(ring),
    socketHandOff,
  });
  const dispatcher = context.dispatcher;
  dispatcher.registerHandler(WorkerHandler.ListenersSettled, () => settledListeners());
  dispatcher.registerHandler(WorkerHandler.DrainListeners, (options: { timeoutMs: number }) =>
    drainListeners(options.timeoutMs),
  );
  dispatcher.registerHandler(WorkerHandler.StopListeners, () =>
    workerListenersOnThisThread()?.handler?.stopListeners(),
  );
  log.info(
    context.restarts === 0
      ? `${context.name} started`
      : `${context.name} started again (restart ${context.restarts})`,
  );
}

/** Runs on orderly shutdown: writes out this thread's log lines and gives back its stats slot. */
export async function shutdown(context: WorkerContext): Promise<void> {
  const state = proxyWorkerState();
  setProxyWorkerState(null);
  if (state === null) return;
  state.log.debug(`${context.name} exiting`);
  state.stats.close();
  await state.logs.close();
}

function settledListeners(): Promise<{ version: number }> {
  return workerListenersOnThisThread()?.settled() ?? Promise.resolve({ version: 0 });
}

async function drainListeners(timeoutMs: number): Promise<void> {
  const handler = workerListenersOnThisThread()?.handler;
  if (handler == null) return;
  await Promise.all(
    handler.listeners().map((listener) => handler.drainListener(listener.name, timeoutMs)),
  );
}
