import type { JsonObject } from '@nuncio/config';

/**
 * The listener configuration this package reads: Envoy's `envoy.config.listener.v3.Listener` with
 * only the fields Nuncio implements, all optional but the name. A `Listener` decoded by
 * `@nuncio/config` (JSON names, durations as `{ seconds, nanos }`) is one as it is; so is the
 * same object written by hand.
 */

/** A `google.protobuf.Duration`. */
export interface DurationInput {
  readonly seconds: number;
  readonly nanos?: number;
}

/** `envoy.config.core.v3.CidrRange`. An unset `prefixLen` is 0, as in Envoy. */
export interface CidrRangeInput {
  readonly addressPrefix: string;
  readonly prefixLen?: number;
}

/**
 * `envoy.config.core.v3.Metadata` as `@nuncio/config` decodes it: `filter_metadata`, a
 * `google.protobuf.Struct` (a JSON object) per filter name.
 */
export interface MetadataInput {
  readonly filterMetadata?: Readonly<Record<string, JsonObject>>;
}

/** A `google.protobuf.Any` as `@nuncio/config` decodes it. */
export interface TypedConfigInput {
  readonly typeUrl: string;
  readonly value: unknown;
}

/** `envoy.config.listener.v3.FilterChainMatch`. */
export interface FilterChainMatchInput {
  readonly destinationPort?: number;
  readonly prefixRanges?: readonly CidrRangeInput[];
  /** Not implemented by Envoy either: a non-empty value is rejected. */
  readonly addressSuffix?: string;
  /** Not implemented by Envoy either: a set value is rejected. */
  readonly suffixLen?: number;
  readonly directSourcePrefixRanges?: readonly CidrRangeInput[];
  readonly sourceType?: 'ANY' | 'SAME_IP_OR_LOOPBACK' | 'EXTERNAL';
  readonly sourcePrefixRanges?: readonly CidrRangeInput[];
  readonly sourcePorts?: readonly number[];
  readonly serverNames?: readonly string[];
  readonly transportProtocol?: string;
  readonly applicationProtocols?: readonly string[];
}

/** `envoy.config.listener.v3.Filter`: a network filter of a chain. */
export interface NetworkFilterInput {
  readonly name: string;
  readonly typedConfig?: TypedConfigInput;
}

/** `envoy.config.listener.v3.FilterChain`. */
export interface FilterChainInput {
  readonly name?: string;
  readonly filterChainMatch?: FilterChainMatchInput;
  readonly filters?: readonly NetworkFilterInput[];
}

/** `envoy.config.listener.v3.ListenerFilter`. */
export interface ListenerFilterInput {
  readonly name: string;
  readonly typedConfig?: TypedConfigInput;
}

/** `envoy.config.core.v3.Address` with a socket address (the only kind Nuncio listens on). */
export interface AddressInput {
  readonly socketAddress?: {
    readonly address: string;
    readonly portValue?: number;
    readonly protocol?: string;
  };
}

/**
 * `envoy.config.listener.v3.Listener.ConnectionBalanceConfig`: a oneof of which Nuncio
 * implements `exact_balance` (an empty message); `extend_balance` is refused.
 */
export interface ConnectionBalanceConfigInput {
  readonly exactBalance?: Readonly<Record<string, never>>;
  readonly extendBalance?: unknown;
}

/** `envoy.config.listener.v3.Listener`, the fields Nuncio implements. */
export interface ListenerInput {
  readonly name: string;
  readonly address?: AddressInput;
  /** Names the stats scope `listener.<stat_prefix>.` instead of `listener.<address>.`. */
  readonly statPrefix?: string;
  readonly filterChains?: readonly FilterChainInput[];
  /** Used when no chain matches; without it such a connection is closed. */
  readonly defaultFilterChain?: FilterChainInput;
  readonly listenerFilters?: readonly ListenerFilterInput[];
  /** Default 15 s; 0 turns the timeout off. */
  readonly listenerFiltersTimeout?: DurationInput;
  /** On the timeout, choose a chain with what is known instead of closing (default false). */
  readonly continueOnListenerFiltersTimeout?: boolean;
  /** Default 1 MiB (Envoy's default). */
  readonly perConnectionBufferLimitBytes?: number;
  /** Each worker binds its own socket with `SO_REUSEPORT` (default true, as Envoy). */
  readonly enableReusePort?: boolean;
  /**
   * With `exactBalance`, each accepted connection goes to the worker with the fewest of this
   * listener's connections (the workers need the `connectionBalanceCounters` of
   * `ListenerOptions`); without it, the kernel spreads connections over the workers' sockets.
   */
  readonly connectionBalanceConfig?: ConnectionBalanceConfigInput;
  /** `traffic_direction`, told to filters through `FactoryContext.listenerInfo` (default unspecified). */
  readonly trafficDirection?: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';
  /** `metadata`, told to filters through `FactoryContext.listenerInfo`. */
  readonly metadata?: MetadataInput;
}
