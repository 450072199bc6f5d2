import type { FilterChainManager } from './filter-chain-manager.ts';
import type { ListenerFilterFactoryCb, NetworkFilterFactoryCb } from './filter-factory.ts';
import type { SocketAddress } from './socket-address.ts';

/** A filter chain as built on a worker (Envoy's `Network::FilterChain`). */
export interface NetworkFilterChain {
  /** The chain's `name` (`''` when unnamed). */
  readonly name: string;
  /** The chain's name, or `filter_chains[<i>]` / `default_filter_chain`, for messages. */
  readonly label: string;
  /** One callback per network filter, in config order, called for each new connection. */
  readonly networkFilterFactories: readonly NetworkFilterFactoryCb[];
}

/**
 * A listener's configuration resolved and checked (Envoy's `ListenerConfig`): defaults applied,
 * the match tree built, extension factories looked up and, on a worker, built.
 */
export interface ListenerConfig {
  readonly name: string;
  /** The configured address (port 0 when the OS is to choose). */
  readonly address: SocketAddress;
  /** `address` as Envoy prints it: `127.0.0.1:10000`, `[::1]:10000`. */
  readonly addressString: string;
  /** The stats scope name: `listener.<stat_prefix>` or `listener.<address>`. */
  readonly statPrefix: string;
  readonly perConnectionBufferLimitBytes: number;
  /** 0 when listener filters may take for ever. */
  readonly listenerFiltersTimeoutMs: number;
  readonly continueOnListenerFiltersTimeout: boolean;
  readonly enableReusePort: boolean;
  /** `connection_balance_config.exact_balance` is set. */
  readonly exactBalance: boolean;
  readonly filterChainManager: FilterChainManager<NetworkFilterChain>;
  /** One callback per listener filter, in config order (empty on the main thread). */
  readonly listenerFilterFactories: readonly ListenerFilterFactoryCb[];
  /** The listener filters' names, in order. */
  readonly listenerFilterNames: readonly string[];
}
