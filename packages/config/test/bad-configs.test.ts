// A table of configs Envoy (or Nuncio) refuses: each names the exact path, position and reason.
import { describe, expect, it } from 'vitest';
import { exitCode, formatProblems, type Problem, validateBootstrap } from '../src/index.ts';
import { fixture, testRegistry } from './helpers.ts';

/** A listener whose first filter chain holds `filter` (YAML lines, indented for the slot). */
function listenerWith(filter: string): string {
  return `static_resources:
  listeners:
  - name: l0
    address:
      socket_address: { address: 127.0.0.1, port_value: 10000 }
    filter_chains:
    - filters:
${filter}`;
}

/** A static cluster with `extra` lines added to it. */
function clusterWith(extra: string): string {
  return `static_resources:
  clusters:
  - name: c0
    type: STATIC
    connect_timeout: 1s
${extra}`;
}

interface Case {
  name: string;
  yaml: string;
  expected: Omit<Problem, 'code'> & { code: string };
}

const cases: Case[] = [
  {
    name: 'unknown field',
    yaml: clusterWith('    hosts: []\n'),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_UNKNOWN_FIELD',
      path: 'static_resources.clusters[0].hosts',
      line: 6,
      column: 5,
      message:
        'Cannot find field: hosts (message envoy.config.cluster.v3.Cluster has no field of that name)',
    },
  },
  {
    name: 'unknown field inside a typed_config',
    yaml: listenerWith(`      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: s
          cluster: c0
          stats_prefix: typo
`),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_UNKNOWN_FIELD',
      path: 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config.stats_prefix',
      line: 13,
      column: 11,
      message:
        'Cannot find field: stats_prefix (message envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy has no field of that name)',
    },
  },
  {
    name: 'wrong type',
    yaml: clusterWith('    lb_policy: [ROUND_ROBIN]\n'),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_WRONG_TYPE',
      path: 'static_resources.clusters[0].lb_policy',
      line: 6,
      column: 16,
      message: 'invalid value [...] for type TYPE_ENUM (envoy.config.cluster.v3.Cluster.LbPolicy)',
    },
  },
  {
    name: 'bad duration',
    yaml: clusterWith('    dns_refresh_rate: 5ms\n'),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_BAD_VALUE',
      path: 'static_resources.clusters[0].dns_refresh_rate',
      line: 6,
      column: 23,
      message: 'Invalid duration format, failed to parse seconds: "5ms"',
    },
  },
  {
    name: 'unknown enum name',
    yaml: clusterWith('    lb_policy: ROUND_ROBN\n'),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_BAD_VALUE',
      path: 'static_resources.clusters[0].lb_policy',
      line: 6,
      column: 16,
      message:
        'invalid value "ROUND_ROBN" for type TYPE_ENUM (envoy.config.cluster.v3.Cluster.LbPolicy)',
    },
  },
  {
    name: 'integer out of range',
    yaml: clusterWith('    per_connection_buffer_limit_bytes: 5000000000\n'),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_BAD_VALUE',
      path: 'static_resources.clusters[0].per_connection_buffer_limit_bytes',
      line: 6,
      column: 40,
      message: 'Integer out of range (5000000000) for type TYPE_UINT32',
    },
  },
  {
    name: 'two members of one oneof',
    yaml: clusterWith(`    load_assignment:
      cluster_name: c0
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: { address: 10.0.0.1, port_value: 80, named_port: http }
`),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_ONEOF_CONFLICT',
      path: 'static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.named_port',
      line: 12,
      column: 68,
      message:
        "oneof field 'port_specifier' is already set. Cannot set 'named_port' (already set: 'port_value')",
    },
  },
  {
    name: 'missing required field',
    yaml: clusterWith(`    health_checks:
    - timeout: 1s
      unhealthy_threshold: 1
      healthy_threshold: 1
      tcp_health_check: {}
`),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_CONSTRAINT',
      path: 'static_resources.clusters[0].health_checks[0].interval',
      line: 7,
      column: 7,
      message:
        'Proto constraint validation failed (HealthCheckValidationError.Interval: value is required)',
    },
  },
  {
    name: 'required oneof not set',
    yaml: clusterWith(`    health_checks:
    - timeout: 1s
      interval: 5s
      unhealthy_threshold: 1
      healthy_threshold: 1
`),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_CONSTRAINT',
      path: 'static_resources.clusters[0].health_checks[0]',
      line: 7,
      column: 7,
      message: 'Proto constraint validation failed (field: "health_checker", reason: is required)',
    },
  },
  {
    name: 'PGV range rule broken',
    yaml: `static_resources:
  listeners:
  - name: l0
    address:
      socket_address: { address: 127.0.0.1, port_value: 70000 }
`,
    expected: {
      code: 'NUNCIO_ERR_CONFIG_CONSTRAINT',
      path: 'static_resources.listeners[0].address.socket_address.port_value',
      line: 5,
      column: 45,
      message:
        'Proto constraint validation failed (SocketAddressValidationError.PortValue: value must be less than or equal to 65535)',
    },
  },
  {
    name: 'PGV string rule broken',
    yaml: 'static_resources:\n  clusters:\n  - name: ""\n',
    expected: {
      code: 'NUNCIO_ERR_CONFIG_CONSTRAINT',
      path: 'static_resources.clusters[0].name',
      line: 3,
      column: 5,
      message:
        'Proto constraint validation failed (ClusterValidationError.Name: value length must be at least 1 characters)',
    },
  },
  {
    name: 'PGV duration rule broken',
    yaml: 'stats_flush_interval: 301s\n',
    expected: {
      code: 'NUNCIO_ERR_CONFIG_CONSTRAINT',
      path: 'stats_flush_interval',
      line: 1,
      column: 1,
      message:
        'Proto constraint validation failed (BootstrapValidationError.StatsFlushInterval: value must be inside range [1ms, 5m0s))',
    },
  },
  {
    name: 'unknown @type',
    yaml: listenerWith(`      - name: envoy.filters.network.nope
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.nope.v3.Nope
`),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_UNKNOWN_TYPE',
      path: 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config',
      line: 10,
      column: 20,
      message:
        'invalid value Invalid type URL, unknown type: envoy.extensions.filters.network.nope.v3.Nope for type Any',
    },
  },
  {
    name: 'v2 @type',
    yaml: listenerWith(`      - name: envoy.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.config.filter.network.tcp_proxy.v2.TcpProxy
          stat_prefix: s
          cluster: c0
`),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_DEPRECATED_TYPE',
      path: 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config',
      line: 10,
      column: 20,
      message:
        'The v2 xDS major version is deprecated and disabled by default. (envoy.config.filter.network.tcp_proxy.v2.TcpProxy): use type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
    },
  },
  {
    name: 'deprecated field',
    yaml: clusterWith('    use_tcp_for_dns_lookups: true\n'),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_DEPRECATED_FIELD',
      path: 'static_resources.clusters[0].use_tcp_for_dns_lookups',
      line: 6,
      column: 5,
      message:
        "Using deprecated option 'envoy.config.cluster.v3.Cluster.use_tcp_for_dns_lookups' from file cluster.proto. This configuration will be removed from Envoy soon.",
    },
  },
  {
    name: 'unsupported but valid field',
    yaml: clusterWith('    respect_dns_ttl: true\n'),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_UNSUPPORTED_FIELD',
      path: 'static_resources.clusters[0].respect_dns_ttl',
      line: 6,
      column: 5,
      message:
        "field 'envoy.config.cluster.v3.Cluster.respect_dns_ttl' is set but Nuncio does not implement it",
    },
  },
  {
    name: 'unsupported but valid field of an extension',
    yaml: listenerWith(`      - name: envoy.filters.network.tcp_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
          stat_prefix: s
          cluster: c0
          max_connect_attempts: 3
`),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_UNSUPPORTED_FIELD',
      path: 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config.max_connect_attempts',
      line: 13,
      column: 11,
      message:
        "field 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.max_connect_attempts' is set but Nuncio does not implement it",
    },
  },
  {
    name: 'unsupported enum value',
    yaml: clusterWith('    lb_policy: MAGLEV\n'),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_UNSUPPORTED_VALUE',
      path: 'static_resources.clusters[0].lb_policy',
      line: 6,
      column: 5,
      message:
        'value MAGLEV of envoy.config.cluster.v3.Cluster.LbPolicy is valid but Nuncio does not implement it',
    },
  },
  {
    name: 'unknown extension name',
    yaml: listenerWith('      - name: envoy.filters.network.nonexistent\n'),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_UNKNOWN_EXTENSION',
      path: 'static_resources.listeners[0].filter_chains[0].filters[0].name',
      line: 8,
      column: 9,
      message:
        "Didn't find a registered implementation for name: 'envoy.filters.network.nonexistent' (known extensions: envoy.filters.listener.tls_inspector, envoy.filters.network.tcp_proxy, envoy.filters.network.wasm)",
    },
  },
  {
    name: 'valid Envoy extension that is not registered',
    yaml: listenerWith(`      - name: envoy.filters.network.echo
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo
`),
    expected: {
      code: 'NUNCIO_ERR_CONFIG_UNKNOWN_EXTENSION',
      path: 'static_resources.listeners[0].filter_chains[0].filters[0].typed_config',
      line: 9,
      column: 9,
      message:
        "Didn't find a registered implementation for 'envoy.filters.network.echo' with type URL: 'envoy.extensions.filters.network.echo.v3.Echo' (known extensions: envoy.filters.listener.tls_inspector, envoy.filters.network.tcp_proxy, envoy.filters.network.wasm)",
    },
  },
  {
    name: 'YAML syntax error',
    yaml: 'static_resources:\n  clusters:\n  - name: c0\n    connect_timeout: [1s\n',
    expected: {
      code: 'NUNCIO_ERR_CONFIG_YAML_SYNTAX',
      path: '',
      line: 5,
      column: 1,
      message:
        'Unable to parse YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    },
  },
];

describe('bad configs', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = validateBootstrap(
      { text: c.yaml, name: 'bad.yaml' },
      { registry: testRegistry() },
    );
    expect(result.ok).toBe(false);
    expect(exitCode(result)).toBe(1);
    expect(result.problems).toEqual([c.expected]);
  });

  it('reports every problem of a config at once, from every pass', () => {
    const yaml = `static_resources:
  listeners:
  - name: l0
    address:
      socket_address: { address: 127.0.0.1, port_value: 10000 }
    tcp_backlog_size: 10
    filter_chains:
    - filters:
      - name: envoy.filters.network.nonexistent
  clusters:
  - name: ""
    connect_timeout: 5
    dns_lookup_family: V4_ONLY
layered_runtime: {}
`;
    const result = validateBootstrap(
      { text: yaml, name: 'many.yaml' },
      { registry: testRegistry() },
    );
    expect(result.problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['NUNCIO_ERR_CONFIG_WRONG_TYPE', 'static_resources.clusters[0].connect_timeout', 12],
      ['NUNCIO_ERR_CONFIG_CONSTRAINT', 'static_resources.clusters[0].name', 11],
      [
        'NUNCIO_ERR_CONFIG_UNKNOWN_EXTENSION',
        'static_resources.listeners[0].filter_chains[0].filters[0].name',
        9,
      ],
      ['NUNCIO_ERR_CONFIG_UNSUPPORTED_FIELD', 'static_resources.listeners[0].tcp_backlog_size', 6],
      ['NUNCIO_ERR_CONFIG_UNSUPPORTED_FIELD', 'static_resources.clusters[0].dns_lookup_family', 13],
      ['NUNCIO_ERR_CONFIG_UNSUPPORTED_FIELD', 'layered_runtime', 14],
    ]);
    expect(formatProblems(result)[0]).toBe(
      'many.yaml:12:22: static_resources.clusters[0].connect_timeout: invalid value 5 for type TYPE_MESSAGE (google.protobuf.Duration)',
    );
  });

  it('reports a file that cannot be read', () => {
    const result = validateBootstrap(fixture('does-not-exist.yaml'));
    expect(result.ok).toBe(false);
    expect(result.problems[0]?.code).toBe('NUNCIO_ERR_CONFIG_FILE_READ');
    expect(result.problems[0]?.message).toMatch(/cannot read config file .*does-not-exist\.yaml/);
  });

  it('exits 0 for a valid config, as envoy --mode validate does', () => {
    const result = validateBootstrap(fixture('tcp-proxy.yaml'), { registry: testRegistry() });
    expect(result.problems).toEqual([]);
    expect(exitCode(result)).toBe(0);
  });
});
