/**
 * Envoy's admin interface for Nuncio, on Fastify: Envoy's endpoints with Envoy's paths, methods,
 * parameters and output formats (`/stats`, `/stats/prometheus`, `/clusters`, `/listeners`,
 * `/config_dump`, `/logging`, `/ready`, `/server_info`, `/memory`, the POST-only commands...) plus
 * `/threads`, each reading the server through a small provider interface. Start it as its own
 * server (`createAdminServer`) or mount it on your Fastify instance (`adminRoutes`).
 * @packageDocumentation
 */

export { accessLogsFromConfig } from './admin-access-logs-from-config.ts';
export {
  type AdminListenAddress,
  adminListenAddress,
  DEFAULT_ADMIN_ADDRESS,
  DEFAULT_ADMIN_PORT,
  isLoopback,
} from './admin-address.ts';
export type { AdminEndpoint, AdminParam } from './admin-endpoint.ts';
export type { AdminLogger, AdminProviders, AdminRoutesOptions } from './admin-providers.ts';
export { type AdminResponse, ContentType } from './admin-response.ts';
export { adminRoutes, consoleAdminLogger, registerAdminRoutes } from './admin-routes.ts';
export { type AdminServer, type AdminServerOptions, createAdminServer } from './admin-server.ts';
export type { AdminStatsSource } from './admin-stats.ts';
export { bootstrapConfigDump } from './bootstrap-config-dump.ts';
export {
  type CircuitBreakerLimits,
  type ClusterManagerView,
  type ClusterStatus,
  HealthFlag,
  type HostLocality,
  type HostStatus,
  type OutlierDetectorStatus,
} from './cluster-manager-view.ts';
export type { ConfigDumpDocument, ConfigDumpProvider } from './config-dump-provider.ts';
export { AdminError, AdminErrorCode } from './errors.ts';
export type { DrainListenersOptions, LifecycleControl } from './lifecycle-control.ts';
export type { ListenerManagerView, ListenerStatus } from './listener-manager-view.ts';
export {
  LOG_LEVELS,
  type LoggerLevel,
  type LoggingControl,
  type LogLevel,
} from './logging-control.ts';
export { addressAsString, type NetworkAddress } from './network-address.ts';
export { type AdminOpenApiOptions, adminOpenApiDocument } from './openapi.ts';
export {
  type CommandLineOptions,
  type ServerInfoProvider,
  ServerState,
} from './server-state.ts';
export {
  createServerInfo,
  type InitState,
  ServerInfo,
  type ServerInfoOptions,
} from './server-state-impl.ts';
export { type ThreadInfo, ThreadRole, type ThreadsProvider } from './threads-provider.ts';
export { type WorkerPoolThreadsOptions, workerPoolThreads } from './worker-pool-threads.ts';
