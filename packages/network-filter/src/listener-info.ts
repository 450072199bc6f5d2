import type { MetadataInput } from './listener-input.ts';

/** Envoy's `envoy.config.core.v3.TrafficDirection`, with its proto numbers. */
export const TrafficDirection = {
  /** Nothing was said (the default). */
  Unspecified: 0,
  /** The listener takes traffic coming into the host (a sidecar's inbound listener). */
  Inbound: 1,
  /** The listener takes traffic the host sends out. */
  Outbound: 2,
} as const;

/** One of the {@link TrafficDirection} values. */
export type TrafficDirection = (typeof TrafficDirection)[keyof typeof TrafficDirection];

/**
 * What a filter factory may know about the listener it is built for (Envoy's
 * `Network::ListenerInfo`): the listener's `traffic_direction` and `metadata`, as configured.
 * Immutable; the same object for every chain of one listener snapshot.
 */
export interface ListenerInfo {
  /** `traffic_direction` (`Unspecified` when not set). */
  readonly direction: TrafficDirection;
  /** `metadata` (empty when not set): e.g. the proxy-wasm `listener_metadata` property. */
  readonly metadata: MetadataInput;
}
