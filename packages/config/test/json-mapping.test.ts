// The proto3 JSON mapping as Envoy applies it to YAML: names, well-known types, YAML habits.
import { describe, expect, it } from 'vitest';
import { type Problem, validateConfig } from '../src/index.ts';

// Decoded configs are walked dynamically here; the typed API is exercised elsewhere.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Loose = any;

/** Decodes `yaml` as `typeName` with Envoy's rules only (no subset check). */
function decode(typeName: string, yaml: string): { config: Loose; problems: Problem[] } {
  const result = validateConfig(typeName, { text: yaml }, { checkSubset: false });
  return { config: result.config, problems: result.problems };
}

const CLUSTER = 'envoy.config.cluster.v3.Cluster';

describe('proto3 JSON mapping', () => {
  it('accepts snake_case and lowerCamelCase names, and refuses a field given by both', () => {
    const ok = decode(
      CLUSTER,
      'name: a\nconnectTimeout: 2s\nper_connection_buffer_limit_bytes: 7\n',
    );
    expect(ok.problems).toEqual([]);
    expect(ok.config.connectTimeout).toEqual({ seconds: 2, nanos: 0 });
    expect(ok.config.perConnectionBufferLimitBytes).toBe(7);
    const twice = decode(CLUSTER, 'name: a\nconnect_timeout: 1s\nconnectTimeout: 2s\n');
    expect(twice.problems.map((p) => [p.code, p.message])).toEqual([
      [
        'NUNCIO_ERR_CONFIG_ONEOF_CONFLICT',
        "field connect_timeout is given twice (as 'connect_timeout' and 'connectTimeout')",
      ],
    ]);
  });

  it('reads durations with fractions and signs, and refuses malformed ones', () => {
    const d = (text: string) =>
      decode('envoy.config.bootstrap.v3.Watchdog', `miss_timeout: "${text}"`);
    expect(d('1.5s').config.missTimeout).toEqual({ seconds: 1, nanos: 500_000_000 });
    expect(d('0.000000001s').config.missTimeout).toEqual({ seconds: 0, nanos: 1 });
    expect(d('-2.25s').config.missTimeout).toEqual({ seconds: -2, nanos: -250_000_000 });
    expect(d('5').problems[0]?.message).toBe(
      `Illegal duration format; duration must end with 's': "5"`,
    );
    expect(d('1.0000000001s').problems[0]?.message).toBe(
      'Invalid duration format, failed to parse seconds: "1.0000000001s"',
    );
    expect(d('315576000001s').problems[0]?.message).toBe(
      'Duration value exceeds limits: "315576000001s"',
    );
  });

  it('reads wrappers as bare values, enums by name or number, bytes as base64', () => {
    const { config, problems } = decode(
      CLUSTER,
      'name: a\nmax_requests_per_connection: 10\nlb_policy: 3\ntype: STRICT_DNS\n' +
        'lrs_report_endpoint_metrics: []\ncommon_lb_config:\n  healthy_panic_threshold: { value: 25.5 }\n',
    );
    expect(problems).toEqual([]);
    expect(config.maxRequestsPerConnection).toBe(10);
    expect(config.lbPolicy).toBe('RANDOM');
    expect(config.type).toBe('STRICT_DNS');
    expect(config.commonLbConfig.healthyPanicThreshold).toEqual({ value: 25.5 });
    const big = decode(
      'envoy.config.core.v3.RuntimeFeatureFlag',
      'runtime_key: k\ndefault_value: true\n',
    );
    expect(big.config.defaultValue).toBe(true);
    const int64 = decode(
      'envoy.extensions.filters.network.wasm.v3.Wasm',
      'config:\n  vm_config:\n    runtime: r\n    code: { local: { inline_bytes: "AAEC" } }\n',
    );
    expect(int64.problems).toEqual([]);
    expect(int64.config.config.vmConfig.code.local.inlineBytes).toEqual(new Uint8Array([0, 1, 2]));
  });

  it('reads 64-bit integers from numbers and strings, exactly, as bigint', () => {
    const type = 'envoy.config.bootstrap.v3.MemoryAllocatorManager';
    expect(decode(type, 'bytes_to_release: 18446744073709551615\n').config.bytesToRelease).toBe(
      18446744073709551615n,
    );
    expect(decode(type, 'bytes_to_release: "9007199254740993"\n').config.bytesToRelease).toBe(
      9007199254740993n,
    );
    expect(decode(type, 'bytes_to_release: -1\n').problems[0]?.message).toBe(
      'Integer out of range (-1) for type TYPE_UINT64',
    );
    // JSON text is read by JSON.parse, keeping integers exact too.
    expect(decode(type, '{"bytesToRelease": 18446744073709551615}').config.bytesToRelease).toBe(
      18446744073709551615n,
    );
    // Unset, a 64-bit field has its proto3 default, as a bigint too.
    expect(decode(type, '{}').config.bytesToRelease).toBe(0n);
  });

  it('reads YAML 1.1 habits as Envoy does: hex and octal integers, yes/on booleans', () => {
    const { config, problems } = decode(
      'envoy.config.listener.v3.Listener',
      'name: l\nper_connection_buffer_limit_bytes: 0xEE\nenable_reuse_port: on\ntcp_backlog_size: 0o17\n',
    );
    expect(problems).toEqual([]);
    expect(config.perConnectionBufferLimitBytes).toBe(0xee);
    expect(config.enableReusePort).toBe(true);
    expect(config.tcpBacklogSize).toBe(15);
    // `10:30` is text for Envoy (yaml-cpp has no sexagesimal numbers), so it fits a string field.
    expect(decode('envoy.config.listener.v3.Listener', 'name: 10:30\n').config.name).toBe('10:30');
  });

  it('expands YAML anchors and merge keys, and drops !ignore entries', () => {
    const yaml = `
!ignore shared: &timeouts
  connect_timeout: 3s
name: merged
<<: *timeouts
lb_policy: RANDOM
`;
    const { config, problems } = decode(CLUSTER, yaml);
    expect(problems).toEqual([]);
    expect(config.name).toBe('merged');
    expect(config.connectTimeout).toEqual({ seconds: 3, nanos: 0 });
    expect(config.lbPolicy).toBe('RANDOM');
  });

  it('reads Struct and Value as plain JSON, keeping large integers exact as text', () => {
    const { config, problems } = decode(
      'envoy.config.core.v3.Metadata',
      'filter_metadata:\n  envoy.lb:\n    canary: true\n    weight: 3\n    id: 12345678901234567890\n    tags: [a, ~]\n',
    );
    expect(problems).toEqual([]);
    expect(config.filterMetadata['envoy.lb']).toEqual({
      canary: true,
      weight: 3,
      id: '12345678901234567890',
      tags: ['a', null],
    });
  });

  it('resolves Any through @type, including a packed well-known type and TypedStruct', () => {
    const wasm = decode(
      'envoy.extensions.wasm.v3.PluginConfig',
      'name: p\nconfiguration:\n  "@type": type.googleapis.com/google.protobuf.Struct\n  value: { a: 1 }\n',
    );
    expect(wasm.problems).toEqual([]);
    expect(wasm.config.configuration).toEqual({
      typeUrl: 'type.googleapis.com/google.protobuf.Struct',
      value: { a: 1 },
    });
    const typed = decode(
      'envoy.config.listener.v3.Filter',
      `name: envoy.filters.network.tcp_proxy
typed_config:
  "@type": type.googleapis.com/xds.type.v3.TypedStruct
  type_url: type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
  value:
    stat_prefix: via_struct
    cluster: c
`,
    );
    expect(typed.problems).toEqual([]);
    expect(typed.config.typedConfig.typeUrl).toBe(
      'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
    );
    expect(typed.config.typedConfig.value.statPrefix).toBe('via_struct');
    const missing = decode(
      'envoy.config.listener.v3.Filter',
      'name: f\ntyped_config: { cluster: c }\n',
    );
    expect(missing.problems.map((p) => [p.path, p.message])).toEqual([
      ['typed_config', 'Missing @type for any field'],
    ]);
  });

  it('reads bytes as standard or URL-safe base64, and refuses anything else', () => {
    const ok = decode('envoy.config.core.v3.DataSource', 'inline_bytes: "-_8"\n');
    expect(ok.config.inlineBytes).toEqual(new Uint8Array([0xfb, 0xff]));
    const bad = decode('envoy.config.core.v3.DataSource', 'inline_bytes: "not base64!"\n');
    expect(bad.problems[0]?.code).toBe('NUNCIO_ERR_CONFIG_BAD_VALUE');
  });

  it('treats null as "not set" and refuses the wrong JSON type at the root', () => {
    const { config, problems } = decode(CLUSTER, 'name: a\nconnect_timeout: null\n');
    expect(problems).toEqual([]);
    expect(config.connectTimeout).toBeUndefined();
    const root = decode(CLUSTER, '- a\n- b\n');
    expect(root.problems.map((p) => [p.code, p.path, p.line, p.column])).toEqual([
      ['NUNCIO_ERR_CONFIG_WRONG_TYPE', '', 1, 1],
    ]);
  });
});
