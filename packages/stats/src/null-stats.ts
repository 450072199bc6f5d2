// Envoy's null stats: what a scope hands out for a name `stats_matcher` rejects, or when the store
// is full. Every operation does nothing; values read 0.
import type { Counter } from './counter.ts';
import { type Gauge, GaugeImportMode } from './gauge.ts';
import { type Histogram, HistogramUnit } from './histogram.ts';
import type { Tag } from './tag.ts';

const NO_TAGS: readonly Tag[] = Object.freeze([]);

/** A counter that counts nothing. */
export class NullCounter implements Counter {
  readonly name = '';
  tagExtractedName(): string {
    return '';
  }
  tags(): readonly Tag[] {
    return NO_TAGS;
  }
  used(): boolean {
    return false;
  }
  inc(): void {}
  add(_amount: number): void {}
  value(): number {
    return 0;
  }
  reset(): void {}
}

/** A gauge that holds nothing. */
export class NullGauge implements Gauge {
  readonly name = '';
  readonly importMode: GaugeImportMode = GaugeImportMode.NeverImport;
  tagExtractedName(): string {
    return '';
  }
  tags(): readonly Tag[] {
    return NO_TAGS;
  }
  used(): boolean {
    return false;
  }
  inc(): void {}
  dec(): void {}
  add(_amount: number): void {}
  sub(_amount: number): void {}
  set(_value: number): void {}
  value(): number {
    return 0;
  }
}

/** A histogram that records nothing. */
export class NullHistogram implements Histogram {
  readonly name = '';
  readonly unit: HistogramUnit = HistogramUnit.Unspecified;
  tagExtractedName(): string {
    return '';
  }
  tags(): readonly Tag[] {
    return NO_TAGS;
  }
  used(): boolean {
    return false;
  }
  recordValue(_value: number): void {}
}
