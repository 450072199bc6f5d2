// FieldMask semantics over proto3 JSON, as /config_dump applies mask=.
import { describe, expect, it } from 'vitest';
import { maskFitsType, parseFieldMask, trimMessage } from '../src/field-mask.ts';
import { formatG } from '../src/routes/format-g.ts';

const CLUSTERS = 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump';

describe('parseFieldMask', () => {
  it('splits paths on commas and segments on dots, dropping empty paths', () => {
    expect(parseFieldMask('cluster.name, last_updated,,')).toEqual([
      ['cluster', 'name'],
      ['last_updated'],
    ]);
    expect(parseFieldMask('')).toEqual([]);
  });
});

describe('trimMessage', () => {
  const message = {
    '@type': 'type.googleapis.com/x.Y',
    a: { b: 1, c: { d: 2, e: 3 } },
    f: [1, 2],
    g: 'x',
  };

  it('keeps only the named fields, at any depth, and the @type', () => {
    expect(trimMessage(message, [['a', 'c', 'd'], ['g']])).toEqual({
      '@type': 'type.googleapis.com/x.Y',
      a: { c: { d: 2 } },
      g: 'x',
    });
  });

  it('keeps a whole field when one path names it, whatever deeper paths say', () => {
    expect(trimMessage(message, [['a', 'b'], ['a']])).toEqual({
      '@type': 'type.googleapis.com/x.Y',
      a: message.a,
    });
    expect(trimMessage(message, [['a'], ['a', 'b']])).toEqual({
      '@type': 'type.googleapis.com/x.Y',
      a: message.a,
    });
  });

  it('keeps a set message field set when nothing named is in it, and skips absent fields', () => {
    expect(trimMessage(message, [['a', 'zzz'], ['nope']])).toEqual({
      '@type': 'type.googleapis.com/x.Y',
      a: {},
    });
  });
});

describe('maskFitsType', () => {
  it("checks the first segment against the wrapper's fields and refuses paths through repeated fields", () => {
    expect(maskFitsType(CLUSTERS, [['static_clusters']])).toBe(true);
    expect(maskFitsType(CLUSTERS, [['bootstrap']])).toBe(false);
    expect(maskFitsType(CLUSTERS, [['static_clusters', 'cluster']])).toBe(false);
    expect(maskFitsType(`${CLUSTERS}.StaticCluster`, [['cluster', 'name']])).toBe(true);
    expect(maskFitsType('type.googleapis.com/unknown.Type', [['anything', 'at', 'all']])).toBe(
      true,
    );
  });
});

describe('formatG', () => {
  it("prints like C's %g, as Envoy prints bucket bounds and outlier figures", () => {
    expect(formatG(0.5)).toBe('0.5');
    expect(formatG(1000)).toBe('1000');
    expect(formatG(600000)).toBe('600000');
    expect(formatG(1800000)).toBe('1.8e+06');
    expect(formatG(3600000)).toBe('3.6e+06');
    expect(formatG(93.25)).toBe('93.25');
    expect(formatG(-1)).toBe('-1');
    expect(formatG(0)).toBe('0');
    expect(formatG(0.00001)).toBe('1e-05');
  });
});
