import type { Duration } from '@nuncio/config';

/** A `google.protobuf.Duration` (or a hand-written `{ seconds, nanos? }`) in milliseconds. */
export type DurationInput = Pick<Duration, 'seconds'> & { readonly nanos?: number };

/** `duration` in whole milliseconds, `fallback` when it is unset. */
export function durationMs(duration: DurationInput | undefined, fallback: number): number {
  if (duration === undefined) return fallback;
  return Math.floor(Number(duration.seconds) * 1000 + (duration.nanos ?? 0) / 1e6);
}
