import type { ConnectionInfoProvider } from './connection-info.ts';

/**
 * Envoy's `FilterChainManager`: picks a connection's filter chain by `filter_chain_match`, from a
 * match tree built once at config time. `C` is whatever a chain was built into (the workers'
 * chains carry their filter factories; the main thread's carry only names).
 *
 * Selection walks Envoy's levels in Envoy's order, most specific value first at each level, and
 * commits to the branch it takes (no backtracking, as in Envoy): destination port (exact, then
 * any), destination IP (longest matching prefix), server name (exact, then the longest wildcard
 * `*.example.com`, then any), transport protocol (exact, then any), application protocols (the
 * client's first offered protocol that some chain names, then any), direct source IP (longest
 * prefix), source type (`SAME_IP_OR_LOOPBACK` or `EXTERNAL` when any chain asks, then `ANY`),
 * source IP (longest prefix), source port (exact, then any). When the walk finds nothing, the
 * default filter chain is used, if there is one.
 */
export interface FilterChainManager<C> {
  /** The chain for a connection with this information, the default chain, or null. */
  findFilterChain(info: ConnectionInfoProvider): C | null;
  /** The chains, in config order. */
  readonly filterChains: readonly C[];
  /** The default chain, if configured. */
  readonly defaultFilterChain: C | null;
}
