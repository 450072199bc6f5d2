/**
 * Envoy's per-host stats (`Upstream::HostStats`), kept in a small `SharedArrayBuffer` per host
 * that the main thread creates and every worker updates with atomic adds: the admin reads them
 * at once, and `LEAST_REQUEST` compares the requests active on a host across every worker, as
 * Envoy's atomics do. Values are 32-bit and wrap; they are figures for people and for load
 * balancing, not billing.
 */
export const HostStat = {
  cx_total: 0,
  cx_active: 1,
  cx_connect_fail: 2,
  rq_total: 3,
  rq_active: 4,
  rq_error: 5,
  rq_success: 6,
  rq_timeout: 7,
} as const;

/** One of the {@link HostStat} names. */
export type HostStatName = keyof typeof HostStat;

const SLOTS = 8;

/** A new, zeroed per-host stats block. */
export function createHostStatsBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(SLOTS * 4);
}

/** The counters of the block, by Envoy's short names (unsigned). */
export const HOST_COUNTERS: readonly HostStatName[] = [
  'cx_connect_fail',
  'cx_total',
  'rq_error',
  'rq_success',
  'rq_timeout',
  'rq_total',
];
/** The gauges of the block. */
export const HOST_GAUGES: readonly HostStatName[] = ['cx_active', 'rq_active'];

/** Reads every stat of a block: counters as unsigned 32-bit values, gauges as signed ones. */
export function readHostStats(buffer: SharedArrayBuffer): {
  counters: Record<string, number>;
  gauges: Record<string, number>;
} {
  const cells = new Int32Array(buffer);
  const counters: Record<string, number> = {};
  const gauges: Record<string, number> = {};
  for (const name of HOST_COUNTERS) counters[name] = Atomics.load(cells, HostStat[name]) >>> 0;
  for (const name of HOST_GAUGES) gauges[name] = Math.max(0, Atomics.load(cells, HostStat[name]));
  return { counters, gauges };
}
