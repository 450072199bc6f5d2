// The bucket layout of Nuncio histograms: circllhist's log-linear bins (the library Envoy uses),
// laid out densely so that each thread's counts fit a fixed block of shared memory. A value v >= 1
// falls in the bin of its two leading decimal digits: [d.d * 10^e, (d.d + 0.1) * 10^e). That is a
// relative error under 10% of the low edge in any decade, and exact for integers below 100.

/** Decades covered: 1 up to 10^12 - 1. */
export const HISTOGRAM_DECADES = 12;

/** The zero bin plus 90 bins per decade. */
export const HISTOGRAM_BIN_COUNT = 1 + HISTOGRAM_DECADES * 90;

/** The largest value kept as is; larger values are recorded into the top bin. */
export const HISTOGRAM_MAX_VALUE = 10 ** HISTOGRAM_DECADES - 1;

/** The low edge of each bin, computed as circllhist does so quantiles match Envoy's. */
export const BIN_LOWER: Float64Array = new Float64Array(HISTOGRAM_BIN_COUNT);
/** The width of each bin (0 for the zero bin). */
export const BIN_WIDTH: Float64Array = new Float64Array(HISTOGRAM_BIN_COUNT);

for (let index = 1; index < HISTOGRAM_BIN_COUNT; index++) {
  const exponent = Math.floor((index - 1) / 90);
  const digits = 10 + ((index - 1) % 90);
  BIN_LOWER[index] = (digits / 10) * 10 ** exponent;
  BIN_WIDTH[index] = 10 ** exponent / 10;
}

/**
 * The bin of `value`, an integer in [0, HISTOGRAM_MAX_VALUE]. A short loop of comparisons, cheaper
 * than `Math.log10` on the recording path.
 */
export function binIndex(value: number): number {
  if (value < 10) return value === 0 ? 0 : 1 + (value * 10 - 10);
  let exponent = 1;
  let decade = 10;
  while (value >= decade * 10) {
    decade *= 10;
    exponent++;
  }
  const digits = Math.floor(value / (decade / 10));
  return 1 + exponent * 90 + (digits - 10);
}
