/**
 * Envoy v3 bootstrap configuration for Nuncio: YAML or JSON read through Envoy's own API protos
 * with the proto3 JSON mapping, checked against protoc-gen-validate rules and against the subset
 * of Envoy that Nuncio implements, decoded into typed plain objects; an extension registry; and
 * Envoy's `/config_dump` shape. Importing this module loads nothing: the API schema is read on
 * first use.
 * @packageDocumentation
 */

export { unpackAny } from './any.ts';
export { type ConfigDumpJson, type ConfigDumpOptions, configDump } from './dump/config-dump.ts';
export {
  ConfigError,
  DuplicateExtensionError,
  formatProblem,
  InvalidConfigError,
  type ProblemCode,
  ProblemCodes,
  ProtosUnavailableError,
  TypeMismatchError,
  UnknownSchemaNameError,
} from './errors.ts';
export type { EnvoyEnums, EnvoyMessages } from './generated/envoy-types.ts';
export {
  type ConfigSource,
  exitCode,
  formatProblems,
  type LoadOptions,
  loadBootstrap,
  type ValidationResult,
  validateBootstrap,
  validateConfig,
} from './load-bootstrap.ts';
export { formatPath, type MapKeySegment, type PathSegment, type Problem } from './problem.ts';
export { ConfigRegistry } from './subset/config-registry.ts';
export {
  coreEnumValues,
  coreSubset,
  createConfigRegistry,
  defaultRegistry,
} from './subset/core-subset.ts';
export type { ExtensionReference, ExtensionRegistration } from './subset/extension.ts';
export { typeNameOfUrl, typeUrlOf } from './type-url.ts';
export type {
  AccessLog,
  Address,
  Admin,
  Bootstrap,
  Cluster,
  ClusterLoadAssignment,
  ConfigDump,
  EnvoyEnum,
  EnvoyMessage,
  FilterChain,
  FilterChainMatch,
  HealthCheck,
  Listener,
  ListenerFilter,
  NetworkFilter,
  StatsConfig,
  TcpProxy,
  WasmNetworkFilter,
  WasmPluginConfig,
  Watchdog,
  Watchdogs,
} from './types.ts';
export type { AnyValue, Duration, JsonObject, JsonValue, Timestamp } from './wkt-types.ts';
