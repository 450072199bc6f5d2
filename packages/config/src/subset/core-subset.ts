import { ConfigRegistry } from './config-registry.ts';

/**
 * What Nuncio's foundation implements of Envoy's bootstrap, by message type (proto field names):
 * the node, static listeners with filter chains and `filter_chain_match`, static clusters with
 * endpoints and TCP/HTTP health checks, the admin endpoint, watchdogs and the stats flush interval.
 * Extensions (network filters, access loggers, ...) are not here: each registers itself, with the
 * fields of its own config. Everything else (layered runtime, dynamic resources, tracing, overload
 * manager, ...) is reported as unsupported when set.
 */
export const coreSubset: Readonly<Record<string, readonly string[]>> = {
  'envoy.config.bootstrap.v3.Bootstrap': [
    'node',
    'static_resources',
    'admin',
    'stats_flush_interval',
    'watchdogs',
  ],
  'envoy.config.bootstrap.v3.Bootstrap.StaticResources': ['listeners', 'clusters'],
  'envoy.config.bootstrap.v3.Admin': ['address', 'access_log'],
  'envoy.config.bootstrap.v3.Watchdogs': ['main_thread_watchdog', 'worker_watchdog'],
  'envoy.config.bootstrap.v3.Watchdog': [
    'miss_timeout',
    'megamiss_timeout',
    'kill_timeout',
    'multikill_timeout',
    'multikill_threshold',
  ],
  'envoy.type.v3.Percent': ['value'],
  'envoy.config.core.v3.Node': ['id', 'cluster', 'metadata', 'locality'],
  'envoy.config.core.v3.Locality': ['region', 'zone', 'sub_zone'],
  'envoy.config.core.v3.Metadata': ['filter_metadata'],
  'envoy.config.core.v3.Address': ['socket_address'],
  'envoy.config.core.v3.SocketAddress': ['protocol', 'address', 'port_value', 'ipv4_compat'],
  'envoy.config.core.v3.CidrRange': ['address_prefix', 'prefix_len'],
  'envoy.config.accesslog.v3.AccessLog': ['name', 'typed_config'],
  'envoy.config.listener.v3.Listener': [
    'name',
    'address',
    'stat_prefix',
    'filter_chains',
    'default_filter_chain',
    'listener_filters',
    'per_connection_buffer_limit_bytes',
    'enable_reuse_port',
    'connection_balance_config',
  ],
  // Exact balancing only: `extend_balance` (a balancer extension) is reported as unsupported.
  'envoy.config.listener.v3.Listener.ConnectionBalanceConfig': ['exact_balance'],
  'envoy.config.listener.v3.FilterChain': ['filter_chain_match', 'filters', 'name'],
  'envoy.config.listener.v3.FilterChainMatch': [
    'destination_port',
    'prefix_ranges',
    'direct_source_prefix_ranges',
    'source_type',
    'source_prefix_ranges',
    'source_ports',
    'server_names',
    'transport_protocol',
    'application_protocols',
  ],
  'envoy.config.listener.v3.Filter': ['name', 'typed_config'],
  'envoy.config.listener.v3.ListenerFilter': ['name', 'typed_config'],
  'envoy.config.cluster.v3.Cluster': [
    'name',
    'type',
    'connect_timeout',
    'lb_policy',
    'load_assignment',
    'health_checks',
    'per_connection_buffer_limit_bytes',
  ],
  'envoy.config.endpoint.v3.ClusterLoadAssignment': ['cluster_name', 'endpoints'],
  'envoy.config.endpoint.v3.LocalityLbEndpoints': ['locality', 'lb_endpoints'],
  'envoy.config.endpoint.v3.LbEndpoint': ['endpoint', 'load_balancing_weight'],
  'envoy.config.endpoint.v3.Endpoint': ['address'],
  'envoy.config.core.v3.HealthCheck': [
    'timeout',
    'interval',
    'unhealthy_threshold',
    'healthy_threshold',
    'reuse_connection',
    'no_traffic_interval',
    'unhealthy_interval',
    'healthy_edge_interval',
    'unhealthy_edge_interval',
    'tcp_health_check',
    'http_health_check',
  ],
  'envoy.config.core.v3.HealthCheck.TcpHealthCheck': ['send', 'receive'],
  'envoy.config.core.v3.HealthCheck.Payload': ['text', 'binary'],
  'envoy.config.core.v3.HealthCheck.HttpHealthCheck': ['host', 'path'],
};

/** Enum values the foundation implements, for enums where Envoy has more. */
export const coreEnumValues: Readonly<Record<string, readonly string[]>> = {
  'envoy.config.cluster.v3.Cluster.DiscoveryType': ['STATIC'],
  'envoy.config.cluster.v3.Cluster.LbPolicy': ['ROUND_ROBIN', 'RANDOM', 'LEAST_REQUEST'],
  'envoy.config.core.v3.SocketAddress.Protocol': ['TCP'],
};

/**
 * A new registry holding the core subset (or nothing, with `{ core: false }`). Packages add their
 * fields and extensions to it.
 */
export function createConfigRegistry(options: { core?: boolean } = {}): ConfigRegistry {
  const registry = new ConfigRegistry();
  if (options.core !== false) {
    for (const [type, fields] of Object.entries(coreSubset)) {
      registry.registerSupportedFields(type, fields);
    }
    for (const [type, values] of Object.entries(coreEnumValues)) {
      registry.registerSupportedEnumValues(type, values);
    }
  }
  return registry;
}

let shared: ConfigRegistry | undefined;

/**
 * The process-wide registry that `loadBootstrap` uses when given none: the core subset plus what
 * packages registered into it. Created on first use.
 */
export function defaultRegistry(): ConfigRegistry {
  shared ??= createConfigRegistry();
  return shared;
}
