// The supported subset and extension registry: data that packages extend, checked against the API.
import { describe, expect, it } from 'vitest';
import {
  type ConfigRegistry,
  coreSubset,
  createConfigRegistry,
  DuplicateExtensionError,
  UnknownSchemaNameError,
  validateBootstrap,
} from '../src/index.ts';
import { fixture, testRegistry } from './helpers.ts';

const TCP_PROXY_URL = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

describe('ConfigRegistry', () => {
  it('holds the core subset by default and nothing with { core: false }', () => {
    const registry = createConfigRegistry();
    expect(registry.isFieldSupported('envoy.config.listener.v3.Listener', 'filter_chains')).toBe(
      true,
    );
    expect(
      registry.isFieldSupported('envoy.config.bootstrap.v3.Bootstrap', 'layered_runtime'),
    ).toBe(false);
    expect(
      registry.isEnumValueSupported('envoy.config.cluster.v3.Cluster.LbPolicy', 'MAGLEV'),
    ).toBe(false);
    expect(Object.keys(coreSubset)).toContain('envoy.config.cluster.v3.Cluster');
    const empty = createConfigRegistry({ core: false });
    expect(empty.isFieldSupported('envoy.config.listener.v3.Listener', 'name')).toBe(false);
    // With nothing registered, every set field of a bootstrap is reported.
    const result = validateBootstrap(fixture('tcp-proxy.yaml'), { registry: empty });
    expect(result.problems.map((p) => p.path)).toEqual(['static_resources', 'admin']);
  });

  it('makes a field supported the moment a package registers it', () => {
    const registry = testRegistry();
    const yaml = 'static_resources:\n  clusters:\n  - name: c\n    respect_dns_ttl: true\n';
    expect(validateBootstrap({ text: yaml }, { registry }).problems[0]?.code).toBe(
      'NUNCIO_ERR_CONFIG_UNSUPPORTED_FIELD',
    );
    registry.registerSupportedFields('envoy.config.cluster.v3.Cluster', ['respect_dns_ttl']);
    expect(validateBootstrap({ text: yaml }, { registry }).ok).toBe(true);
  });

  it('finds extensions by type URL first (any host part), then by name', () => {
    const registry = testRegistry();
    expect(registry.extensionByTypeUrl(TCP_PROXY_URL)?.name).toBe(
      'envoy.filters.network.tcp_proxy',
    );
    expect(
      registry.extensionByTypeUrl(
        'example.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
      )?.name,
    ).toBe('envoy.filters.network.tcp_proxy');
    // Envoy ignores the name when the typed config names a registered type.
    expect(
      registry.resolveExtension({
        name: 'anything',
        typedConfig: { typeUrl: TCP_PROXY_URL, value: {} },
      })?.name,
    ).toBe('envoy.filters.network.tcp_proxy');
    expect(registry.resolveExtension({ name: 'envoy.filters.network.wasm' })?.category).toBe(
      'envoy.filters.network',
    );
    expect(registry.resolveExtension({ name: 'envoy.filters.network.nope' })).toBeUndefined();
    expect(registry.extensionNames()).toEqual([
      'envoy.filters.listener.tls_inspector',
      'envoy.filters.network.tcp_proxy',
      'envoy.filters.network.wasm',
    ]);
  });

  it('refuses a name or type URL registered twice', () => {
    const registry = testRegistry();
    expect(() =>
      registry.registerExtension({ name: 'envoy.filters.network.tcp_proxy', typeUrls: [] }),
    ).toThrow(DuplicateExtensionError);
    try {
      registry.registerExtension({ name: 'other', typeUrls: [TCP_PROXY_URL] });
    } catch (error) {
      expect((error as DuplicateExtensionError).code).toBe('NUNCIO_ERR_CONFIG_DUPLICATE_EXTENSION');
      expect((error as Error).message).toBe(
        `type URL ${TCP_PROXY_URL} is already registered by extension envoy.filters.network.tcp_proxy`,
      );
    }
    expect(registry.extensionByName('other')).toBeUndefined();
  });

  it("checks registered names against Envoy's API when a config is checked", () => {
    const cases: [(r: ConfigRegistry) => void, string][] = [
      [
        (r) => r.registerSupportedFields('envoy.config.listener.v3.Listenr', ['name']),
        'supported fields name an unknown message type envoy.config.listener.v3.Listenr',
      ],
      [
        (r) => r.registerSupportedFields('envoy.config.listener.v3.Listener', ['nmae']),
        'supported fields name an unknown field envoy.config.listener.v3.Listener.nmae',
      ],
      [
        (r) =>
          r.registerSupportedEnumValues('envoy.config.cluster.v3.Cluster.LbPolicy', ['FASTEST']),
        'supported values name an unknown value envoy.config.cluster.v3.Cluster.LbPolicy.FASTEST',
      ],
      [
        (r) => r.registerExtension({ name: 'x', typeUrls: ['type.googleapis.com/no.such.Type'] }),
        'extension type URL type.googleapis.com/no.such.Type names an unknown message type',
      ],
    ];
    for (const [register, message] of cases) {
      const registry = createConfigRegistry();
      register(registry);
      let caught: unknown;
      try {
        validateBootstrap({ text: '{}' }, { registry });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UnknownSchemaNameError);
      expect((caught as Error).message).toBe(message);
    }
  });

  it('clones independently', () => {
    const registry = testRegistry();
    const copy = registry.clone();
    copy.registerSupportedFields('envoy.config.cluster.v3.Cluster', ['respect_dns_ttl']);
    expect(copy.isFieldSupported('envoy.config.cluster.v3.Cluster', 'respect_dns_ttl')).toBe(true);
    expect(registry.isFieldSupported('envoy.config.cluster.v3.Cluster', 'respect_dns_ttl')).toBe(
      false,
    );
    expect(copy.extensionNames()).toEqual(registry.extensionNames());
  });
});
