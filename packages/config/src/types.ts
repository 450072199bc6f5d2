import type { EnvoyEnums, EnvoyMessages } from './generated/envoy-types.ts';

/** The decoded type of the Envoy message called `N` (e.g. `'envoy.config.listener.v3.Listener'`). */
export type EnvoyMessage<N extends keyof EnvoyMessages> = EnvoyMessages[N];

/** The value names of the Envoy enum called `N`. */
export type EnvoyEnum<N extends keyof EnvoyEnums> = EnvoyEnums[N];

/** `envoy.config.bootstrap.v3.Bootstrap`, decoded. */
export type Bootstrap = EnvoyMessages['envoy.config.bootstrap.v3.Bootstrap'];
/** `envoy.config.bootstrap.v3.Admin`, decoded. */
export type Admin = EnvoyMessages['envoy.config.bootstrap.v3.Admin'];
/** `envoy.config.bootstrap.v3.Watchdogs`, decoded. */
export type Watchdogs = EnvoyMessages['envoy.config.bootstrap.v3.Watchdogs'];
/** `envoy.config.bootstrap.v3.Watchdog`, decoded. */
export type Watchdog = EnvoyMessages['envoy.config.bootstrap.v3.Watchdog'];
/** `envoy.config.metrics.v3.StatsConfig`, decoded. */
export type StatsConfig = EnvoyMessages['envoy.config.metrics.v3.StatsConfig'];
/** `envoy.config.listener.v3.Listener`, decoded. */
export type Listener = EnvoyMessages['envoy.config.listener.v3.Listener'];
/** `envoy.config.listener.v3.FilterChain`, decoded. */
export type FilterChain = EnvoyMessages['envoy.config.listener.v3.FilterChain'];
/** `envoy.config.listener.v3.FilterChainMatch`, decoded. */
export type FilterChainMatch = EnvoyMessages['envoy.config.listener.v3.FilterChainMatch'];
/** `envoy.config.listener.v3.Filter` (a network filter of a chain), decoded. */
export type NetworkFilter = EnvoyMessages['envoy.config.listener.v3.Filter'];
/** `envoy.config.listener.v3.ListenerFilter`, decoded. */
export type ListenerFilter = EnvoyMessages['envoy.config.listener.v3.ListenerFilter'];
/** `envoy.config.cluster.v3.Cluster`, decoded. */
export type Cluster = EnvoyMessages['envoy.config.cluster.v3.Cluster'];
/** `envoy.config.endpoint.v3.ClusterLoadAssignment`, decoded. */
export type ClusterLoadAssignment = EnvoyMessages['envoy.config.endpoint.v3.ClusterLoadAssignment'];
/** `envoy.config.core.v3.HealthCheck`, decoded. */
export type HealthCheck = EnvoyMessages['envoy.config.core.v3.HealthCheck'];
/** `envoy.config.core.v3.Address`, decoded. */
export type Address = EnvoyMessages['envoy.config.core.v3.Address'];
/** `envoy.config.accesslog.v3.AccessLog`, decoded. */
export type AccessLog = EnvoyMessages['envoy.config.accesslog.v3.AccessLog'];
/** `envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`, decoded. */
export type TcpProxy = EnvoyMessages['envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy'];
/** `envoy.extensions.filters.network.wasm.v3.Wasm` (the Wasm network filter), decoded. */
export type WasmNetworkFilter = EnvoyMessages['envoy.extensions.filters.network.wasm.v3.Wasm'];
/** `envoy.extensions.wasm.v3.PluginConfig`, decoded. */
export type WasmPluginConfig = EnvoyMessages['envoy.extensions.wasm.v3.PluginConfig'];
/** `envoy.admin.v3.ConfigDump`, decoded. */
export type ConfigDump = EnvoyMessages['envoy.admin.v3.ConfigDump'];
