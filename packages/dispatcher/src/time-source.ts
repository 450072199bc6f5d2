/**
 * Envoy's `TimeSource`: the two clocks a dispatcher hands out. Code that reads time through its
 * dispatcher's time source can be driven by a different clock in tests.
 */
export interface TimeSource {
  /**
   * Milliseconds (fractional) on a clock that never goes backwards and does not follow wall-clock
   * changes. Only differences between two readings mean anything.
   */
  monotonicTime(): number;
  /** Milliseconds since the Unix epoch, as the wall clock says (it can jump). */
  systemTime(): number;
}

/** The real clocks: `performance.now()` and `Date.now()`. */
export const realTimeSource: TimeSource = {
  monotonicTime: () => performance.now(),
  systemTime: () => Date.now(),
};
