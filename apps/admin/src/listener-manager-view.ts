import type { NetworkAddress } from './network-address.ts';

/** One listener as `/listeners` shows it. */
export interface ListenerStatus {
  readonly name: string;
  /** The addresses it listens on; the first is its `address`, the rest `additional_addresses`. */
  readonly localAddresses: readonly NetworkAddress[];
}

/**
 * The listener manager as the admin reads it: Envoy's `ListenerManager::listeners()` reduced to
 * names and bound addresses. Implemented by the listener manager on the main thread (the L4 data
 * path); called on the main thread, once per request.
 */
export interface ListenerManagerView {
  /** The active listeners, in the order to print them. */
  listeners(): readonly ListenerStatus[];
}
