import { describe, expect, it } from 'vitest';
import { nullScope } from '../src/index.ts';

describe('nullScope', () => {
  it('hands out stats that record nothing and read 0', () => {
    const counter = nullScope.counterFromString('downstream_cx_total');
    counter.inc();
    counter.add(5);
    expect(counter.value()).toBe(0);
    expect(counter.used()).toBe(false);
    const gauge = nullScope.gaugeFromString('downstream_cx_active');
    gauge.set(7);
    gauge.inc();
    expect(gauge.value()).toBe(0);
    const histogram = nullScope.histogramFromString('downstream_cx_length_ms');
    histogram.recordValue(12);
    expect(histogram.used()).toBe(false);
  });

  it('is its own child scope, so components can build their scopes from it', () => {
    expect(nullScope.scopeFromStatName('listener.0.0.0.0_10000.')).toBe(nullScope);
    expect(nullScope.createScope('cluster.backend.')).toBe(nullScope);
    expect(nullScope.prefix).toBe('');
  });
});
