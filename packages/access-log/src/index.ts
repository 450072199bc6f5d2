/**
 * Envoy's access logs for Node.js: `envoy.access_loggers.file`, `.stdout` and `.stderr` with
 * Envoy's command-operator formats (text and JSON). Threads hand formatted lines into rings in
 * shared memory without blocking; one named flush thread (`AccessLogFlush`) writes them out, on a
 * size trigger or a flush interval, and reopens the files for log rotation.
 * @packageDocumentation
 */

export type { AccessLog, AccessLogSpec } from './access-log.ts';
export {
  type AccessLogConfig,
  type AccessLogDefinition,
  AccessLoggerName,
  AccessLoggerTypeUrl,
  type AccessLogSinkSpec,
  createFormatter,
  type DataSourceConfig,
  DEFAULT_ACCESS_LOG_FORMAT,
  type FileAccessLogConfig,
  type FormatSpec,
  parseAccessLogConfig,
  parseLogFormat,
  type StreamAccessLogConfig,
  type SubstitutionFormatStringConfig,
} from './access-log-config.ts';
export type { AccessLogFileRef, AccessLogManager } from './access-log-manager.ts';
export {
  AccessLogManagerImpl,
  type AccessLogManagerOptions,
  createAccessLogManager,
  FLUSH_THREAD_NAME,
} from './access-log-manager-impl.ts';
export {
  ACCESS_LOG_FILE_STAT_NAMES,
  ACCESS_LOG_FILE_STATS_PREFIX,
  type AccessLogCounter,
  type AccessLogFileStatName,
  type AccessLogFileStats,
  type AccessLogFileStatsSinks,
  type AccessLogGauge,
  noopCounter,
  noopGauge,
} from './access-log-stats.ts';
export { AccessLogWriter } from './access-log-writer.ts';
export { supportedCommandOperators } from './command-operators.ts';
export { DEFAULT_START_TIME_FORMAT } from './date-formatter.ts';
export { AccessLogConfigError, AccessLogError, AccessLogErrorCode } from './errors.ts';
export type { Formatter, FormatterProvider } from './formatter.ts';
export type { JsonFormatTemplate } from './json-formatter-impl.ts';
export {
  ResponseFlag,
  responseFlagsToLongString,
  responseFlagsToShortString,
} from './response-flags.ts';
export type { HeaderLookup, SocketAddress, StreamInfo } from './stream-info.ts';
export type { AccessLogThreadHandle } from './thread-handle.ts';
