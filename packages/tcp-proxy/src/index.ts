/**
 * Envoy's TCP proxy network filter (`envoy.filters.network.tcp_proxy`) for Nuncio: each
 * downstream connection is proxied to a host of an upstream cluster from `@nuncio/upstream`, with
 * weighted clusters, source-IP hashing, connect retries, an idle timeout, watermark flow control
 * both ways, half-close, Envoy's `tcp.<stat_prefix>.*` stats and access logs.
 * @packageDocumentation
 */

export {
  ACCESS_LOG_RESOLVER_SINGLETON,
  type AccessLogResolver,
  type AccessLogSpecTable,
  accessLogKey,
  createAccessLogResolver,
  prepareAccessLogs,
} from './access-log-resolver.ts';
export { TcpProxyError, TcpProxyErrorCode } from './errors.ts';
export { tcpProxyAccessLogConfigs } from './tcp-proxy-access-logs.ts';
export {
  accessLogConfigOf,
  DEFAULT_IDLE_TIMEOUT_MS,
  parseTcpProxyConfig,
  type TcpProxyConfig,
  type WeightedClusterEntry,
} from './tcp-proxy-config.ts';
export {
  TCP_PROXY_FILTER_NAME,
  TCP_PROXY_TYPE_NAME,
  tcpProxyConfigFactory,
  tcpProxyExtension,
  tcpProxySupportedFields,
} from './tcp-proxy-extension.ts';
export {
  IDLE_TIMEOUT_DETAILS,
  TcpProxyFilter,
  type TcpProxySharedConfig,
} from './tcp-proxy-filter.ts';
export type { AccessLogEntryInput, TcpProxyInput } from './tcp-proxy-input.ts';
export { TcpProxyStats } from './tcp-proxy-stats.ts';
