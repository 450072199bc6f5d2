/** Current wall-clock time in nanoseconds since the Unix epoch (microsecond precision). */
export function realtimeNanos(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}
