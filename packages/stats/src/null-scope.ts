// Envoy's null scope: a scope whose stats record nothing, for components built without a stats
// store (a listener manager or cluster manager used alone, in a test or a small program). Its stats
// are the shared null stats, so using it allocates nothing.
import { NullCounter, NullGauge, NullHistogram } from './null-stats.ts';
import type { Scope } from './scope.ts';

const nullCounter = new NullCounter();
const nullGauge = new NullGauge();
const nullHistogram = new NullHistogram();

/** A scope whose counters, gauges and histograms do nothing and read 0; every child scope is itself. */
export const nullScope: Scope = Object.freeze({
  prefix: '',
  counterFromString: () => nullCounter,
  gaugeFromString: () => nullGauge,
  histogramFromString: () => nullHistogram,
  scopeFromStatName: () => nullScope,
  createScope: () => nullScope,
});
