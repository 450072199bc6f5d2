import type { AccessLog } from '@nuncio/access-log';
import type { ExtensionRegistration } from '@nuncio/config';
import type {
  FactoryContext,
  FilterManager,
  NetworkFilterConfigFactory,
  NetworkFilterFactoryCb,
} from '@nuncio/network-filter';
import { CLUSTER_MANAGER_SINGLETON, type ThreadLocalClusterManager } from '@nuncio/upstream';
import { ACCESS_LOG_RESOLVER_SINGLETON, type AccessLogResolver } from './access-log-resolver.ts';
import { missingSingleton } from './errors.ts';
import { parseTcpProxyConfig } from './tcp-proxy-config.ts';
import { TcpProxyFilter, type TcpProxySharedConfig } from './tcp-proxy-filter.ts';
import type { TcpProxyInput } from './tcp-proxy-input.ts';
import { TcpProxyStats } from './tcp-proxy-stats.ts';

/** The TCP proxy's Envoy name. */
export const TCP_PROXY_FILTER_NAME = 'envoy.filters.network.tcp_proxy';
/** The TCP proxy's config type. */
export const TCP_PROXY_TYPE_NAME = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

/**
 * Fields of the TCP proxy's messages Nuncio implements (proto names by message type), merged into a
 * `ConfigRegistry` when {@link tcpProxyExtension} is registered.
 */
export const tcpProxySupportedFields: Readonly<Record<string, readonly string[]>> = Object.freeze({
  [TCP_PROXY_TYPE_NAME]: [
    'stat_prefix',
    'cluster',
    'weighted_clusters',
    'idle_timeout',
    'max_connect_attempts',
    'access_log',
    'hash_policy',
  ],
  [`${TCP_PROXY_TYPE_NAME}.WeightedCluster`]: ['clusters'],
  [`${TCP_PROXY_TYPE_NAME}.WeightedCluster.ClusterWeight`]: ['name', 'weight'],
  'envoy.type.v3.HashPolicy': ['source_ip'],
  'envoy.type.v3.HashPolicy.SourceIp': [],
});

/** Makes one filter per connection over the shared config: the per-connection callback. */
class TcpProxyFilterFactory {
  private readonly shared: TcpProxySharedConfig;

  constructor(shared: TcpProxySharedConfig) {
    this.shared = shared;
  }

  readonly create: NetworkFilterFactoryCb = (filterManager: FilterManager) => {
    filterManager.addReadFilter(new TcpProxyFilter(this.shared));
  };
}

/**
 * The TCP proxy's factory. On each worker it checks the config, finds the worker's cluster
 * manager (singleton {@link CLUSTER_MANAGER_SINGLETON}) and, for `access_log`, the access-log
 * resolver (singleton {@link ACCESS_LOG_RESOLVER_SINGLETON}), and creates the `tcp.<prefix>.`
 * stats once; each connection then gets a filter over that shared state.
 */
export const tcpProxyConfigFactory: NetworkFilterConfigFactory<TcpProxyInput> = {
  isTerminalFilter: true,
  validateConfig(config) {
    parseTcpProxyConfig(config);
  },
  createFilterFactoryFromProto(input: TcpProxyInput | undefined, context: FactoryContext) {
    const config = parseTcpProxyConfig(input);
    const clusterManager =
      context.getSingleton<ThreadLocalClusterManager>(CLUSTER_MANAGER_SINGLETON);
    if (clusterManager === undefined) {
      throw missingSingleton(CLUSTER_MANAGER_SINGLETON, 'every TCP proxy');
    }
    let accessLogs: AccessLog[] = [];
    if (config.accessLog.length > 0) {
      const resolver = context.getSingleton<AccessLogResolver>(ACCESS_LOG_RESOLVER_SINGLETON);
      if (resolver === undefined)
        throw missingSingleton(ACCESS_LOG_RESOLVER_SINGLETON, 'access_log');
      accessLogs = config.accessLog.map((entry, i) => resolver.resolve(entry, `access_log[${i}]`));
    }
    const shared: TcpProxySharedConfig = {
      config,
      stats: new TcpProxyStats(context.scope, config.statPrefix),
      clusterManager,
      accessLogs,
    };
    return new TcpProxyFilterFactory(shared).create;
  },
};

/**
 * The TCP proxy's registration for a `ConfigRegistry` (category `envoy.filters.network`), with its
 * supported fields. Register it next to `@nuncio/network-filter`'s `builtinExtensions`.
 */
export const tcpProxyExtension: ExtensionRegistration<NetworkFilterConfigFactory> = {
  name: TCP_PROXY_FILTER_NAME,
  typeUrls: [`type.googleapis.com/${TCP_PROXY_TYPE_NAME}`],
  category: 'envoy.filters.network',
  factory: tcpProxyConfigFactory as NetworkFilterConfigFactory,
  supportedFields: tcpProxySupportedFields,
};
