import { renderSelection, type StatsRenderOptions } from './render-options.ts';
import type { StatsSource } from './stats-source.ts';
import { compareNames } from './text-format.ts';

/** Envoy's JSON value of one quantile pair: NaN (no samples) becomes null. */
interface QuantilePair {
  interval: number | null;
  cumulative: number | null;
}

/** The document {@link statsAsJson} serialises (Envoy's `/stats?format=json`). */
export interface StatsJson {
  stats: (
    | { name: string; value: number }
    | {
        histograms: {
          supported_quantiles: number[];
          computed_quantiles: { name: string; values: QuantilePair[] }[];
        };
      }
  )[];
}

const SUPPORTED_PERCENTS = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100];

/**
 * The admin's `/stats?format=json` document as an object: counters and gauges sorted by name as
 * `{name, value}`, then, when any histogram is selected, one
 * `{histograms: {supported_quantiles, computed_quantiles}}` entry. Honours `filter`, `usedOnly`
 * and `type`.
 */
export function statsAsJsonObject(
  source: StatsSource,
  options: StatsRenderOptions = {},
): StatsJson {
  const select = renderSelection(options);
  const numeric: { name: string; value: number }[] = [];
  if (select.counters) for (const c of source.counters()) if (select.keep(c)) numeric.push(c);
  if (select.gauges) for (const g of source.gauges()) if (select.keep(g)) numeric.push(g);
  numeric.sort((a, b) => compareNames(a.name, b.name));
  const stats: StatsJson['stats'] = numeric.map(({ name, value }) => ({ name, value }));
  if (select.histograms) {
    const histograms = source.histograms().filter((h) => select.keep(h));
    histograms.sort((a, b) => compareNames(a.name, b.name));
    if (histograms.length > 0) {
      stats.push({
        histograms: {
          supported_quantiles: [...SUPPORTED_PERCENTS],
          computed_quantiles: histograms.map((h) => ({
            name: h.name,
            values: h.interval.computedQuantiles.map((interval, i) => {
              const cumulative = h.cumulative.computedQuantiles[i] as number;
              return {
                interval: Number.isNaN(interval) ? null : interval,
                cumulative: Number.isNaN(cumulative) ? null : cumulative,
              };
            }),
          })),
        },
      });
    }
  }
  return { stats };
}

/** {@link statsAsJsonObject} serialised; `pretty` indents by two spaces. */
export function statsAsJson(
  source: StatsSource,
  options: StatsRenderOptions & { readonly pretty?: boolean } = {},
): string {
  return JSON.stringify(statsAsJsonObject(source, options), null, options.pretty ? 2 : undefined);
}
