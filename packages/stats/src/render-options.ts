// The query options Envoy's admin `/stats` and `/stats/prometheus` take, shared by the formats.
import { invalidRenderOptionError } from './errors.ts';
import type { MetricValue } from './metric-snapshot.ts';

/** Which kinds of stat to output (Envoy's `type=` query parameter). */
export const StatsType = {
  All: 'All',
  Counters: 'Counters',
  Gauges: 'Gauges',
  Histograms: 'Histograms',
  /** Accepted for Envoy compatibility; this package has no text readouts, so it outputs nothing. */
  TextReadouts: 'TextReadouts',
} as const;

/** One of the {@link StatsType} values. */
export type StatsType = (typeof StatsType)[keyof typeof StatsType];

/** Options of the output formats, named after Envoy's admin query parameters. */
export interface StatsRenderOptions {
  /** Keep only stats whose full name the regex matches somewhere (`filter=`). */
  readonly filter?: string | RegExp;
  /** Keep only stats that were written at least once (`usedonly`). */
  readonly usedOnly?: boolean;
  /** Keep only one kind of stat (`type=`), default `All`. */
  readonly type?: StatsType;
}

/** Validated options: a compiled filter and the kinds to output. */
export interface RenderSelection {
  readonly counters: boolean;
  readonly gauges: boolean;
  readonly histograms: boolean;
  keep(metric: MetricValue): boolean;
}

/** Checks `options` (throws naming a bad regex or type) and returns the selection. */
export function renderSelection(options: StatsRenderOptions = {}): RenderSelection {
  const type = options.type ?? StatsType.All;
  if (!Object.values(StatsType).includes(type)) {
    throw invalidRenderOptionError('type', `must be one of ${Object.values(StatsType).join(', ')}`);
  }
  let filter: RegExp | null = null;
  if (options.filter instanceof RegExp) {
    // A global or sticky regex keeps state between test() calls: use a stateless copy.
    filter = new RegExp(options.filter.source, options.filter.flags.replace(/[gy]/g, ''));
  } else if (typeof options.filter === 'string' && options.filter.length > 0) {
    try {
      filter = new RegExp(options.filter);
    } catch (error) {
      throw invalidRenderOptionError('filter', `invalid regex: ${(error as Error).message}`);
    }
  }
  const usedOnly = options.usedOnly === true;
  return {
    counters: type === StatsType.All || type === StatsType.Counters,
    gauges: type === StatsType.All || type === StatsType.Gauges,
    histograms: type === StatsType.All || type === StatsType.Histograms,
    keep: (metric) => (!usedOnly || metric.used) && (filter === null || filter.test(metric.name)),
  };
}
