import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HISTOGRAM_BUCKETS,
  HISTOGRAM_MAX_VALUE,
  StatsStore,
  SUPPORTED_QUANTILES,
} from '../src/index.ts';

function recordAndMerge(values: Iterable<number>, unit?: 'Percent') {
  const store = StatsStore.create({ maxStats: 8, maxThreads: 1 });
  const histogram = store.histogramFromString('h', unit);
  for (const value of values) histogram.recordValue(value);
  store.mergeHistograms();
  const merged = store.histograms()[0];
  if (merged === undefined) throw new Error('no histogram');
  return merged;
}

describe('histogram statistics', () => {
  it('matches Envoy for a single sample of 200 (interpolated across its bin)', () => {
    const h = recordAndMerge([200]);
    expect(h.cumulative.computedQuantiles).toEqual([
      200, 202.5, 205, 207.5, 209, 209.5, 209.9, 209.95, 209.99, 210,
    ]);
    expect(h.cumulative.sampleCount).toBe(1);
    expect(h.cumulative.sampleSum).toBe(200);
    expect(h.cumulative.supportedQuantiles).toEqual(SUPPORTED_QUANTILES);
  });

  it('gives the quantiles of a uniform distribution to within one bin', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const h = recordAndMerge(values);
    SUPPORTED_QUANTILES.forEach((q, i) => {
      const got = h.cumulative.computedQuantiles[i] as number;
      const expected = Math.max(1, q * 10_000);
      // Bins hold two significant digits: at most one bin width away (the P100 of 10000 is the
      // top edge of its bin, 11000).
      const binWidth = 10 ** (Math.floor(Math.log10(expected)) - 1);
      expect(Math.abs(got - expected)).toBeLessThanOrEqual(Math.max(1, binWidth));
    });
    expect(h.cumulative.sampleCount).toBe(10_000);
    expect(h.cumulative.sampleSum).toBe(50_005_000);
  });

  it('gives the quantiles of an exponential distribution within 2%', () => {
    // Deterministic samples at evenly spaced probabilities of an exponential with mean 250.
    const n = 20_000;
    const mean = 250;
    const values = Array.from({ length: n }, (_, i) =>
      Math.round(-Math.log(1 - (i + 0.5) / n) * mean),
    );
    const h = recordAndMerge(values);
    for (const [q, index] of [
      [0.5, 2],
      [0.75, 3],
      [0.9, 4],
      [0.95, 5],
      [0.99, 6],
    ] as const) {
      const expected = -Math.log(1 - q) * mean;
      const got = h.cumulative.computedQuantiles[index] as number;
      expect(Math.abs(got - expected) / expected).toBeLessThan(0.02);
    }
  });

  it('counts Prometheus buckets as Envoy: samples in bins entirely at or below the bound', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const h = recordAndMerge([0, ...values]);
    const at = (bound: number) =>
      h.cumulative.computedBuckets[DEFAULT_HISTOGRAM_BUCKETS.indexOf(bound)];
    expect(at(0.5)).toBe(1);
    expect(at(1)).toBe(1);
    expect(at(5)).toBe(5);
    expect(at(10)).toBe(10);
    expect(at(1000)).toBe(1000);
    expect(at(3600000)).toBe(10_001);
  });

  it('records zero, negatives, NaN, fractions and huge values without throwing', () => {
    const h = recordAndMerge([0, -5, Number.NaN, 7.9, 1e15]);
    expect(h.cumulative.sampleCount).toBe(5);
    expect(h.cumulative.computedQuantiles[0]).toBe(0);
    expect(h.cumulative.sampleSum).toBe(7 + HISTOGRAM_MAX_VALUE);
  });

  it('scales Percent histograms back', () => {
    const h = recordAndMerge([500_000], 'Percent');
    expect(h.cumulative.computedQuantiles[0]).toBe(0.5);
    expect(h.cumulative.sampleSum).toBe(0.5);
  });

  it('lists the interval bins a statsd sink sends', () => {
    const h = recordAndMerge([5, 5, 42, 1234]);
    expect(h.intervalBins).toEqual([
      { lowerBound: 5, width: 0.1, count: 2 },
      { lowerBound: 42, width: 1, count: 1 },
      { lowerBound: 1200, width: 100, count: 1 },
    ]);
  });
});
