import type { AnyValue, Duration } from '@nuncio/config';

/** `envoy.config.accesslog.v3.AccessLog` as `@nuncio/config` decodes it. */
export interface AccessLogEntryInput {
  readonly name?: string;
  readonly typedConfig?: AnyValue | undefined;
}

/**
 * The TCP proxy's config (`envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`) with the
 * fields Nuncio implements. A `TcpProxy` decoded by `@nuncio/config` is one as it is.
 */
export interface TcpProxyInput {
  /** Stats go under `tcp.<stat_prefix>.`. Required. */
  readonly statPrefix: string;
  /** The upstream cluster (or `weighted_clusters`). */
  readonly cluster?: string;
  /** Clusters picked at random in proportion to their weights, per connection. */
  readonly weightedClusters?: {
    readonly clusters: readonly { readonly name: string; readonly weight: number }[];
  };
  /** Close both sides when nothing flowed for this long (default 1 h; 0 turns it off). */
  readonly idleTimeout?: Pick<Duration, 'seconds'> & { readonly nanos?: number };
  /** Connection attempts before giving up (default 1). */
  readonly maxConnectAttempts?: number;
  readonly accessLog?: readonly AccessLogEntryInput[];
  /** At most one policy; `source_ip` only. */
  readonly hashPolicy?: readonly { readonly sourceIp?: object; readonly filterState?: object }[];
}
