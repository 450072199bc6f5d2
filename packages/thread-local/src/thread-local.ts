import type { Dispatcher, RemoteDispatcher, WorkerPool } from '@nuncio/dispatcher';
import type { ThreadLocalError } from './errors.ts';
import type { Slot } from './slot.ts';
import type { SnapshotOf } from './thread-local-object.ts';

/** A thread registered with a thread-local instance, as main sees it. */
export interface RegisteredThread {
  /** The thread's place in the instance: 0 is main, workers from 1 (reused after an exit). */
  readonly index: number;
  /** The thread's dispatcher name: `main_thread`, `worker_0`... */
  readonly name: string;
  /** Node's `threadId` of the thread (0 for main). */
  readonly threadId: number;
}

/** Options for `createThreadLocal`. */
export interface ThreadLocalOptions {
  /** Main's dispatcher, registered as the main thread (default `currentDispatcher()`). */
  dispatcher?: Dispatcher;
  /** How many threads, main included, may be registered at once (default 256). */
  maxThreads?: number;
  /**
   * Receives what goes wrong on other threads: an initializer, update or snapshot hook that threw
   * there (`NUNCIO_ERR_TLS_CALLBACK_FAILED`), a worker without the worker module, a snapshot that
   * could not be cloned. Default: logged with `console.error`.
   */
  onError?: (error: ThreadLocalError) => void;
}

/**
 * Envoy's `ThreadLocal::Instance` (and `SlotAllocator`): the thread-local storage system. Main
 * owns it (`createThreadLocal()`), registers its workers and allocates slots; each worker has its
 * own view of it (`threadLocal()` there), created when main registers the worker, which holds the
 * worker's objects and snapshots.
 */
export interface ThreadLocalInstance {
  /** Identifies the instance in `SlotRef`s. */
  readonly id: number;
  /** True for main's instance, false for a worker's view. */
  readonly isMainThread: boolean;
  /** True once `shutdownGlobalThreading()` (or, on a worker, `shutdownThread()`) was called. */
  readonly isShutdown: boolean;

  /**
   * Main only. A new slot at the lowest free index (indices of freed slots are reused). Throws
   * `NUNCIO_ERR_TLS_NOT_MAIN_THREAD` elsewhere and `NUNCIO_ERR_TLS_SHUT_DOWN` after shutdown.
   */
  allocateSlot<T = unknown, S = SnapshotOf<T>>(): Slot<T, S>;

  /**
   * Main only. `registerThread(dispatcher, true)` makes `dispatcher` (a `Dispatcher` of this thread)
   * the main thread's; `createThreadLocal` has already registered `currentDispatcher()`.
   */
  registerThread(dispatcher: Dispatcher, isMainThread: true): void;
  /**
   * Main only. Registers a worker through its remote dispatcher (`pool.workers[i].dispatcher`):
   * from now on every `set`, update and snapshot reaches it, and it first receives every slot's
   * current object initializer and newest snapshot. Resolves once the worker holds them; rejects
   * with `NUNCIO_ERR_TLS_WORKER_MODULE_NOT_LOADED` when the worker has not loaded
   * `threadLocalWorkerModule`, `NUNCIO_ERR_TLS_THREAD_EXITED` when it exits first.
   */
  registerThread(dispatcher: RemoteDispatcher, isMainThread: false): Promise<void>;

  /**
   * Main only. Registers every worker of `pool` and follows it: a worker restarted after a crash
   * is registered again (and receives every slot's state), one that exits is dropped. Resolves
   * when the current workers are registered.
   */
  // biome-ignore lint/suspicious/noExplicitAny: any pool, whatever its handler map.
  registerWorkers(pool: WorkerPool<any>): Promise<void>;

  /** Main only. The registered threads, main first. */
  threads(): readonly RegisteredThread[];

  /**
   * Main only. Call before the workers start to exit: nothing more is sent to them, freeing a slot
   * only drops main's object, and completion callbacks of `runOnAllThreads` that have not run yet
   * never run. Idempotent.
   */
  shutdownGlobalThreading(): void;

  /**
   * Frees every object of this thread (disposing those that can be). On a worker the worker
   * module calls it when the worker shuts down; on main, call it last (it implies
   * `shutdownGlobalThreading()`), after which `threadLocal()` makes a new instance.
   */
  shutdownThread(): void;

  /** This thread's dispatcher, as registered. */
  dispatcher(): Dispatcher;
}
