/**
 * Envoy's L4 network filter framework for Node.js: connections over `net.Socket` with half-close,
 * watermarks and Envoy's close types; read and write filter chains over one shared buffer per
 * direction; per-worker listeners bound with `reusePort`, listener filters (the TLS inspector) and
 * filter-chain selection by `filter_chain_match`; the main thread's listener manager; and the
 * echo filter.
 * @packageDocumentation
 */

export {
  builtinExtensions,
  listenerSupportedFields,
  registerNetworkExtensions,
} from './builtin-extensions.ts';
export { type ClientConnectionOptions, createClientConnection } from './client-connection-impl.ts';
export type {
  ClientConnection,
  Connection,
  ConnectionBufferStats,
  ConnectionStats,
} from './connection.ts';
export type { ConnectionBalancer } from './connection-balancer.ts';
export { ExactConnectionBalancer } from './connection-balancer-impl.ts';
export type { ConnectionCallbacks } from './connection-callbacks.ts';
export { ConnectionCloseType } from './connection-close-type.ts';
export { ConnectionEvent, connectionEventName } from './connection-event.ts';
export type {
  ActiveListenerInfo,
  ConnectionHandler,
  ListenerOptions,
  ListenerSnapshot,
  ListenerSnapshotEntry,
} from './connection-handler.ts';
export {
  type ConnectionHandlerOptions,
  createConnectionHandler,
  DEFAULT_DRAIN_TIMEOUT_MS,
} from './connection-handler-impl.ts';
export type { ConnectionInfoProvider, ConnectionSocket } from './connection-info.ts';
export { ConnectionLimit } from './connection-limit.ts';
export { ConnectionState, ReadDisableStatus } from './connection-state.ts';
export {
  connectionCloseChannel,
  connectionNewChannel,
  listenerRejectChannel,
} from './diagnostics.ts';
export {
  DispatcherSocketHandOff,
  REBALANCED_SOCKET_HANDLER,
  type RebalancedSocketHandlers,
  registerRebalancedSocketHandler,
} from './dispatcher-socket-hand-off.ts';
export { type DrainManager, DrainStrategy } from './drain-manager.ts';
export { createDrainManager, type DrainManagerOptions } from './drain-manager-impl.ts';
export {
  ListenerConfigError,
  NetworkError,
  NetworkErrorCode,
} from './errors.ts';
export {
  ECHO_FILTER_NAME,
  echoExtension,
  echoFilterConfigFactory,
} from './extensions/echo/echo-config.ts';
export { EchoFilter } from './extensions/echo/echo-filter.ts';
export {
  type ClientHelloResult,
  ClientHelloStatus,
  parseClientHello,
} from './extensions/tls-inspector/client-hello.ts';
export {
  MAX_CLIENT_HELLO_SIZE,
  TlsInspectorFilter,
  TlsInspectorStats,
} from './extensions/tls-inspector/tls-inspector.ts';
export {
  TLS_INSPECTOR_NAME,
  tlsInspectorConfigFactory,
  tlsInspectorExtension,
} from './extensions/tls-inspector/tls-inspector-config.ts';
export type {
  Filter,
  ReadFilter,
  ReadFilterCallbacks,
  WriteFilter,
  WriteFilterCallbacks,
} from './filter.ts';
export type { FilterChainManager } from './filter-chain-manager.ts';
export {
  buildFilterChainManager,
  type FilterChainManagerOptions,
  filterChainMatchJson,
} from './filter-chain-manager-impl.ts';
export type {
  DrainDecision,
  FactoryContext,
  ListenerFilterConfigFactory,
  ListenerFilterFactoryCb,
  NetworkFilterConfigFactory,
  NetworkFilterFactoryCb,
} from './filter-factory.ts';
export type { FilterManager } from './filter-manager.ts';
export { FilterStatus } from './filter-status.ts';
export type { ListenerConfig, NetworkFilterChain } from './listener-config.ts';
export {
  DEFAULT_BUFFER_LIMIT_BYTES,
  DEFAULT_LISTENER_FILTERS_TIMEOUT_MS,
  type ExtensionResolver,
  LISTENER_FILTER_CATEGORY,
  NETWORK_FILTER_CATEGORY,
} from './listener-config-impl.ts';
export type {
  ListenerFilter,
  ListenerFilterBuffer,
  ListenerFilterCallbacks,
  ListenerFilterManager,
} from './listener-filter.ts';
export { type ListenerInfo, TrafficDirection } from './listener-info.ts';
export type {
  AddressInput,
  CidrRangeInput,
  ConnectionBalanceConfigInput,
  DurationInput,
  FilterChainInput,
  FilterChainMatchInput,
  ListenerFilterInput,
  ListenerInput,
  MetadataInput,
  NetworkFilterInput,
  TypedConfigInput,
} from './listener-input.ts';
export type {
  ListenerManager,
  ListenerSummary,
  ListenerUpdateResult,
  ListenerWorkerSummary,
} from './listener-manager.ts';
export { createListenerManager, type ListenerManagerOptions } from './listener-manager-impl.ts';
export { createServerConnection, type ServerConnectionOptions } from './server-connection.ts';
export { formatSocketAddress, type SocketAddress } from './socket-address.ts';
export type { RebalancedSocket, SocketHandOff } from './socket-hand-off.ts';
export {
  joinSocketHandOffMesh,
  SocketHandOffMesh,
  SocketHandOffMeshHandler,
  type SocketHandOffMeshMember,
} from './socket-hand-off-mesh.ts';
export type { ConnectionStreamInfo } from './stream-info.ts';
