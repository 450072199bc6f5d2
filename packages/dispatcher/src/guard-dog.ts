import type { Dispatcher } from './dispatcher.ts';
import type { WatchdogRegistration } from './shared-watch-dog.ts';
import type { ResolvedWatchdogConfig } from './watchdog-config.ts';

/** One watched thread's watchdog figures, read straight from shared memory. */
export interface WatchdogThreadStats {
  /** The thread's name: `main_thread`, `worker_0`, ... */
  name: string;
  /** Which guard watches it: `main` (`dog:main_thread`) or `worker` (`dog:workers_guard`). */
  role: 'main' | 'worker';
  /** False once the thread has exited (its counts are kept). */
  active: boolean;
  /** Envoy's `server.<thread>.watchdog_miss`. */
  watchdogMiss: number;
  /** Envoy's `server.<thread>.watchdog_mega_miss`. */
  watchdogMegaMiss: number;
}

/** Miss counts summed per guard, Envoy's `main_thread.watchdog_*` and `workers.watchdog_*`. */
export interface WatchdogTotals {
  mainThread: { watchdogMiss: number; watchdogMegaMiss: number };
  workers: { watchdogMiss: number; watchdogMegaMiss: number };
}

/**
 * Envoy's guard dogs: two guard threads, `dog:main_thread` for the main thread and
 * `dog:workers_guard` for the workers, each reading the heartbeats its threads write into shared
 * memory. Made by `startGuardDog()`; use it on the thread that made it.
 */
export interface GuardDog {
  /** The main thread guard's settings, defaults filled in. */
  readonly mainThreadConfig: ResolvedWatchdogConfig;
  /** The workers guard's settings, defaults filled in. */
  readonly workerConfig: ResolvedWatchdogConfig;
  /** Node thread ids of the two guard threads. */
  readonly guardThreadIds: { readonly mainThread: number; readonly workers: number };
  /**
   * Watches `dispatcher` (default `currentDispatcher()`, which must be this thread's) with the
   * main thread guard. `startGuardDog` does it unless told `watchMainThread: false`.
   */
  watchMainThread(dispatcher?: Dispatcher): void;
  /**
   * Takes a worker slot for the thread named `name` (the slot it had before, counts kept, when that
   * name was watched earlier). Pass the result to the thread and `attachWatchdog()` it there.
   * Throws `NUNCIO_ERR_WATCHDOG_NO_FREE_SLOT` when every slot is taken.
   */
  registerWorker(name: string): WatchdogRegistration;
  /** Stops watching the thread of `registration` (for a thread ended from outside). */
  unregister(registration: WatchdogRegistration): void;
  /** Every thread watched so far, main thread first. No message involved: a shared-memory read. */
  threadStats(): WatchdogThreadStats[];
  /** The figures of the thread named `name`, if it was ever watched. */
  statsFor(name: string): WatchdogThreadStats | undefined;
  /** Counts summed per guard. */
  totals(): WatchdogTotals;
  /** Name of the thread a guard ended the process for, or null (useful in a post-mortem hook). */
  killedThread(): string | null;
  /**
   * Resolves once both guard threads run their loops (a thread takes a moment to start): from then
   * on a stuck thread is noticed. Rejects if a guard thread fails to start.
   */
  whenRunning(): Promise<void>;
  /** Stops both guard threads; resolves when they have exited. Idempotent. */
  stop(): Promise<void>;
}
