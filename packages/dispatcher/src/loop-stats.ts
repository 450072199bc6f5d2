/**
 * Event-loop delay in milliseconds: how late the loop came round to a timer, from Node's
 * `monitorEventLoopDelay` with its sampling interval taken off.
 */
export interface LoopDelay {
  /** How many delay samples the figures are based on. */
  count: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
  stddevMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

/** A thread's event-loop figures since the dispatcher started or `resetLoopStats()` was called. */
export interface LoopStats {
  /** The dispatcher's name, e.g. `main_thread` or `worker_0`. */
  dispatcher: string;
  /** Share of the time the loop spent running callbacks rather than waiting for events (0 to 1). */
  utilization: number;
  /** Milliseconds the loop spent running callbacks. */
  activeMs: number;
  /** Milliseconds the loop spent waiting for events. */
  idleMs: number;
  /** Loop delay percentiles; null when the dispatcher was created with `monitorLoopDelay: false`. */
  delay: LoopDelay | null;
}

/** Event counts of one dispatcher since it was created. */
export interface DispatcherCounters {
  /** Runs of the post queue (one per loop iteration that had posts). */
  postRuns: number;
  /** Post callbacks run, same-thread posts and cross-thread messages together. */
  postCallbacks: number;
  /** Cross-thread messages received through the dispatcher's handles. */
  remoteMessages: number;
  /** Cross-thread messages that named a handler this dispatcher does not have. */
  unknownHandler: number;
  /** Post, timer, schedulable, handler and deferred-delete callbacks that threw. */
  callbackErrors: number;
  /** Posts and callbacks dropped because the dispatcher had exited. */
  droppedAfterExit: number;
}
