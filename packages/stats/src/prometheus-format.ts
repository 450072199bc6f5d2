import type { HistogramValue, MetricValue } from './metric-snapshot.ts';
import { renderSelection, type StatsRenderOptions } from './render-options.ts';
import type { StatsSource } from './stats-source.ts';
import type { Tag } from './tag.ts';
import { compareNames } from './text-format.ts';

/** A Prometheus metric or label name: anything outside `[a-zA-Z0-9_]` becomes `_`. */
export function sanitizePrometheusName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** A label value escaped for the text exposition format (`\`, newline and `"`). */
export function escapePrometheusLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Tags as `name="value"` pairs joined by commas (Envoy's `formattedTags`). */
export function formatPrometheusTags(tags: readonly Tag[]): string {
  return tags
    .map((tag) => `${sanitizePrometheusName(tag.name)}="${escapePrometheusLabelValue(tag.value)}"`)
    .join(',');
}

/** Options of {@link statsAsPrometheus}: the render options plus the metric name prefix. */
export interface PrometheusOptions extends StatsRenderOptions {
  /** Prepended to every metric name, default `envoy_`. */
  readonly namespace?: string;
}

/**
 * Envoy's `/stats/prometheus` text exposition: metrics named `envoy_` + the tag-extracted name
 * with non-word characters turned into `_`, tags as labels, one `# TYPE` line per family;
 * counters, then gauges, then histograms (cumulative `_bucket{le=…}`, `_sum`, `_count` over
 * Envoy's default bucket bounds), each group sorted by family name.
 */
export function statsAsPrometheus(source: StatsSource, options: PrometheusOptions = {}): string {
  const select = renderSelection(options);
  const namespace = options.namespace ?? 'envoy_';
  let out = '';
  if (select.counters) {
    out += families(source.counters().filter(select.keep), namespace, 'counter', (name, c) => {
      return `${name}{${formatPrometheusTags(c.tags)}} ${c.value}\n`;
    });
  }
  if (select.gauges) {
    out += families(source.gauges().filter(select.keep), namespace, 'gauge', (name, g) => {
      return `${name}{${formatPrometheusTags(g.tags)}} ${g.value}\n`;
    });
  }
  if (select.histograms) {
    out += families(
      source.histograms().filter(select.keep),
      namespace,
      'histogram',
      histogramLines,
    );
  }
  return out;
}

function families<T extends MetricValue>(
  metrics: readonly T[],
  namespace: string,
  type: string,
  line: (familyName: string, metric: T) => string,
): string {
  const byFamily = new Map<string, T[]>();
  for (const metric of metrics) {
    const family = namespace + sanitizePrometheusName(metric.tagExtractedName);
    const list = byFamily.get(family);
    if (list === undefined) byFamily.set(family, [metric]);
    else list.push(metric);
  }
  let out = '';
  for (const family of [...byFamily.keys()].sort(compareNames)) {
    out += `# TYPE ${family} ${type}\n`;
    const list = (byFamily.get(family) as T[]).sort((a, b) => compareNames(a.name, b.name));
    for (const metric of list) out += line(family, metric);
  }
  return out;
}

function histogramLines(family: string, histogram: HistogramValue): string {
  const stats = histogram.cumulative;
  const tags = formatPrometheusTags(histogram.tags);
  const bucketTags = tags.length === 0 ? '' : `${tags},`;
  let out = '';
  for (let i = 0; i < stats.supportedBuckets.length; i++) {
    out += `${family}_bucket{${bucketTags}le="${stats.supportedBuckets[i]}"} ${stats.computedBuckets[i]}\n`;
  }
  out += `${family}_bucket{${bucketTags}le="+Inf"} ${stats.sampleCount}\n`;
  out += `${family}_sum{${tags}} ${stats.sampleSum}\n`;
  out += `${family}_count{${tags}} ${stats.sampleCount}\n`;
  return out;
}
