import type { Counter } from './counter.ts';
import type { Gauge, GaugeImportMode } from './gauge.ts';
import type { Histogram, HistogramUnit } from './histogram.ts';

/**
 * A name prefix under which stats are created (Envoy's `Stats::Scope`). Creating a stat that
 * exists already, on any thread, returns that same stat; creating one that `stats_matcher`
 * rejects, or when the store is full, returns a no-op null stat. Never throws.
 */
export interface Scope {
  /** The prefix (without a trailing dot), `''` for the root scope. */
  readonly prefix: string;
  /** The counter `<prefix>.<name>`. */
  counterFromString(name: string): Counter;
  /** The gauge `<prefix>.<name>`; `importMode` applies only when this call creates it. */
  gaugeFromString(name: string, importMode?: GaugeImportMode): Gauge;
  /** The histogram `<prefix>.<name>`; `unit` applies only when this call creates it. */
  histogramFromString(name: string, unit?: HistogramUnit): Histogram;
  /** A child scope: `scopeFromStatName('cluster.backend.')` prefixes names with `cluster.backend.`. */
  scopeFromStatName(name: string): Scope;
  /** Same as {@link Scope.scopeFromStatName} (Envoy's older name). */
  createScope(name: string): Scope;
}
