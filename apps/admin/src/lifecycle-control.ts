/** What `/drain_listeners` asks for. */
export interface DrainListenersOptions {
  /** `?graceful`: enter the drain period (keep accepting, ask connections to close) first. */
  readonly graceful: boolean;
  /** `?inboundonly`: only listeners whose `traffic_direction` is `INBOUND`. */
  readonly inboundOnly: boolean;
  /** `?skip_exit`: do not stop the listeners at the end of the drain. */
  readonly skipExit: boolean;
}

/**
 * The server's operations behind the admin's mutating endpoints. Every method is optional: an
 * endpoint whose method is absent is not served. Called on the main thread; the admin answers
 * `OK` without waiting for a returned promise (Envoy starts a drain and answers at once), and logs
 * a rejection.
 */
export interface LifecycleControl {
  /** `/healthcheck/fail` (true) and `/healthcheck/ok` (false): Envoy's `failHealthcheck`. */
  failHealthcheck?(fail: boolean): void;
  /** `/drain_listeners`. */
  drainListeners?(options: DrainListenersOptions): void | Promise<void>;
  /** `/quitquitquit`: called once the `OK` answer has been sent. */
  shutdown?(): void | Promise<void>;
  /** `/reopen_logs`: reopen the access log files (after log rotation). */
  reopenLogs?(): void | Promise<void>;
}
