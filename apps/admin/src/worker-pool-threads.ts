import { getHeapStatistics, type HeapInfo } from 'node:v8';
import {
  currentDispatcher,
  type Dispatcher,
  type GuardDog,
  type LoopStats,
  type WatchdogThreadStats,
  type WorkerInfo,
  type WorkerPool,
} from '@nuncio/dispatcher';
import { invalidOptionError } from './errors.ts';
import { mainThreadOsName, osThreadName, osThreadsByName } from './os-threads.ts';
import { type ThreadInfo, ThreadRole, type ThreadsProvider } from './threads-provider.ts';

/** Options of {@link workerPoolThreads}. */
export interface WorkerPoolThreadsOptions {
  /** The main thread's dispatcher (default `currentDispatcher()` at the first request). */
  readonly dispatcher?: Dispatcher;
  /** The guard dog whose miss counts to show (default the pool's). */
  readonly guardDog?: GuardDog | null;
  /**
   * Connections a thread owns now, by dispatcher name (`main_thread`, `worker_0`); the L4 data
   * path fills it (default: 0 for every thread).
   */
  readonly activeConnections?: (dispatcher: string) => number;
  /**
   * How long a worker has to answer for its loop figures and heap, in milliseconds (default 1000).
   * A worker whose loop is stuck shows nulls instead of holding up the request.
   */
  readonly timeoutMs?: number;
}

/** Where a figure that did not arrive in time ends up: null. */
const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * A {@link ThreadsProvider} over `@nuncio/dispatcher`'s worker runtime: the main thread, every
 * worker of `pool` (or none when `pool` is null) and the guard dog's two threads. Per worker, one
 * `nuncio.loopStats` call (event-loop utilisation, loop delay p99) and `Worker.getHeapStatistics()`,
 * both bounded by `timeoutMs`; watchdog misses from the guard dog's shared memory. OS thread ids
 * come from `/proc/self/task/<tid>/comm`, matched by the names the runtime gives its threads; a name
 * that two threads share gives null (it cannot be told which is which).
 */
export function workerPoolThreads(
  pool: WorkerPool | null,
  options: WorkerPoolThreadsOptions = {},
): ThreadsProvider {
  const timeoutMs = options.timeoutMs ?? 1000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw invalidOptionError(
      'timeoutMs',
      `must be a positive number of milliseconds, not ${timeoutMs}`,
    );
  }
  return new WorkerPoolThreads(pool, options, timeoutMs);
}

class WorkerPoolThreads implements ThreadsProvider {
  private readonly pool: WorkerPool | null;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly guardDog: GuardDog | null | undefined;
  private readonly activeConnections: (dispatcher: string) => number;
  private readonly timeoutMs: number;

  constructor(pool: WorkerPool | null, options: WorkerPoolThreadsOptions, timeoutMs: number) {
    this.pool = pool;
    this.dispatcher = options.dispatcher;
    this.guardDog = options.guardDog;
    this.activeConnections = options.activeConnections ?? noConnections;
    this.timeoutMs = timeoutMs;
  }

  async threads(): Promise<readonly ThreadInfo[]> {
    const guardDog = this.guardDog === undefined ? (this.pool?.guardDog ?? null) : this.guardDog;
    const workers = this.pool?.workers ?? [];
    // Ask every worker at once; each answer is bounded by the timeout.
    const answers = await Promise.all(workers.map((worker) => this.askWorker(worker)));
    const byName = osThreadsByName();
    const out: ThreadInfo[] = [this.mainThread(guardDog, byName)];
    for (let i = 0; i < workers.length; i++) {
      const worker = workers[i] as WorkerInfo;
      const answer = answers[i] as WorkerAnswer;
      const watchdog = guardDog?.statsFor(worker.name);
      out.push({
        name: worker.osThreadName,
        dispatcher: worker.name,
        tid: uniqueTid(byName, worker.osThreadName),
        nodeThreadId: worker.threadId,
        role: ThreadRole.Worker,
        utilization: answer.loop?.utilization ?? null,
        loopDelayP99Ms: answer.loop?.delay?.p99Ms ?? null,
        activeConnections: this.activeConnections(worker.name),
        watchdogMiss: watchdog?.watchdogMiss ?? null,
        watchdogMegaMiss: watchdog?.watchdogMegaMiss ?? null,
        heapUsedBytes: answer.heapUsed,
        heapTotalBytes: answer.heapTotal,
      });
    }
    if (guardDog !== null) {
      for (const [name, nodeThreadId] of [
        ['dog:main_thread', guardDog.guardThreadIds.mainThread],
        ['dog:workers_guard', guardDog.guardThreadIds.workers],
      ] as const) {
        const os = osThreadName(name);
        out.push(emptyThread(os, uniqueTid(byName, os), nodeThreadId, ThreadRole.Guard));
      }
    }
    return out;
  }

  private mainThread(guardDog: GuardDog | null, byName: Map<string, number[]>): ThreadInfo {
    const dispatcher = this.dispatcher ?? currentDispatcher();
    const loop = dispatcher.loopStats();
    const heap = getHeapStatistics();
    const watchdog: WatchdogThreadStats | undefined = guardDog?.statsFor(dispatcher.name);
    const name = mainThreadOsName() ?? 'MainThread';
    return {
      name,
      dispatcher: dispatcher.name,
      tid: byName.size === 0 ? null : process.pid,
      nodeThreadId: 0,
      role: ThreadRole.Main,
      utilization: loop.utilization,
      loopDelayP99Ms: loop.delay?.p99Ms ?? null,
      activeConnections: this.activeConnections(dispatcher.name),
      watchdogMiss: watchdog?.watchdogMiss ?? null,
      watchdogMegaMiss: watchdog?.watchdogMegaMiss ?? null,
      heapUsedBytes: heap.used_heap_size,
      heapTotalBytes: heap.total_heap_size,
    };
  }

  private async askWorker(worker: WorkerInfo): Promise<WorkerAnswer> {
    const loopStats = worker.dispatcher.call('nuncio.loopStats') as Promise<LoopStats>;
    // Worker.getHeapStatistics() came with Node 22.16 / 24.
    const heapStats: Promise<HeapInfo | typeof TIMED_OUT> =
      typeof worker.thread.getHeapStatistics === 'function'
        ? withDeadline(worker.thread.getHeapStatistics(), this.timeoutMs)
        : Promise.resolve(TIMED_OUT);
    const [loop, heap] = await Promise.all([withDeadline(loopStats, this.timeoutMs), heapStats]);
    return {
      loop: loop === TIMED_OUT ? null : loop,
      heapUsed: heap === TIMED_OUT ? null : heap.used_heap_size,
      heapTotal: heap === TIMED_OUT ? null : heap.total_heap_size,
    };
  }
}

interface WorkerAnswer {
  loop: LoopStats | null;
  heapUsed: number | null;
  heapTotal: number | null;
}

function noConnections(): number {
  return 0;
}

function uniqueTid(byName: Map<string, number[]>, name: string): number | null {
  const tids = byName.get(name);
  return tids !== undefined && tids.length === 1 ? (tids[0] as number) : null;
}

function emptyThread(
  name: string,
  tid: number | null,
  nodeThreadId: number,
  role: ThreadRole,
): ThreadInfo {
  return {
    name,
    dispatcher: null,
    tid,
    nodeThreadId,
    role,
    utilization: null,
    loopDelayP99Ms: null,
    activeConnections: null,
    watchdogMiss: null,
    watchdogMegaMiss: null,
    heapUsedBytes: null,
    heapTotalBytes: null,
  };
}

/** `promise`'s value, or {@link TIMED_OUT} when it rejects or takes longer than `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
    timer.unref();
  });
  const settled = promise.catch((): typeof TIMED_OUT => TIMED_OUT);
  return Promise.race([settled, deadline]).finally(() => {
    clearTimeout(timer);
  });
}
