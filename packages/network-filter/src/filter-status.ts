/**
 * What a filter callback returns (Envoy's `Network::FilterStatus`): `Continue` hands the call on to
 * the next filter; `StopIteration` ends it here, until the filter calls `continueReading()` (read
 * filters) or the next event arrives.
 */
export const FilterStatus = {
  Continue: 0,
  StopIteration: 1,
} as const;

/** One of the {@link FilterStatus} values. */
export type FilterStatus = (typeof FilterStatus)[keyof typeof FilterStatus];
