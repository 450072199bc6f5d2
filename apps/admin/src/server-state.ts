/**
 * Envoy's `envoy.admin.v3.ServerInfo.State`: what `/ready` prints and `/server_info` reports.
 * `DRAINING` while health checks are failed (`/healthcheck/fail`), else the init manager's state.
 */
export const ServerState = {
  /** Serving traffic; `/ready` answers 200. */
  Live: 'LIVE',
  /** Health checks failed by `/healthcheck/fail` (or a drain): load balancers should stop sending. */
  Draining: 'DRAINING',
  /** The cluster manager has not started initialising. */
  PreInitializing: 'PRE_INITIALIZING',
  /** The cluster manager's initialisation callbacks are running. */
  Initializing: 'INITIALIZING',
} as const;

/** One of the {@link ServerState} values. */
export type ServerState = (typeof ServerState)[keyof typeof ServerState];

/**
 * Envoy's `CommandLineOptions` as proto3 JSON (field names in snake_case: `concurrency`,
 * `log_level`, `drain_time` as `"600s"`...). The admin fills every field you leave out with Envoy's
 * default, as Envoy prints them all.
 */
export type CommandLineOptions = Readonly<Record<string, unknown>> & {
  readonly concurrency?: number;
};

/**
 * What `/ready`, `/server_info` and `/hot_restart_version` read. Called on the main thread, once
 * per request; keep each call cheap.
 */
export interface ServerInfoProvider {
  /** The current state (see {@link ServerState}). */
  state(): ServerState;
  /** The server's version string (Envoy's `<sha>/<version>/<status>/<build>/<ssl>`). */
  version(): string;
  /** Envoy's hot restart compatibility version; `disabled` when there is no hot restart. */
  hotRestartVersion(): string;
  /** When the current epoch started, in milliseconds since the Unix epoch. */
  startTimeCurrentEpochMs(): number;
  /** When the first epoch started (the same as the current one without hot restart). */
  startTimeFirstEpochMs(): number;
  /** The options the server runs with, at least `concurrency`. */
  commandLineOptions(): CommandLineOptions;
  /** The bootstrap's `node` as proto3 JSON (`id`, `cluster`, `metadata`, ...). */
  node(): Readonly<Record<string, unknown>>;
}
