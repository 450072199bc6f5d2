/**
 * Envoy's `ConnectionBalancer`: decides which worker serves a connection a worker's listener has
 * just accepted. Every worker of a listener holds one over the same shared counts, so each method
 * may be called on any worker thread at any time.
 *
 * Workers are named by index (`worker_<i>`); a worker takes part once its listener socket is
 * bound (`registerHandler`) and stops when it stops accepting (`unregisterHandler`).
 */
export interface ConnectionBalancer {
  /** Worker `index` accepts this listener's connections: it can be picked from now on. */
  registerHandler(index: number): void;
  /** Worker `index` no longer accepts (stopped, draining, removed): it is not picked any more. */
  unregisterHandler(index: number): void;
  /**
   * Picks the worker that serves the connection worker `current` has just accepted, and counts
   * the connection on that worker at once, so that two accepts in a row never both pick the same
   * idle worker. Returns `current` when no other worker has fewer connections.
   */
  pickTargetHandler(current: number): number;
  /** Counts one connection more on worker `index` (a connection served here after all). */
  incNumConnections(index: number): void;
  /** Counts one connection fewer on worker `index`: it closed, or was refused before it became one. */
  decNumConnections(index: number): void;
  /** The connections counted on worker `index` now. */
  numConnections(index: number): number;
}
