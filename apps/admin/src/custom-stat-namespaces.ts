// Envoy's custom stat namespaces in the Prometheus output. Envoy's wasm extension registers
// `wasmcustom` (envoy/stats/custom_stat_namespaces.h) and names every plugin-defined metric
// `wasmcustom.<name>`. `/stats` (text and JSON) shows that full name; the Prometheus formatter
// (source/server/admin/prometheus_stats_formatter.cc, `metricName`) strips a registered namespace
// from the tag-extracted name and exports the rest sanitized but without the `envoy_` prefix,
// leaving the metric out when the result is empty or starts with a digit.
import {
  type CounterValue,
  type GaugeValue,
  type HistogramValue,
  type MetricValue,
  type PrometheusOptions,
  type StatsSource,
  sanitizePrometheusName,
  statsAsPrometheus,
} from '@nuncio/stats';

/** The namespaces the admin strips by default: Envoy's wasm one. */
export const DEFAULT_CUSTOM_STAT_NAMESPACES: readonly string[] = Object.freeze(['wasmcustom']);

const ENVOY_PREFIX = 'envoy_';

/**
 * `/stats/prometheus` over `source`: Envoy's exposition, where a stat whose tag-extracted name
 * starts with `<namespace>.` for one of `namespaces` is named without the namespace and without
 * `envoy_`. When no stat is in such a namespace, this is `statsAsPrometheus` as it is.
 */
export function prometheusWithCustomNamespaces(
  source: StatsSource,
  options: PrometheusOptions,
  namespaces: ReadonlySet<string>,
): string {
  if (namespaces.size === 0) return statsAsPrometheus(source, options);
  const counters = source.counters();
  const gauges = source.gauges();
  const histograms = source.histograms();
  if (
    !anyCustom(counters, namespaces) &&
    !anyCustom(gauges, namespaces) &&
    !anyCustom(histograms, namespaces)
  ) {
    return statsAsPrometheus(source, options);
  }
  // Every family name is spelt out here, so the formatter adds no prefix of its own.
  const renamed: StatsSource = {
    counters: () => rename<CounterValue>(counters, namespaces),
    gauges: () => rename<GaugeValue>(gauges, namespaces),
    histograms: () => rename<HistogramValue>(histograms, namespaces),
  };
  return statsAsPrometheus(renamed, { ...options, namespace: '' });
}

function customPart(name: string, namespaces: ReadonlySet<string>): string | undefined {
  const dot = name.indexOf('.');
  if (dot < 0 || !namespaces.has(name.slice(0, dot))) return undefined;
  return name.slice(dot + 1);
}

function anyCustom(metrics: readonly MetricValue[], namespaces: ReadonlySet<string>): boolean {
  for (const metric of metrics) {
    if (customPart(metric.tagExtractedName, namespaces) !== undefined) return true;
  }
  return false;
}

function rename<T extends MetricValue>(
  metrics: readonly T[],
  namespaces: ReadonlySet<string>,
): T[] {
  const out: T[] = [];
  for (const metric of metrics) {
    const custom = customPart(metric.tagExtractedName, namespaces);
    if (custom === undefined) {
      out.push({ ...metric, tagExtractedName: ENVOY_PREFIX + metric.tagExtractedName });
      continue;
    }
    // Prometheus names cannot be empty or start with a digit; Envoy leaves such metrics out.
    const sanitized = sanitizePrometheusName(custom);
    if (sanitized === '' || (sanitized.charCodeAt(0) >= 48 && sanitized.charCodeAt(0) <= 57)) {
      continue;
    }
    out.push({ ...metric, tagExtractedName: custom });
  }
  return out;
}
