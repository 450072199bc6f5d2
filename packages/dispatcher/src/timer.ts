/** What a {@link Timer} calls when it fires. Runs on the dispatcher's thread. */
export type TimerCallback = () => void;

/**
 * Envoy's `Event::Timer`: a one-shot timer owned by one dispatcher, re-armed as often as needed.
 * Created by `Dispatcher.createTimer`; use it only on that dispatcher's thread.
 */
export interface Timer {
  /**
   * Arms the timer to fire once after `ms` milliseconds (0 fires on a later loop iteration). Arming
   * an armed timer restarts its countdown. Throws `NUNCIO_ERR_DISPATCHER_INVALID_ARGUMENT` when `ms`
   * is negative, not finite or above 2147483647.
   */
  enableTimer(ms: number): void;
  /** Disarms the timer; a no-op when it is not armed. */
  disableTimer(): void;
  /** True between `enableTimer` and the timer firing or being disabled. */
  enabled(): boolean;
}
