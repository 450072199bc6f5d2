// Envoy-style bootstraps of the features Nuncio supports load, and decode to the values written.
import { describe, expect, it } from 'vitest';
import {
  type AnyValue,
  InvalidConfigError,
  loadBootstrap,
  type TcpProxy,
  unpackAny,
  validateBootstrap,
} from '../src/index.ts';
import { fixture, type TestFactory, testRegistry } from './helpers.ts';

describe('loadBootstrap: the supported feature set', () => {
  it('loads a TCP proxy and decodes every value', () => {
    const registry = testRegistry();
    const bootstrap = loadBootstrap(fixture('tcp-proxy.yaml'), { registry });
    expect(bootstrap.admin?.address?.socketAddress).toMatchObject({
      address: '127.0.0.1',
      portValue: 9901,
      protocol: 'TCP',
    });
    const listener = bootstrap.staticResources?.listeners[0];
    expect(listener?.name).toBe('listener_0');
    expect(listener?.address?.socketAddress?.portValue).toBe(10000);
    const filter = listener?.filterChains[0]?.filters[0];
    expect(filter?.name).toBe('envoy.filters.network.tcp_proxy');
    const tcp = unpackAny(
      filter!.typedConfig as AnyValue,
      'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
    );
    expect(tcp.statPrefix).toBe('destination');
    expect(tcp.cluster).toBe('service_backend');
    // `idleTimeout` was written in lowerCamelCase: both spellings are accepted.
    expect(tcp.idleTimeout).toEqual({ seconds: 30, nanos: 0 });
    const cluster = bootstrap.staticResources?.clusters[0];
    expect(cluster?.type).toBe('STATIC');
    expect(cluster?.lbPolicy).toBe('ROUND_ROBIN');
    expect(cluster?.connectTimeout).toEqual({ seconds: 0, nanos: 250_000_000 });
    const endpoint = cluster?.loadAssignment?.endpoints[0]?.lbEndpoints[0]?.endpoint;
    expect(endpoint?.address?.socketAddress).toMatchObject({
      address: '127.0.0.1',
      portValue: 8080,
    });
    // The extension is found the way Envoy finds it: by the typed config's type URL.
    const registration = registry.resolveExtension(filter ?? {});
    expect(registration?.name).toBe('envoy.filters.network.tcp_proxy');
    expect((registration!.factory as TestFactory).build(tcp)).toMatch(/^tcp_proxy:.*destination/);
  });

  it('loads several filter chains with filter_chain_match', () => {
    const bootstrap = loadBootstrap(fixture('filter-chains.yaml'), { registry: testRegistry() });
    const listener = bootstrap.staticResources?.listeners[0];
    expect(listener!.listenerFilters.map((f) => f.name)).toEqual([
      'envoy.filters.listener.tls_inspector',
    ]);
    expect(listener?.filterChains.map((c) => c.name)).toEqual([
      'sni_example_com',
      'internal_plaintext',
    ]);
    const [sni, internal] = listener?.filterChains ?? [];
    expect(sni?.filterChainMatch?.serverNames).toEqual(['example.com', '*.example.com']);
    expect(sni?.filterChainMatch?.transportProtocol).toBe('tls');
    expect(sni?.filterChainMatch?.applicationProtocols).toEqual(['h2', 'http/1.1']);
    expect(internal?.filterChainMatch?.destinationPort).toBe(10443);
    expect(internal?.filterChainMatch?.prefixRanges).toEqual([
      { addressPrefix: '10.0.0.0', prefixLen: 8 },
    ]);
    expect(internal?.filterChainMatch?.sourceType).toBe('SAME_IP_OR_LOOPBACK');
    expect(internal?.filterChainMatch?.sourcePorts).toEqual([5000, 5001]);
    // Unset match fields have their proto3 defaults; unset messages are absent.
    expect(sni?.filterChainMatch?.sourceType).toBe('ANY');
    expect(sni?.filterChainMatch?.destinationPort).toBeUndefined();
    const internalTcp = internal?.filters[0]?.typedConfig?.value as TcpProxy;
    expect(internalTcp.statPrefix).toBe('internal');
    expect(
      (listener!.defaultFilterChain!.filters[0]!.typedConfig!.value as TcpProxy).statPrefix,
    ).toBe('fallback');
  });

  it('loads static clusters with health checks, node, admin, watchdogs and stats flush', () => {
    const bootstrap = loadBootstrap(fixture('clusters-health.yaml'), { registry: testRegistry() });
    expect(bootstrap.node).toMatchObject({
      id: 'node-1',
      cluster: 'edge',
      locality: { region: 'eu-west', zone: 'eu-west-1a', subZone: '' },
    });
    expect(bootstrap.statsFlushInterval).toEqual({ seconds: 5, nanos: 0 });
    expect(bootstrap.watchdogs?.mainThreadWatchdog?.missTimeout).toEqual({
      seconds: 0,
      nanos: 200_000_000,
    });
    expect(bootstrap.watchdogs?.workerWatchdog?.multikillThreshold).toEqual({ value: 50 });
    const [tcp, http] = bootstrap.staticResources?.clusters ?? [];
    expect(tcp?.lbPolicy).toBe('LEAST_REQUEST');
    expect(tcp?.perConnectionBufferLimitBytes).toBe(32768);
    const tcpCheck = tcp?.healthChecks[0];
    expect(tcpCheck?.timeout).toEqual({ seconds: 1, nanos: 0 });
    expect(tcpCheck?.unhealthyThreshold).toBe(3);
    expect(tcpCheck?.healthyThreshold).toBe(2);
    expect(tcpCheck?.tcpHealthCheck?.send?.text).toBe('50494E47');
    expect(tcpCheck?.tcpHealthCheck?.receive.map((p) => p.text)).toEqual(['504F4E47']);
    expect(tcpCheck?.httpHealthCheck).toBeUndefined();
    const weights = tcp!.loadAssignment!.endpoints[0]!.lbEndpoints.map(
      (e) => e.loadBalancingWeight,
    );
    expect(weights).toEqual([3, 1]);
    expect(http?.lbPolicy).toBe('RANDOM');
    expect(http?.healthChecks[0]?.httpHealthCheck).toMatchObject({
      host: 'health.internal',
      path: '/healthz',
    });
    // A wrapper written as `false` is set (present), unlike a plain bool at its default.
    expect(http?.healthChecks[0]?.reuseConnection).toBe(false);
    expect(http?.healthChecks[0]?.noTrafficInterval).toEqual({ seconds: 60, nanos: 0 });
  });

  it('loads a wasm network filter with its plugin configuration', () => {
    const bootstrap = loadBootstrap(fixture('wasm-filter.yaml'), { registry: testRegistry() });
    const filters = bootstrap.staticResources?.listeners[0]?.filterChains[0]?.filters ?? [];
    expect(filters.map((f) => f.name)).toEqual([
      'envoy.filters.network.wasm',
      'envoy.filters.network.tcp_proxy',
    ]);
    const wasm = unpackAny(
      filters[0]?.typedConfig as AnyValue,
      'envoy.extensions.filters.network.wasm.v3.Wasm',
    );
    expect(wasm.config?.name).toBe('conn_counter');
    expect(wasm.config?.rootId).toBe('conn_counter_root');
    expect(wasm.config?.failOpen).toBe(true);
    expect(wasm.config?.configuration).toEqual({
      typeUrl: 'type.googleapis.com/google.protobuf.StringValue',
      value: '{"limit": 100}',
    });
    expect(wasm.config?.vmConfig?.vmId).toBe('counter_vm');
    expect(wasm.config?.vmConfig?.runtime).toBe('envoy.wasm.runtime.v8');
    expect(wasm.config?.vmConfig?.code?.local?.filename).toBe('/etc/nuncio/counter.wasm');
  });

  it('loads JSON with lowerCamelCase names the same way', () => {
    const bootstrap = loadBootstrap(fixture('tcp-proxy.json'), { registry: testRegistry() });
    const cluster = bootstrap.staticResources?.clusters[0];
    expect(cluster?.connectTimeout).toEqual({ seconds: 1, nanos: 500_000_000 });
    expect(
      (
        bootstrap.staticResources!.listeners[0]!.filterChains[0]!.filters[0]!.typedConfig!
          .value as TcpProxy
      ).statPrefix,
    ).toBe('json');
  });

  it('decodes to plain objects that cross threads by structured clone', () => {
    const bootstrap = loadBootstrap(fixture('clusters-health.yaml'), { registry: testRegistry() });
    expect(structuredClone(bootstrap)).toEqual(bootstrap);
  });

  it('throws InvalidConfigError listing every problem', () => {
    const text =
      'static_resources:\n  clusters:\n  - name: ""\n    connect_timeout: 1s\n  - name: b\n    type: EDS\n';
    let caught: unknown;
    try {
      loadBootstrap({ text, name: 'bad.yaml' }, { registry: testRegistry() });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidConfigError);
    const error = caught as InvalidConfigError;
    expect(error.code).toBe('NUNCIO_ERR_CONFIG_INVALID');
    expect(error.problems.map((p) => p.path)).toEqual([
      'static_resources.clusters[0].name',
      'static_resources.clusters[1].type',
    ]);
    expect(error.problems.map((p) => p.code)).toEqual([
      'NUNCIO_ERR_CONFIG_CONSTRAINT',
      'NUNCIO_ERR_CONFIG_UNSUPPORTED_VALUE',
    ]);
    expect(error.message).toMatch(/^error initializing configuration 'bad\.yaml': 3:5: /);
  });

  it('accepts an empty document as an empty bootstrap', () => {
    const result = validateBootstrap({ text: '' }, { registry: testRegistry() });
    expect(result.ok).toBe(true);
    expect(result.config?.staticResources).toBeUndefined();
  });
});
