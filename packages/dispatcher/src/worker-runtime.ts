import type { EventEmitter } from 'node:events';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import type { Dispatcher } from './dispatcher.ts';
import type { DispatcherError } from './errors.ts';
import type { GuardDog } from './guard-dog.ts';
import type { GuardDogOptions } from './guard-dog-impl.ts';
import type { HandlerMap } from './handler.ts';
import type { LoopStats } from './loop-stats.ts';
import type { RemoteDispatcher } from './remote-dispatcher.ts';

/** What happens when a worker crashes: end the process (Envoy's behaviour) or start it again. */
export type CrashPolicy = 'exit' | 'restart';

/** Options for `startWorkers`. */
export interface WorkerRuntimeOptions {
  /** Number of workers, Envoy's `--concurrency` (default `os.availableParallelism()`). */
  concurrency?: number;
  /**
   * Modules every worker imports at start, in order (URLs or absolute paths). Each may export
   * `init(context: WorkerContext)`, awaited before the worker counts as started (register your
   * handlers there), and `shutdown(context)`, awaited in reverse order on orderly shutdown.
   */
  modules?: readonly (string | URL)[];
  /** Structured-cloneable data handed to every module's `init` as `context.workerData`. */
  workerData?: unknown;
  /**
   * On a crash (an uncaught error, or an exit nobody asked for), after reporting it: `exit` ends
   * the process with code 1; `restart` starts a new worker with the same index and name, which
   * runs the modules' `init` again (default `exit`).
   */
  crashPolicy?: CrashPolicy;
  /** How long a worker has to exit once asked, before it is terminated (default 5000 ms). */
  shutdownTimeoutMs?: number;
  /** How long the workers have to start, before `startWorkers` rejects (default 30000 ms). */
  startTimeoutMs?: number;
  /**
   * Watch the workers: a running guard dog, or options to start one (stopped again by
   * `shutdown()`). Off by default.
   */
  watchdog?: GuardDog | GuardDogOptions;
  /** The main thread's dispatcher, the workers' `mainDispatcher()` (default `currentDispatcher()`). */
  dispatcher?: Dispatcher;
  /** Passed to each `Worker`: V8 heap limits. */
  resourceLimits?: ResourceLimits;
  /** Passed to each `Worker`: Node options for the worker (default: the process's). */
  execArgv?: string[];
}

/** What each worker module's `init` and `shutdown` receive. */
export interface WorkerContext<MainHandlers extends object = HandlerMap> {
  /** The worker's dispatcher (also `currentDispatcher()` in the worker). */
  readonly dispatcher: Dispatcher;
  /** The worker's index, from 0. */
  readonly index: number;
  /** Envoy's name for the worker's dispatcher: `worker_<index>`. */
  readonly name: string;
  /** The name given to the thread: `wrk:worker_<index>`. */
  readonly threadName: string;
  /** The `workerData` passed to `startWorkers`. */
  readonly workerData: unknown;
  /** 0 on the first start of this index, then how many times it has been restarted. */
  readonly restarts: number;
  /** The main thread's dispatcher (also `mainDispatcher()` in the worker). */
  readonly mainDispatcher: RemoteDispatcher<MainHandlers>;
}

/** A worker as the main thread sees it. Replaced by a new object when the worker restarts. */
export interface WorkerInfo<WorkerHandlers extends object = HandlerMap> {
  /** The worker's index, from 0. */
  readonly index: number;
  /** `worker_<index>`: the name of its dispatcher. */
  readonly name: string;
  /** `wrk:worker_<index>`: the name given to its thread. */
  readonly threadName: string;
  /** The name Linux shows in `/proc/<pid>/task/<tid>/comm`: `threadName` cut to 15 bytes. */
  readonly osThreadName: string;
  /** Node's `threadId` of the worker. */
  readonly threadId: number;
  /** The worker's dispatcher. */
  readonly dispatcher: RemoteDispatcher<WorkerHandlers>;
  /** How many times this index has been restarted. */
  readonly restarts: number;
  /** The Node `Worker` (for resource usage, heap snapshots...). Do not terminate it yourself. */
  readonly thread: Worker;
}

/** A crash report: the `crash` event's argument. */
export interface WorkerCrash {
  readonly index: number;
  readonly name: string;
  readonly threadName: string;
  readonly threadId: number;
  /** `NUNCIO_ERR_WORKER_CRASHED`, naming the worker; `cause` is what the worker threw. */
  readonly error: DispatcherError;
  /** What the worker threw (with its stack), or the unexpected exit code. */
  readonly cause: unknown;
  /**
   * What the runtime does about it: the crash policy, or `none` for a worker that failed again
   * while being restarted (it stays down).
   */
  readonly action: CrashPolicy | 'none';
}

/** How one worker ended during `shutdown()`. */
export interface WorkerShutdown {
  readonly index: number;
  readonly name: string;
  /** `exited`: it finished its queue and exited; `terminated`: it was too slow and was ended. */
  readonly outcome: 'exited' | 'terminated';
  readonly exitCode: number;
  /** For `terminated`: `NUNCIO_ERR_WORKER_SHUTDOWN_TIMEOUT` naming the worker. */
  readonly error?: DispatcherError;
}

/** What `shutdown()` resolves with. */
export interface ShutdownReport {
  readonly workers: readonly WorkerShutdown[];
}

/** Events of a worker pool. */
export interface WorkerPoolEvents<WorkerHandlers extends object = HandlerMap> {
  /** A worker crashed (already logged). */
  crash: [crash: WorkerCrash];
  /** A crashed worker was started again and has run its modules' `init`. */
  restart: [worker: WorkerInfo<WorkerHandlers>];
  /** A worker thread ended, for whatever reason. */
  exit: [worker: WorkerInfo<WorkerHandlers>, exitCode: number];
}

/**
 * The workers started by `startWorkers`, each a thread named `wrk:worker_<i>` running a dispatcher.
 * Use it on the thread that started it.
 */
export interface WorkerPool<WorkerHandlers extends object = HandlerMap>
  extends EventEmitter<WorkerPoolEvents<WorkerHandlers>> {
  /** The workers by index (the current incarnation of each). */
  readonly workers: readonly WorkerInfo<WorkerHandlers>[];
  /** The guard dog watching the workers, if any. */
  readonly guardDog: GuardDog | null;
  /** Every worker's loop figures (one `nuncio.loopStats` call per worker). */
  loopStats(): Promise<LoopStats[]>;
  /**
   * Orderly shutdown: each worker is asked to stop, finishes its queue, runs its modules'
   * `shutdown` and exits; one still running after `shutdownTimeoutMs` is terminated and reported.
   * Then a guard dog the pool started is stopped. Idempotent.
   */
  shutdown(): Promise<ShutdownReport>;
}
