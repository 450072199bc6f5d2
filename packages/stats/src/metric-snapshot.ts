import type { GaugeImportMode } from './gauge.ts';
import type { HistogramUnit } from './histogram.ts';
import type { HistogramStatistics } from './histogram-statistics.ts';
import type { Tag } from './tag.ts';

/** What every read-out of a stat carries: its names, tags and used flag. */
export interface MetricValue {
  readonly name: string;
  readonly tagExtractedName: string;
  readonly tags: readonly Tag[];
  /** Envoy's `used()`: written at least once (what `usedonly` filters on). */
  readonly used: boolean;
}

/** A counter's total at the moment it was read. */
export interface CounterValue extends MetricValue {
  readonly value: number;
}

/** A counter in a flush snapshot: its total and its increase since the previous flush. */
export interface CounterSnapshot extends CounterValue {
  readonly delta: number;
}

/** A gauge's value at the moment it was read. */
export interface GaugeValue extends MetricValue {
  readonly value: number;
  readonly importMode: GaugeImportMode;
}

/** One non-empty bin of a merged histogram: `count` samples in [lowerBound, lowerBound + width). */
export interface HistogramBin {
  readonly lowerBound: number;
  readonly width: number;
  readonly count: number;
}

/** A histogram as of the last merge. */
export interface HistogramValue extends MetricValue {
  readonly unit: HistogramUnit;
  /** Samples recorded between the last two merges (Envoy's interval statistics). */
  readonly interval: HistogramStatistics;
  /** Samples recorded since the store was created. */
  readonly cumulative: HistogramStatistics;
  /** The interval's non-empty bins, ascending (what a statsd sink sends). */
  readonly intervalBins: readonly HistogramBin[];
}

/** What a flush hands to every sink (Envoy's `MetricSnapshot`). */
export interface MetricSnapshot {
  readonly counters: readonly CounterSnapshot[];
  readonly gauges: readonly GaugeValue[];
  readonly histograms: readonly HistogramValue[];
  /** `Date.now()` when the snapshot was taken. */
  readonly snapshotTime: number;
}
