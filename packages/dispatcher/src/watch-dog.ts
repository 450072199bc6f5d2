/**
 * Envoy's `WatchDog`: the per-thread end of the watchdog. The thread's dispatcher touches it before
 * every callback it runs and on a periodic timer; a guard on another thread notices when the
 * touches stop. See `startGuardDog` and `attachWatchdog`.
 */
export interface WatchDog {
  /** Records that the thread made progress. Called on the hot path: must be cheap and not throw. */
  touch(): void;
  /** Ends the watch (the thread is exiting): the guard stops counting misses for this thread. */
  stopWatching(): void;
}
