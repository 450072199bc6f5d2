/**
 * Envoy's `Event::SchedulableCallback`: a callback that can be scheduled on its dispatcher's loop,
 * at most once at a time. Created by `Dispatcher.createSchedulableCallback`; use it only on that
 * dispatcher's thread.
 */
export interface SchedulableCallback {
  /**
   * Runs the callback in the current loop iteration, after the callback that scheduled it returns
   * and before the loop polls for I/O again (from a post callback or another schedulable callback:
   * later in the same run). A no-op when already scheduled.
   */
  scheduleCallbackCurrentIteration(): void;
  /**
   * Runs the callback in a later loop iteration: the loop polls for I/O at least once before it
   * runs. A no-op when already scheduled.
   */
  scheduleCallbackNextIteration(): void;
  /** Unschedules the callback; a no-op when it is not scheduled. */
  cancel(): void;
  /** True while the callback is scheduled and has not run. */
  enabled(): boolean;
}
