import type { HistogramValue } from './metric-snapshot.ts';
import { renderSelection, type StatsRenderOptions } from './render-options.ts';
import type { StatsSource } from './stats-source.ts';

/** A quantile as Envoy's admin prints it: shortest form, `nan` when there are no samples. */
export function formatQuantile(value: number): string {
  return Number.isNaN(value) ? 'nan' : String(value);
}

const QUANTILE_LABELS = ['0', '25', '50', '75', '90', '95', '99', '99.5', '99.9', '100'];

/**
 * Envoy's one-line histogram summary: `P0(interval,cumulative) P25(…) … P100(…)`, or
 * `No recorded values` for a histogram that never recorded anything.
 */
export function histogramQuantileSummary(histogram: HistogramValue): string {
  if (!histogram.used) return 'No recorded values';
  const interval = histogram.interval.computedQuantiles;
  const cumulative = histogram.cumulative.computedQuantiles;
  const parts: string[] = [];
  for (let i = 0; i < QUANTILE_LABELS.length; i++) {
    parts.push(
      `P${QUANTILE_LABELS[i]}(${formatQuantile(interval[i] as number)},${formatQuantile(cumulative[i] as number)})`,
    );
  }
  return parts.join(' ');
}

/**
 * The admin's `/stats` text: counters and gauges together sorted by name as `name: value`, then
 * histograms sorted by name as `name: P0(…) …`. Honours `filter`, `usedOnly` and `type`.
 */
export function statsAsText(source: StatsSource, options: StatsRenderOptions = {}): string {
  const select = renderSelection(options);
  const numeric: { name: string; value: number }[] = [];
  if (select.counters) for (const c of source.counters()) if (select.keep(c)) numeric.push(c);
  if (select.gauges) for (const g of source.gauges()) if (select.keep(g)) numeric.push(g);
  numeric.sort((a, b) => compareNames(a.name, b.name));
  let out = '';
  for (const stat of numeric) out += `${stat.name}: ${stat.value}\n`;
  if (select.histograms) {
    const histograms = source.histograms().filter((h) => select.keep(h));
    histograms.sort((a, b) => compareNames(a.name, b.name));
    for (const h of histograms) out += `${h.name}: ${histogramQuantileSummary(h)}\n`;
  }
  return out;
}

/** Byte-order comparison, as Envoy sorts names. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
