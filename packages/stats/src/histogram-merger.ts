// The main thread's half of histograms: merges every thread's block into interval and cumulative
// bins, with no message to any thread.
import type { HistogramUnit } from './histogram.ts';
import { computeHistogramStatistics, type HistogramStatistics } from './histogram-statistics.ts';
import { BIN_LOWER, BIN_WIDTH, HISTOGRAM_BIN_COUNT } from './log-linear-bins.ts';
import type { HistogramBin } from './metric-snapshot.ts';
import { Ctl, HIST_HEADER_WORDS, HistHeader } from './shared-layout.ts';
import { readPair } from './shared-pair.ts';
import { histogramBlockBase } from './stat-table.ts';

/** Interval and cumulative figures of one histogram. */
export interface MergedHistogram {
  readonly interval: HistogramStatistics;
  readonly cumulative: HistogramStatistics;
  readonly intervalBins: readonly HistogramBin[];
}

class MergeState {
  /** Per thread: the block's record count, bins and sum as last seen. */
  readonly lastRecords: Float64Array;
  readonly lastBins: (Uint32Array | null)[];
  readonly lastSum: Float64Array;
  readonly cumulativeBins: Float64Array;
  readonly intervalBins: Float64Array;
  cumulativeSum: number;
  merged: MergedHistogram;

  constructor(maxThreads: number, unit: HistogramUnit) {
    this.lastRecords = new Float64Array(maxThreads);
    this.lastBins = new Array<Uint32Array | null>(maxThreads).fill(null);
    this.lastSum = new Float64Array(maxThreads);
    this.cumulativeBins = new Float64Array(HISTOGRAM_BIN_COUNT);
    this.intervalBins = new Float64Array(HISTOGRAM_BIN_COUNT);
    this.cumulativeSum = 0;
    this.merged = emptyMerge(unit);
  }
}

const EMPTY_BINS = new Float64Array(HISTOGRAM_BIN_COUNT);

function emptyMerge(unit: HistogramUnit): MergedHistogram {
  const empty = computeHistogramStatistics(EMPTY_BINS, 0, unit);
  return { interval: empty, cumulative: empty, intervalBins: [] };
}

export class HistogramMerger {
  private readonly data: Uint32Array;
  private readonly control: Int32Array;
  private readonly maxThreads: number;
  private readonly states: Map<number, MergeState>;

  constructor(data: Uint32Array, control: Int32Array, maxThreads: number) {
    this.data = data;
    this.control = control;
    this.maxThreads = maxThreads;
    this.states = new Map();
  }

  /**
   * Folds what every thread recorded into `block` since the previous merge into a new interval,
   * and adds that interval to the cumulative figures.
   */
  merge(block: number, unit: HistogramUnit): void {
    const state = this.state(block, unit);
    const data = this.data;
    const interval = state.intervalBins;
    interval.fill(0);
    let intervalSum = 0;
    const threads = Math.min(Atomics.load(this.control, Ctl.ThreadHighWater), this.maxThreads);
    for (let thread = 0; thread < threads; thread++) {
      const base = histogramBlockBase(block, thread, this.maxThreads);
      const records = Atomics.load(data, base + HistHeader.Records);
      if (records === state.lastRecords[thread]) continue;
      state.lastRecords[thread] = records;
      let last = state.lastBins[thread];
      if (last === null || last === undefined) {
        last = new Uint32Array(HISTOGRAM_BIN_COUNT);
        state.lastBins[thread] = last;
      }
      const first = base + HIST_HEADER_WORDS;
      for (let i = 0; i < HISTOGRAM_BIN_COUNT; i++) {
        const now = data[first + i] as number;
        const before = last[i] as number;
        if (now !== before) {
          // Modulo 2^32: a bin that wrapped since the last merge still yields its true increase.
          interval[i] = (interval[i] as number) + ((now - before) >>> 0);
          last[i] = now;
        }
      }
      const sum = readPair(data, base + HistHeader.SumLo);
      const lastSum = state.lastSum[thread] as number;
      // A torn read can only be low: keep the last value and catch up next time.
      if (sum > lastSum) {
        intervalSum += sum - lastSum;
        state.lastSum[thread] = sum;
      }
    }
    const cumulative = state.cumulativeBins;
    const bins: HistogramBin[] = [];
    for (let i = 0; i < HISTOGRAM_BIN_COUNT; i++) {
      const count = interval[i] as number;
      if (count === 0) continue;
      cumulative[i] = (cumulative[i] as number) + count;
      bins.push({ lowerBound: BIN_LOWER[i] as number, width: BIN_WIDTH[i] as number, count });
    }
    state.cumulativeSum += intervalSum;
    state.merged = {
      interval: computeHistogramStatistics(interval, intervalSum, unit),
      cumulative: computeHistogramStatistics(cumulative, state.cumulativeSum, unit),
      intervalBins: bins,
    };
  }

  /** The figures of the last merge of `block` (empty ones before its first merge). */
  merged(block: number, unit: HistogramUnit): MergedHistogram {
    return this.state(block, unit).merged;
  }

  private state(block: number, unit: HistogramUnit): MergeState {
    let state = this.states.get(block);
    if (state === undefined) {
      state = new MergeState(this.maxThreads, unit);
      this.states.set(block, state);
    }
    return state;
  }
}
