import type { Metric } from './metric.ts';

/**
 * A monotonically increasing 64-bit count in shared memory. Any thread may increment it; each
 * increment is one atomic add. Values are exact up to 2^53.
 */
export interface Counter extends Metric {
  /** Adds one. */
  inc(): void;
  /** Adds `amount` (an integer; fractions are truncated, zero, negatives and NaN are ignored). */
  add(amount: number): void;
  /** The current total, summed over every thread. */
  value(): number;
  /** Sets the counter back to zero (sinks then see the new counts as the next flush's delta). */
  reset(): void;
}
