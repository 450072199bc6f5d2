/**
 * Envoy's logger ids (`ALL_LOGGER_IDS` in Envoy's `source/common/common/logger.h`), in Envoy's
 * order, which is also the order `/logging` lists them in. A component's index in this list is its
 * level word's position in shared memory, so the list is append-only within a major version.
 */
export const componentIds = [
  'admin',
  'alternate_protocols_cache',
  'aws',
  'assert',
  'backtrace',
  'basic_auth',
  'cache_filter',
  'client',
  'config',
  'connection',
  'conn_handler',
  'decompression',
  'dns',
  'dubbo',
  'envoy_bug',
  'ext_authz',
  'ext_proc',
  'rocketmq',
  'file',
  'filter',
  'forward_proxy',
  'geolocation',
  'grpc',
  'happy_eyeballs',
  'hc',
  'health_checker',
  'http',
  'http2',
  'hystrix',
  'init',
  'io',
  'jwt',
  'kafka',
  'key_value_store',
  'lua',
  'main',
  'matcher',
  'misc',
  'mongo',
  'multi_connection',
  'oauth2',
  'quic',
  'quic_stream',
  'pool',
  'rate_limit_quota',
  'rbac',
  'rds',
  'redis',
  'router',
  'runtime',
  'stats',
  'secret',
  'tap',
  'testing',
  'thrift',
  'tracing',
  'upstream',
  'udp',
  'wasm',
  'websocket',
  'golang',
] as const;

/** One of Envoy's logger ids, e.g. `'upstream'`, `'connection'`, `'admin'`. */
export type ComponentId = (typeof componentIds)[number];

const indexById: ReadonlyMap<string, number> = new Map(componentIds.map((id, i) => [id, i]));

/** The position of `component` in {@link componentIds}, or -1 when it is not a component. */
export function componentIndex(component: unknown): number {
  return typeof component === 'string' ? (indexById.get(component) ?? -1) : -1;
}

/** True when `value` is one of Envoy's logger ids. */
export function isComponentId(value: unknown): value is ComponentId {
  return componentIndex(value) !== -1;
}
