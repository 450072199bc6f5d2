import { type HistogramUnit, PERCENT_SCALE } from './histogram.ts';
import { BIN_LOWER, BIN_WIDTH } from './log-linear-bins.ts';

/** The quantiles Envoy reports: P0, P25, P50, P75, P90, P95, P99, P99.5, P99.9, P100. */
export const SUPPORTED_QUANTILES: readonly number[] = Object.freeze([
  0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 1,
]);

/** Envoy's default histogram bucket bounds, used for Prometheus `le` buckets. */
export const DEFAULT_HISTOGRAM_BUCKETS: readonly number[] = Object.freeze([
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000,
  1800000, 3600000,
]);

/** Summary figures of a merged histogram (Envoy's `HistogramStatistics`). */
export interface HistogramStatistics {
  readonly supportedQuantiles: readonly number[];
  /** One value per supported quantile; NaN when there are no samples. */
  readonly computedQuantiles: readonly number[];
  readonly supportedBuckets: readonly number[];
  /**
   * Per supported bucket, the samples in bins lying entirely at or below the bound (circllhist's
   * `hist_approx_count_below`, which Envoy's Prometheus output uses): cumulative, as `le` is.
   */
  readonly computedBuckets: readonly number[];
  readonly sampleCount: number;
  /** The exact sum of the recorded values (Envoy approximates it from bin midpoints). */
  readonly sampleSum: number;
}

/**
 * Statistics of dense bin counts (`bins[i]` samples in bin i). Quantiles interpolate linearly
 * inside a bin exactly as circllhist's `hist_approx_quantile`, so a single sample of 200 gives
 * P0 200, P25 202.5, P100 210, as in Envoy.
 */
export function computeHistogramStatistics(
  bins: Float64Array,
  sum: number,
  unit: HistogramUnit,
  buckets: readonly number[] = DEFAULT_HISTOGRAM_BUCKETS,
): HistogramStatistics {
  const scale = unit === 'Percent' ? PERCENT_SCALE : 1;
  let total = 0;
  let last = -1;
  for (let i = 0; i < bins.length; i++) {
    const count = bins[i] as number;
    if (count !== 0) {
      total += count;
      last = i;
    }
  }
  const quantiles = SUPPORTED_QUANTILES.map(() => Number.NaN);
  if (total > 0) {
    // Walk the non-empty bins and the (ascending) quantiles together.
    let bin = 0;
    while ((bins[bin] as number) === 0) bin++;
    let lower = 0;
    let upper = bins[bin] as number;
    for (let q = 0; q < SUPPORTED_QUANTILES.length; q++) {
      const target = total * (SUPPORTED_QUANTILES[q] as number);
      while (bin < last && upper < target) {
        bin++;
        const count = bins[bin] as number;
        if (count === 0) continue;
        lower = upper;
        upper = lower + count;
      }
      const left = BIN_LOWER[bin] as number;
      const width = BIN_WIDTH[bin] as number;
      let value: number;
      if (lower === target) value = left;
      else if (upper === target) value = left + width;
      else if (width === 0) value = left;
      else value = left + ((target - lower) / (upper - lower)) * width;
      quantiles[q] = value / scale;
    }
  }
  const computedBuckets = buckets.map((bound) => {
    const threshold = bound * scale;
    let below = 0;
    for (let i = 0; i <= last; i++) {
      const count = bins[i] as number;
      if (count === 0) continue;
      // Only bins entirely at or below the threshold count; bins are in ascending order.
      if ((BIN_LOWER[i] as number) + (BIN_WIDTH[i] as number) <= threshold) below += count;
      else break;
    }
    return below;
  });
  return {
    supportedQuantiles: SUPPORTED_QUANTILES,
    computedQuantiles: quantiles,
    supportedBuckets: buckets,
    computedBuckets,
    sampleCount: total,
    sampleSum: sum / scale,
  };
}
