// /config_dump: Envoy's ConfigDump shape, proto field names, secrets redacted, and it reads back.
import { describe, expect, it } from 'vitest';
import { configDump, loadBootstrap, validateBootstrap, validateConfig } from '../src/index.ts';
import { fixture, testRegistry } from './helpers.ts';

// Decoded configs are walked dynamically here; the typed API is exercised elsewhere.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Loose = any;

const SECRET_YAML = `static_resources:
  listeners:
  - name: tls
    address: { socket_address: { address: 127.0.0.1, port_value: 10443 } }
    filter_chains:
    - transport_socket:
        name: envoy.transport_sockets.tls
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
          common_tls_context:
            tls_certificates:
            - certificate_chain: { filename: /etc/certs/server.pem }
              private_key: { inline_string: "-----BEGIN PRIVATE KEY-----secret" }
      filters: []
`;

describe('configDump', () => {
  it("has Envoy's shape: bootstrap, clusters and listeners dumps, proto names, durations as text", () => {
    const bootstrap = loadBootstrap(fixture('clusters-health.yaml'), { registry: testRegistry() });
    const lastUpdated = new Date('2026-01-02T03:04:05.678Z');
    const dump = configDump(bootstrap, { lastUpdated });
    expect(dump.configs.map((c) => c['@type'])).toEqual([
      'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump',
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
    ]);
    const [boot, clusters, listeners] = dump.configs as Loose[];
    expect(boot.last_updated).toBe('2026-01-02T03:04:05.678Z');
    expect(boot.bootstrap.node).toEqual({
      id: 'node-1',
      cluster: 'edge',
      locality: { region: 'eu-west', zone: 'eu-west-1a' },
    });
    expect(boot.bootstrap.stats_flush_interval).toBe('5s');
    expect(clusters.static_clusters).toHaveLength(2);
    const first = clusters.static_clusters[0];
    expect(first.last_updated).toBe('2026-01-02T03:04:05.678Z');
    expect(first.cluster['@type']).toBe('type.googleapis.com/envoy.config.cluster.v3.Cluster');
    expect(first.cluster.name).toBe('tcp_checked');
    expect(first.cluster.connect_timeout).toBe('0.500s');
    expect(first.cluster.lb_policy).toBe('LEAST_REQUEST');
    expect(first.cluster.health_checks[0].unhealthy_threshold).toBe(3);
    // Fields at their default are left out, as proto3 JSON prints them.
    expect(first.cluster).not.toHaveProperty('respect_dns_ttl');
    expect(listeners.static_listeners).toEqual([]);
  });

  it('dumps typed configs with their @type', () => {
    const bootstrap = loadBootstrap(fixture('tcp-proxy.yaml'), { registry: testRegistry() });
    const listeners = configDump(bootstrap).configs[2] as Loose;
    const filter = listeners.static_listeners[0].listener.filter_chains[0].filters[0];
    expect(filter.typed_config).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
      stat_prefix: 'destination',
      cluster: 'service_backend',
      idle_timeout: '30s',
    });
  });

  it('redacts sensitive fields (a private key) unless asked not to', () => {
    const result = validateBootstrap({ text: SECRET_YAML }, { checkSubset: false });
    expect(result.problems).toEqual([]);
    const bootstrap = result.config!;
    const text = JSON.stringify(configDump(bootstrap));
    expect(text).not.toContain('secret');
    expect(text).toContain('"private_key":{"inline_string":"[redacted]"}');
    // Non-sensitive siblings are kept.
    expect(text).toContain('/etc/certs/server.pem');
    expect(JSON.stringify(configDump(bootstrap, { includeSecrets: true }))).toContain('secret');
  });

  it('reads back as an envoy.admin.v3.ConfigDump through the same protos', () => {
    const bootstrap = loadBootstrap(fixture('wasm-filter.yaml'), { registry: testRegistry() });
    const dump = configDump(bootstrap);
    const back = validateConfig<Loose>(
      'envoy.admin.v3.ConfigDump',
      { text: JSON.stringify(dump) },
      { checkSubset: false },
    );
    expect(back.problems).toEqual([]);
    const bootstrapDump = back.config.configs[0].value;
    // The round trip gives back the decoded bootstrap.
    expect(bootstrapDump.bootstrap).toEqual(bootstrap);
  });
});
