// A stats scope that records nothing, for a cluster manager built without a stats store.
import type { Counter, Gauge, Histogram, Scope } from '@nuncio/stats';

const NO_TAGS: readonly never[] = Object.freeze([]);

const nullCounter: Counter = {
  name: '',
  tagExtractedName: () => '',
  tags: () => NO_TAGS,
  used: () => false,
  inc() {},
  add() {},
  value: () => 0,
  reset() {},
};

const nullGauge: Gauge = {
  name: '',
  importMode: 'Accumulate',
  tagExtractedName: () => '',
  tags: () => NO_TAGS,
  used: () => false,
  inc() {},
  dec() {},
  add() {},
  sub() {},
  set() {},
  value: () => 0,
};

const nullHistogram: Histogram = {
  name: '',
  unit: 'Unspecified',
  tagExtractedName: () => '',
  tags: () => NO_TAGS,
  used: () => false,
  recordValue() {},
};

/** A scope whose stats do nothing. */
export const nullScope: Scope = {
  prefix: '',
  counterFromString: () => nullCounter,
  gaugeFromString: () => nullGauge,
  histogramFromString: () => nullHistogram,
  scopeFromStatName: () => nullScope,
  createScope: () => nullScope,
};
