/** The outcome of one health check. */
export const ProbeResult = {
  Success: 0,
  /** The host could not be reached, or closed or reset the connection (threshold applies). */
  NetworkFailure: 1,
  /** The host answered wrongly: an HTTP status other than 200 (fails the host at once). */
  ActiveFailure: 2,
  /** No answer within the timeout (a network failure that also sets `active_hc_timeout`). */
  Timeout: 3,
} as const;
/** One of the {@link ProbeResult} values. */
export type ProbeResult = (typeof ProbeResult)[keyof typeof ProbeResult];

/** Who hears a probe's results. */
export interface ProbeObserver {
  onProbeResult(result: ProbeResult): void;
}

/** One kind of check (TCP or HTTP) against one host. */
export interface Probe {
  /** Starts a check of `address:port`; the result goes to the observer once. */
  check(address: string, port: number): void;
  /** Abandons the check under way (the session reports the timeout itself). */
  abort(): void;
  /** Closes whatever the probe keeps open between checks. */
  close(): void;
}
