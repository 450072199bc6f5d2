import { fileURLToPath } from 'node:url';
import { type ConfigRegistry, createConfigRegistry } from '../src/index.ts';

/** Path of a fixture file. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** What the test extensions register as their factory: tells which extension built a config. */
export interface TestFactory {
  build(config: unknown): string;
}

function factory(name: string): TestFactory {
  return {
    build: (config) =>
      `${name}:${JSON.stringify(config, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}`,
  };
}

/**
 * The core subset plus the extensions the fixtures use, registered the way their packages will:
 * name, type URL, a factory, and the fields of their configs that they implement.
 */
export function testRegistry(): ConfigRegistry {
  const registry = createConfigRegistry();
  registry.registerExtension({
    name: 'envoy.filters.network.tcp_proxy',
    typeUrls: ['type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy'],
    category: 'envoy.filters.network',
    factory: factory('tcp_proxy'),
    supportedFields: {
      'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy': [
        'stat_prefix',
        'cluster',
        'idle_timeout',
      ],
    },
  });
  registry.registerExtension({
    name: 'envoy.filters.network.wasm',
    typeUrls: ['type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm'],
    category: 'envoy.filters.network',
    factory: factory('wasm'),
    supportedFields: {
      'envoy.extensions.filters.network.wasm.v3.Wasm': ['config'],
      'envoy.extensions.wasm.v3.PluginConfig': [
        'name',
        'root_id',
        'vm_config',
        'configuration',
        'fail_open',
      ],
      'envoy.extensions.wasm.v3.VmConfig': ['vm_id', 'runtime', 'code', 'configuration'],
      'envoy.config.core.v3.AsyncDataSource': ['local'],
      'envoy.config.core.v3.DataSource': ['filename', 'inline_bytes', 'inline_string'],
    },
  });
  registry.registerExtension({
    name: 'envoy.filters.listener.tls_inspector',
    typeUrls: [
      'type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector',
    ],
    category: 'envoy.filters.listener',
    factory: factory('tls_inspector'),
  });
  return registry;
}
