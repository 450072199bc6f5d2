/**
 * Envoy's host health flags (`Upstream::Host::HealthFlag`) that Nuncio sets, as bits of a host's
 * `healthFlags`. A host is healthy when none of the failing flags is set.
 */
export const HealthFlag = {
  /** The active health checker found the host unhealthy (or has not checked it yet). */
  FailedActiveHc: 1 << 0,
  /** The host has not been health checked yet. */
  PendingActiveHc: 1 << 1,
  /** The last health check of the host timed out. */
  ActiveHcTimeout: 1 << 2,
} as const;

/** One of the {@link HealthFlag} bits. */
export type HealthFlag = (typeof HealthFlag)[keyof typeof HealthFlag];

/** The flags that take a host out of load balancing. */
export const UNHEALTHY_FLAGS: number = HealthFlag.FailedActiveHc;

/** Envoy's `/clusters` names of the set flags, in Envoy's order. */
export function healthFlagNames(
  flags: number,
): ('failed_active_hc' | 'pending_active_hc' | 'active_hc_timeout')[] {
  const names: ('failed_active_hc' | 'pending_active_hc' | 'active_hc_timeout')[] = [];
  if (flags & HealthFlag.FailedActiveHc) names.push('failed_active_hc');
  if (flags & HealthFlag.PendingActiveHc) names.push('pending_active_hc');
  if (flags & HealthFlag.ActiveHcTimeout) names.push('active_hc_timeout');
  return names;
}
