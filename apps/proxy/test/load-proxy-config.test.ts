import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MergeProvenance, mergeProtoJson } from '../src/config/merge-proto-json.ts';
import { formatConfigProblems, loadProxyConfig, ProxyErrorCode } from '../src/index.ts';

const BASE = `node: {id: from-file, cluster: c}
admin:
  address: {socket_address: {address: 127.0.0.1, port_value: 9901}}
static_resources:
  clusters:
  - name: first
    connect_timeout: 2s
`;

let dir: string;
let base: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nuncio-config-'));
  base = join(dir, 'base.yaml');
  writeFileSync(base, BASE);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mergeProtoJson (protobuf MergeFrom over proto3 JSON)', () => {
  it('replaces scalars, merges messages, appends repeated fields, replaces Any whole', () => {
    const merged = mergeProtoJson(
      {
        a: 1,
        keep: 'x',
        msg: { b: 'old', c: true },
        list: [1, 2],
        any: { '@type': 't/A', x: 1, y: 2 },
      },
      { a: 2, msg: { b: 'new' }, list: [3], any: { '@type': 't/A', y: 3 } },
      new MergeProvenance(),
    );
    expect(merged).toEqual({
      a: 2,
      keep: 'x',
      msg: { b: 'new', c: true },
      list: [1, 2, 3],
      any: { '@type': 't/A', y: 3 },
    });
  });

  it('knows which layer set each member, to settle oneofs as protobuf does', () => {
    const provenance = new MergeProvenance();
    const merged = mergeProtoJson({ addr: { socket: 1 } }, { addr: { pipe: 2 } }, provenance);
    const addr = merged.addr as object;
    expect(provenance.overridingMember(addr, 'socket', 'pipe')).toBe('pipe');
    const both = mergeProtoJson({}, { addr: { socket: 1, pipe: 2 } }, new MergeProvenance());
    expect(new MergeProvenance().overridingMember(both.addr as object, 'socket', 'pipe')).toBe(
      null,
    );
  });
});

describe('loadProxyConfig', () => {
  it('reads a file alone, with positions in its problems', () => {
    const ok = loadProxyConfig({ configPath: base });
    expect(ok.ok).toBe(true);
    expect(ok.sourceName).toBe(base);
    expect(ok.config?.node?.id).toBe('from-file');

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'admin:\n  adress: 1\nstatic_resources:\n  clusters:\n  - name: ""\n');
    const result = loadProxyConfig({ configPath: bad });
    expect(result.ok).toBe(false);
    const lines = formatConfigProblems(result);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${bad}:2:3: admin.adress: Cannot find field`));
    expect(lines[1]).toContain('static_resources.clusters[0].name');
  });

  it('merges --config-yaml over the file as Envoy does, then validates', () => {
    const result = loadProxyConfig({
      configPath: base,
      // Only the port: the address comes from the file (alone, the YAML would break the rule
      // that an address is not empty, so validation must come after the merge).
      configYaml: `admin: {address: {socket_address: {port_value: 0}}}
static_resources: {clusters: [{name: second}]}`,
    });
    expect(formatConfigProblems(result)).toEqual([]);
    expect(result.sourceName).toBe(`${base} + --config-yaml`);
    const config = result.config;
    expect(config?.admin?.address?.socketAddress).toMatchObject({
      address: '127.0.0.1',
      portValue: 0,
    });
    expect(config?.staticResources?.clusters.map((c) => c.name)).toEqual(['first', 'second']);
    expect(config?.staticResources?.clusters[0]?.connectTimeout).toEqual({
      seconds: 2,
      nanos: 0,
    });
    expect(config?.node).toMatchObject({ id: 'from-file', cluster: 'c' });
  });

  it('lets a oneof member set in the YAML replace the file one', () => {
    const result = loadProxyConfig({
      configPath: base,
      configYaml: 'admin: {address: {pipe: {path: /tmp/admin.sock}}}',
    });
    // The merge itself is fine (no oneof conflict); pipes are simply not in Nuncio's subset.
    const lines = formatConfigProblems(result);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^--config-yaml:1:\d+: admin\.address\.pipe: .*does not implement/);
  });

  it('applies --service-node, --service-cluster and --service-zone over node', () => {
    const result = loadProxyConfig({
      configPath: base,
      serviceNode: 'n2',
      serviceZone: 'z2',
    });
    expect(result.ok).toBe(true);
    expect(result.config?.node).toMatchObject({ id: 'n2', cluster: 'c' });
    expect(result.config?.node?.locality?.zone).toBe('z2');
  });

  it('reports problems of the YAML with their place in the YAML', () => {
    const result = loadProxyConfig({ configPath: base, configYaml: 'admin: {adress: 1}' });
    expect(formatConfigProblems(result)).toEqual([
      expect.stringMatching(/^--config-yaml:1:9: admin\.adress: Cannot find field: adress/),
    ]);
  });

  it('reports a problem only the merge makes against both sources', () => {
    const result = loadProxyConfig({
      configPath: base,
      configYaml: 'static_resources: {clusters: [{name: ""}]}',
    });
    expect(formatConfigProblems(result)).toEqual([
      `${base} + --config-yaml: static_resources.clusters[1].name: Proto constraint validation failed (ClusterValidationError.Name: value length must be at least 1 characters)`,
    ]);
  });

  it('takes --config-yaml alone, and refuses neither', () => {
    const result = loadProxyConfig({ configYaml: 'node: {id: only-yaml}' });
    expect(result.ok).toBe(true);
    expect(result.sourceName).toBe('--config-yaml');
    expect(() => loadProxyConfig({})).toThrow(
      expect.objectContaining({ code: ProxyErrorCode.NoConfig }),
    );
  });
});
