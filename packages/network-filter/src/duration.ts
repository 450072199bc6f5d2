import type { DurationInput } from './listener-input.ts';

/** A `google.protobuf.Duration` in whole milliseconds, or `fallback` when unset. */
export function durationMs(duration: DurationInput | undefined, fallback: number): number {
  if (duration === undefined) return fallback;
  return Math.floor(duration.seconds * 1000 + (duration.nanos ?? 0) / 1e6);
}
