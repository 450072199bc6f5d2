import type { CounterValue, GaugeValue, HistogramValue } from './metric-snapshot.ts';

/**
 * What the output formats read: a {@link StatsStore} on the main thread, or anything else that
 * lists stats the same way (a test double, a filtered view).
 */
export interface StatsSource {
  counters(): readonly CounterValue[];
  gauges(): readonly GaugeValue[];
  histograms(): readonly HistogramValue[];
}
