import type { JsonObject } from '@nuncio/config';
import type { WasmHeaderMap } from './header-map.ts';

/**
 * A number property: a JavaScript number, or a bigint for 64-bit values beyond 2^53. Encoded for
 * the plugin as a little-endian int64 (or uint64 for `uint` attributes).
 */
export type IntegerValue = number | bigint;

/**
 * A point in time: a `Date`, milliseconds since the Unix epoch, or a bigint of nanoseconds. Encoded
 * as int64 nanoseconds since the epoch, as Envoy encodes timestamps.
 */
export type TimestampValue = Date | number | bigint;

/** A duration: milliseconds as a number, or nanoseconds as a bigint. Encoded as int64 nanoseconds. */
export type DurationValue = number | bigint;

/** A header map property: a {@link WasmHeaderMap}, pairs, or a plain object. */
export type HeadersValue =
  | WasmHeaderMap
  | readonly (readonly [string, string])[]
  | Readonly<Record<string, string>>;

/** Envoy's `Metadata` (`filter_metadata` only), e.g. as `@nuncio/config` decodes it. */
export interface MetadataInfo {
  readonly filterMetadata?: Readonly<Record<string, JsonObject>>;
}

/** Envoy's `Node`, the parts a plugin can read, e.g. the bootstrap's `node` decoded. */
export interface NodeInfo {
  readonly id?: string;
  readonly cluster?: string;
  readonly metadata?: JsonObject;
  readonly locality?: {
    readonly region?: string;
    readonly zone?: string;
    readonly subZone?: string;
  };
  readonly userAgentName?: string;
  readonly userAgentVersion?: string;
  readonly clientFeatures?: readonly string[];
}

/** `request.*` attributes (HTTP streams). */
export interface RequestAttributes {
  readonly path?: string;
  readonly urlPath?: string;
  readonly host?: string;
  readonly scheme?: string;
  readonly method?: string;
  readonly headers?: HeadersValue;
  readonly referer?: string;
  readonly useragent?: string;
  readonly time?: TimestampValue;
  readonly id?: string;
  readonly protocol?: string;
  readonly query?: string;
  readonly duration?: DurationValue;
  readonly size?: IntegerValue;
  readonly totalSize?: IntegerValue;
}

/** `response.*` attributes (HTTP streams). */
export interface ResponseAttributes {
  readonly code?: IntegerValue;
  readonly codeDetails?: string;
  readonly flags?: IntegerValue;
  readonly grpcStatus?: IntegerValue;
  readonly headers?: HeadersValue;
  readonly trailers?: HeadersValue;
  readonly size?: IntegerValue;
  readonly totalSize?: IntegerValue;
  readonly backendLatency?: DurationValue;
}

/** `source.*` and `destination.*` attributes. */
export interface PeerAttributes {
  /** `ip:port` for IP peers, as Envoy reports it. */
  readonly address?: string;
  readonly port?: IntegerValue;
}

/** TLS details shared by `connection.*` and `upstream.*`. */
export interface TlsAttributes {
  readonly tlsVersion?: string;
  readonly subjectLocalCertificate?: string;
  readonly subjectPeerCertificate?: string;
  readonly dnsSanLocalCertificate?: string;
  readonly dnsSanPeerCertificate?: string;
  readonly uriSanLocalCertificate?: string;
  readonly uriSanPeerCertificate?: string;
  readonly sha256PeerCertificateDigest?: string;
}

/** `connection.*` attributes (downstream connection). */
export interface ConnectionAttributes extends TlsAttributes {
  readonly id?: IntegerValue;
  readonly mtls?: boolean;
  readonly requestedServerName?: string;
  readonly terminationDetails?: string;
  readonly transportFailureReason?: string;
}

/** `upstream.*` attributes (upstream connection). */
export interface UpstreamAttributes extends TlsAttributes {
  readonly address?: string;
  readonly port?: IntegerValue;
  readonly localAddress?: string;
  readonly localPort?: IntegerValue;
  readonly transportFailureReason?: string;
  readonly requestAttemptCount?: IntegerValue;
}

/**
 * What a stream tells plugins about itself through `proxy_get_property`: Envoy's standard
 * attributes, each optional (an absent one reads as `NotFound`). Values are read when a plugin
 * asks, so getters work. Plugin-level attributes (`plugin_name`, `node`...) come from the plugin's
 * configuration, not from here; `listener_direction` and `listener_metadata` may come from both,
 * the stream's winning (see {@link StreamAttributes.listenerDirection}).
 */
export interface StreamAttributes {
  readonly request?: RequestAttributes;
  readonly response?: ResponseAttributes;
  readonly source?: PeerAttributes;
  readonly destination?: PeerAttributes;
  readonly connection?: ConnectionAttributes;
  readonly upstream?: UpstreamAttributes;
  /** The upstream cluster's name (`cluster_name`, `xds.cluster_name`). */
  readonly clusterName?: string;
  readonly clusterMetadata?: MetadataInfo;
  readonly routeName?: string;
  readonly routeMetadata?: MetadataInfo;
  readonly upstreamHostMetadata?: MetadataInfo;
  readonly filterChainName?: string;
  /**
   * `listener_direction`: Envoy's `TrafficDirection` number (0 unspecified, 1 inbound, 2
   * outbound) of the listener the stream arrived on, encoded as a little-endian int64. When set it
   * wins over `WasmPluginOptions.listenerDirection`: one plugin may serve several listeners (Envoy
   * gives each listener's filter config a plugin of its own, holding that listener's values).
   */
  readonly listenerDirection?: IntegerValue;
  /**
   * `listener_metadata`: the listener's `metadata`, serialized as an
   * `envoy.config.core.v3.Metadata` message (an empty one reads as empty bytes). Wins over
   * `WasmPluginOptions.listenerMetadata`.
   */
  readonly listenerMetadata?: MetadataInfo;
  /** The stream's dynamic metadata (`metadata`). */
  readonly metadata?: MetadataInfo;
}
