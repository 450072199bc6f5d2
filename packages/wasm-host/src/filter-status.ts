// What the stream callbacks of a plugin tell the filter that drives them, with Envoy's numbers
// (the values the ABI's callbacks return, after Envoy's conversions).

/** A network filter's answer (`onNewConnection`, `onDownstreamData`, `onUpstreamData`). */
export const FilterStatus = {
  Continue: 0,
  StopIteration: 1,
} as const;
/** One of the {@link FilterStatus} values. */
export type FilterStatus = (typeof FilterStatus)[keyof typeof FilterStatus];

/** An HTTP filter's answer to headers (Envoy's `FilterHeadersStatus`). */
export const FilterHeadersStatus = {
  Continue: 0,
  StopIteration: 1,
  ContinueAndEndStream: 2,
  StopAllIterationAndBuffer: 3,
  StopAllIterationAndWatermark: 4,
} as const;
/** One of the {@link FilterHeadersStatus} values. */
export type FilterHeadersStatus = (typeof FilterHeadersStatus)[keyof typeof FilterHeadersStatus];

/** An HTTP filter's answer to a body chunk (Envoy's `FilterDataStatus`). */
export const FilterDataStatus = {
  Continue: 0,
  StopIterationAndBuffer: 1,
  StopIterationAndWatermark: 2,
  StopIterationNoBuffer: 3,
} as const;
/** One of the {@link FilterDataStatus} values. */
export type FilterDataStatus = (typeof FilterDataStatus)[keyof typeof FilterDataStatus];

/** An HTTP filter's answer to trailers (Envoy's `FilterTrailersStatus`). */
export const FilterTrailersStatus = {
  Continue: 0,
  StopIteration: 1,
} as const;
/** One of the {@link FilterTrailersStatus} values. */
export type FilterTrailersStatus = (typeof FilterTrailersStatus)[keyof typeof FilterTrailersStatus];
