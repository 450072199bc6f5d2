/**
 * Envoy's response flags as bits of {@link StreamInfo.responseFlags}, in Envoy's order (which is
 * also the order `%RESPONSE_FLAGS%` prints them in, comma-separated).
 */
export const ResponseFlag = {
  FailedLocalHealthCheck: 1 << 0,
  NoHealthyUpstream: 1 << 1,
  UpstreamRequestTimeout: 1 << 2,
  LocalReset: 1 << 3,
  UpstreamRemoteReset: 1 << 4,
  UpstreamConnectionFailure: 1 << 5,
  UpstreamConnectionTermination: 1 << 6,
  UpstreamOverflow: 1 << 7,
  NoRouteFound: 1 << 8,
  DelayInjected: 1 << 9,
  FaultInjected: 1 << 10,
  RateLimited: 1 << 11,
  UnauthorizedExternalService: 1 << 12,
  RateLimitServiceError: 1 << 13,
  DownstreamConnectionTermination: 1 << 14,
  UpstreamRetryLimitExceeded: 1 << 15,
  StreamIdleTimeout: 1 << 16,
  InvalidEnvoyRequestHeaders: 1 << 17,
  DownstreamProtocolError: 1 << 18,
  UpstreamMaxStreamDurationReached: 1 << 19,
  ResponseFromCacheFilter: 1 << 20,
  NoFilterConfigFound: 1 << 21,
  DurationTimeout: 1 << 22,
  UpstreamProtocolError: 1 << 23,
  NoClusterFound: 1 << 24,
  OverloadManager: 1 << 25,
  DnsResolutionFailed: 1 << 26,
  DropOverload: 1 << 27,
} as const;

/** One of {@link ResponseFlag}'s bits. */
export type ResponseFlag = (typeof ResponseFlag)[keyof typeof ResponseFlag];

// Short and long names by bit index, in the order above (Envoy's strings).
const SHORT_NAMES = [
  'LH',
  'UH',
  'UT',
  'LR',
  'UR',
  'UF',
  'UC',
  'UO',
  'NR',
  'DI',
  'FI',
  'RL',
  'UAEX',
  'RLSE',
  'DC',
  'URX',
  'SI',
  'IH',
  'DPE',
  'UMSDR',
  'RFCF',
  'NFCF',
  'DT',
  'UPE',
  'NC',
  'OM',
  'DF',
  'DO',
] as const;

const LONG_NAMES = [
  'FailedLocalHealthCheck',
  'NoHealthyUpstream',
  'UpstreamRequestTimeout',
  'LocalReset',
  'UpstreamRemoteReset',
  'UpstreamConnectionFailure',
  'UpstreamConnectionTermination',
  'UpstreamOverflow',
  'NoRouteFound',
  'DelayInjected',
  'FaultInjected',
  'RateLimited',
  'UnauthorizedExternalService',
  'RateLimitServiceError',
  'DownstreamConnectionTermination',
  'UpstreamRetryLimitExceeded',
  'StreamIdleTimeout',
  'InvalidEnvoyRequestHeaders',
  'DownstreamProtocolError',
  'UpstreamMaxStreamDurationReached',
  'ResponseFromCacheFilter',
  'NoFilterConfigFound',
  'DurationTimeout',
  'UpstreamProtocolError',
  'NoClusterFound',
  'OverloadManagerTerminated',
  'DnsResolutionFailed',
  'DropOverload',
] as const;

function join(flags: number, names: readonly string[]): string {
  if (flags === 0) return '-';
  let out = '';
  for (let i = 0; i < names.length; i++) {
    if ((flags & (1 << i)) !== 0) out = out === '' ? (names[i] as string) : `${out},${names[i]}`;
  }
  return out === '' ? '-' : out;
}

/** `%RESPONSE_FLAGS%`: the set flags' short names joined by commas, or `-` when none is set. */
export function responseFlagsToShortString(flags: number): string {
  return join(flags, SHORT_NAMES);
}

/** `%RESPONSE_FLAGS_LONG%`: the set flags' long names joined by commas, or `-` when none is set. */
export function responseFlagsToLongString(flags: number): string {
  return join(flags, LONG_NAMES);
}
