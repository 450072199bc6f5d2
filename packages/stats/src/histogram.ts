import type { Metric } from './metric.ts';

/** The unit of a histogram's values (Envoy's `Histogram::Unit`). */
export const HistogramUnit = {
  Unspecified: 'Unspecified',
  Bytes: 'Bytes',
  Microseconds: 'Microseconds',
  Milliseconds: 'Milliseconds',
  /** Values are recorded multiplied by {@link PERCENT_SCALE}; outputs divide them back. */
  Percent: 'Percent',
} as const;

/** One of the {@link HistogramUnit} values. */
export type HistogramUnit = (typeof HistogramUnit)[keyof typeof HistogramUnit];

/** The scale of `Percent` histograms: 100% is recorded as 1 000 000 (Envoy's `PercentScale`). */
export const PERCENT_SCALE = 1_000_000;

/**
 * A distribution of non-negative integer values, recorded by each thread into its own buckets in
 * shared memory (no atomic operation, no message) and merged on the main thread at each flush.
 */
export interface Histogram extends Metric {
  readonly unit: HistogramUnit;
  /**
   * Records one value. Values are integers as in Envoy (fractions are truncated; negatives and NaN
   * count as 0); values of 10^12 and above are recorded as the top bucket.
   */
  recordValue(value: number): void;
}
