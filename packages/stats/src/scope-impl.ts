import type { Counter } from './counter.ts';
import type { Gauge, GaugeImportMode } from './gauge.ts';
import type { Histogram, HistogramUnit } from './histogram.ts';
import type { Scope } from './scope.ts';
import { joinStatName, sanitizeStatsName } from './stat-name.ts';

/**
 * A prefix over the store's root scope; cheap to create, it holds no stats itself (the store
 * caches them by full name).
 */
export class ScopeImpl implements Scope {
  readonly prefix: string;
  private readonly root: Scope;

  constructor(root: Scope, prefix: string) {
    this.root = root;
    this.prefix = prefix;
  }

  counterFromString(name: string): Counter {
    return this.root.counterFromString(joinStatName(this.prefix, name));
  }

  gaugeFromString(name: string, importMode?: GaugeImportMode): Gauge {
    return this.root.gaugeFromString(joinStatName(this.prefix, name), importMode);
  }

  histogramFromString(name: string, unit?: HistogramUnit): Histogram {
    return this.root.histogramFromString(joinStatName(this.prefix, name), unit);
  }

  scopeFromStatName(name: string): Scope {
    return new ScopeImpl(this.root, joinStatName(this.prefix, sanitizeStatsName(name)));
  }

  createScope(name: string): Scope {
    return this.scopeFromStatName(name);
  }
}
