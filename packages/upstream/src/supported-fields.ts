import type { ConfigRegistry } from '@nuncio/config';

/**
 * Fields of Envoy's cluster messages this package implements beyond `@nuncio/config`'s core subset
 * (proto field names by message type).
 */
export const upstreamSupportedFields: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'envoy.config.cluster.v3.Cluster': [
    'alt_stat_name',
    'circuit_breakers',
    'dns_refresh_rate',
    'dns_lookup_family',
    'least_request_lb_config',
    'ring_hash_lb_config',
    'maglev_lb_config',
  ],
  'envoy.config.cluster.v3.CircuitBreakers': ['thresholds'],
  'envoy.config.cluster.v3.CircuitBreakers.Thresholds': [
    'priority',
    'max_connections',
    'max_pending_requests',
    'max_requests',
    'max_retries',
    'track_remaining',
  ],
  'envoy.config.cluster.v3.Cluster.LeastRequestLbConfig': ['choice_count'],
  'envoy.config.cluster.v3.Cluster.RingHashLbConfig': [
    'minimum_ring_size',
    'maximum_ring_size',
    'hash_function',
  ],
  'envoy.config.cluster.v3.Cluster.MaglevLbConfig': ['table_size'],
  'envoy.config.endpoint.v3.Endpoint': ['hostname'],
});

/** Enum values this package adds to the core subset's restrictions. */
export const upstreamEnumValues: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'envoy.config.cluster.v3.Cluster.DiscoveryType': ['STATIC', 'STRICT_DNS', 'LOGICAL_DNS'],
  'envoy.config.cluster.v3.Cluster.LbPolicy': [
    'ROUND_ROBIN',
    'LEAST_REQUEST',
    'RANDOM',
    'RING_HASH',
    'MAGLEV',
  ],
  'envoy.config.cluster.v3.Cluster.RingHashLbConfig.HashFunction': ['XX_HASH'],
});

/**
 * Registers {@link upstreamSupportedFields} and {@link upstreamEnumValues} with `registry` (a
 * static call by the assembler, never an import side effect), and returns it.
 */
export function registerUpstreamConfig(registry: ConfigRegistry): ConfigRegistry {
  for (const [type, fields] of Object.entries(upstreamSupportedFields)) {
    registry.registerSupportedFields(type, fields);
  }
  for (const [type, values] of Object.entries(upstreamEnumValues)) {
    registry.registerSupportedEnumValues(type, values);
  }
  return registry;
}
