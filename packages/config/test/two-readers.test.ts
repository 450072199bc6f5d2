// A config is read fast (js-yaml, no positions) and, when it has a problem, again with positions
// (yaml). Both readers must decode every document to the same value.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsonMappingDecoder } from '../src/decode/decode-json.ts';
import { fastParse } from '../src/decode/fast-yaml.ts';
import { PlainAdapter, YamlAstAdapter } from '../src/decode/source-adapter.ts';
import { parseSource } from '../src/decode/yaml-source.ts';
import { ProblemCollector } from '../src/problem.ts';
import { envoySchema } from '../src/schema/load-schema.ts';
import { fixture } from './helpers.ts';

function both(text: string, typeName = 'envoy.config.bootstrap.v3.Bootstrap') {
  const schema = envoySchema();
  const type = schema.message(typeName);
  const fastProblems = new ProblemCollector(null, null);
  const fast = new JsonMappingDecoder(
    schema,
    new PlainAdapter(fastParse(text)),
    fastProblems,
  ).decodeRoot(type);
  const { source } = parseSource(text, 'x');
  const slowProblems = new ProblemCollector(null, null);
  const slow = new JsonMappingDecoder(schema, new YamlAstAdapter(source), slowProblems).decodeRoot(
    type,
  );
  return { fast, slow, fastProblems: fastProblems.problems, slowProblems: slowProblems.problems };
}

describe('fast and positional readers', () => {
  it.each([
    'tcp-proxy.yaml',
    'filter-chains.yaml',
    'clusters-health.yaml',
    'wasm-filter.yaml',
    'tcp-proxy.json',
  ])('decode %s identically', (name) => {
    const { fast, slow, fastProblems, slowProblems } = both(readFileSync(fixture(name), 'utf8'));
    expect(fastProblems).toEqual([]);
    expect(slowProblems).toEqual([]);
    expect(fast).toEqual(slow);
  });

  it('agree on Envoy scalar rules, anchors, merges, !ignore and problems', () => {
    const text = `
!ignore defs: &base { connect_timeout: 2s, lb_policy: RANDOM }
name: "123"
<<: *base
per_connection_buffer_limit_bytes: 0x10
dns_refresh_rate: 10:30
metadata: { filter_metadata: { m: { a: yes, b: '0x10', c: 1.5e3, d: ~, e: .inf } } }
`;
    const { fast, slow, fastProblems, slowProblems } = both(
      text,
      'envoy.config.cluster.v3.Cluster',
    );
    expect(fast).toEqual(slow);
    expect(fastProblems.map((p) => [p.code, p.path])).toEqual([
      ['NUNCIO_ERR_CONFIG_BAD_VALUE', 'dns_refresh_rate'],
    ]);
    expect(slowProblems.map((p) => [p.code, p.path, p.message])).toEqual(
      fastProblems.map((p) => [p.code, p.path, p.message]),
    );
    expect((slow as { metadata: unknown }).metadata).toEqual({
      filterMetadata: { m: { a: true, b: '0x10', c: 1500, d: null, e: Infinity } },
      typedFilterMetadata: {},
    });
  });
});
