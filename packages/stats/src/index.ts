/**
 * Envoy's stats model for Node.js worker threads: counters and gauges in shared memory (one
 * atomic operation per update, read by the main thread with no message), histograms recorded per
 * thread and merged on the main thread at each flush, Envoy's tag extraction, the admin's text,
 * JSON and Prometheus outputs, and a statsd sink.
 * @packageDocumentation
 */

export type { Counter } from './counter.ts';
export { StatsError, StatsErrorCode } from './errors.ts';
export { type Gauge, GaugeImportMode } from './gauge.ts';
export { type Histogram, HistogramUnit, PERCENT_SCALE } from './histogram.ts';
export {
  DEFAULT_HISTOGRAM_BUCKETS,
  type HistogramStatistics,
  SUPPORTED_QUANTILES,
} from './histogram-statistics.ts';
export { type StatsJson, statsAsJson, statsAsJsonObject } from './json-format.ts';
export { HISTOGRAM_MAX_VALUE } from './log-linear-bins.ts';
export type { Metric } from './metric.ts';
export type {
  CounterSnapshot,
  CounterValue,
  GaugeValue,
  HistogramBin,
  HistogramValue,
  MetricSnapshot,
  MetricValue,
} from './metric-snapshot.ts';
export { nullScope } from './null-scope.ts';
export {
  escapePrometheusLabelValue,
  formatPrometheusTags,
  type PrometheusOptions,
  sanitizePrometheusName,
  statsAsPrometheus,
} from './prometheus-format.ts';
export { type StatsRenderOptions, StatsType } from './render-options.ts';
export type { Scope } from './scope.ts';
export type { StatsStoreDescriptor, StatsStoreLimits } from './shared-layout.ts';
export { joinStatName, sanitizeStatsName } from './stat-name.ts';
export type { StatsConfig } from './stats-config.ts';
export { StatsFlusher, type StatsFlusherOptions } from './stats-flusher.ts';
export { StatsMatcher, type StatsMatcherConfig } from './stats-matcher.ts';
export type { StatsSink } from './stats-sink.ts';
export {
  createStatsSink,
  type StatsSinkConfig,
  type StatsSinkFactory,
  statsSinkFactories,
} from './stats-sink-registry.ts';
export type { StatsSource } from './stats-source.ts';
export {
  type StatsLogger,
  StatsStore,
  type StatsStoreOpenOptions,
  type StatsStoreOptions,
} from './stats-store.ts';
export { StatsdSink, type StatsdSinkOptions } from './statsd-sink.ts';
export type { StringMatcher } from './string-matcher.ts';
export type { Tag, TagExtraction } from './tag.ts';
export { TagProducer, type TagProducerConfig, type TagSpecifier } from './tag-producer.ts';
export { formatQuantile, histogramQuantileSummary, statsAsText } from './text-format.ts';
export { TagNames } from './well-known-tags.ts';
