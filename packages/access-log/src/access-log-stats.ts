/** A counter the manager reports into; @nuncio/stats counters have this shape. */
export interface AccessLogCounter {
  inc(): void;
  add(amount: number): void;
}

/** A gauge the manager reports into; @nuncio/stats gauges have this shape. */
export interface AccessLogGauge {
  set(value: number): void;
}

/**
 * Envoy roots its file access-log statistics at `filesystem.` (its `ACCESS_LOG_FILE_STATS`).
 * Register the counters under this prefix to get Envoy's names, e.g. `filesystem.write_buffered`.
 */
export const ACCESS_LOG_FILE_STATS_PREFIX = 'filesystem.';

/**
 * Counter and gauge names (without the prefix). Envoy's six, plus `write_dropped`, which is
 * Nuncio's: Envoy's buffer has no limit, Nuncio's rings do.
 */
export const ACCESS_LOG_FILE_STAT_NAMES = [
  'flushed_by_timer',
  'reopen_failed',
  'write_buffered',
  'write_completed',
  'write_failed',
  'write_dropped',
  'write_total_buffered',
] as const;

/** One of {@link ACCESS_LOG_FILE_STAT_NAMES}. */
export type AccessLogFileStatName = (typeof ACCESS_LOG_FILE_STAT_NAMES)[number];

/**
 * The access-log file statistics at one moment, summed over every file and thread:
 *
 * - `write_buffered`: lines handed over into a thread's ring (Envoy: writes into the flush buffer).
 * - `write_completed`: successful writes by the flush thread (one write holds many lines).
 * - `write_failed`: failed writes (e.g. a full disk; their lines are lost) plus dropped lines.
 * - `write_dropped`: lines refused because their thread's ring was full (or the line was larger
 *   than a ring can hold, or the manager was closed); they are also in `write_failed`.
 * - `flushed_by_timer`: flushes that wrote data because the flush interval ran out (rather than
 *   because a ring passed the size trigger or a flush was asked for).
 * - `reopen_failed`: reopens (`reopen()`) that could not open a file again.
 * - `write_total_buffered` (gauge): bytes handed over and not yet written.
 */
export type AccessLogFileStats = Record<AccessLogFileStatName, number>;

/**
 * Where the manager reports its statistics: any subset of the names, each a counter (the gauge
 * `write_total_buffered` a gauge). Missing names report nowhere.
 */
export interface AccessLogFileStatsSinks {
  readonly flushed_by_timer?: AccessLogCounter;
  readonly reopen_failed?: AccessLogCounter;
  readonly write_buffered?: AccessLogCounter;
  readonly write_completed?: AccessLogCounter;
  readonly write_failed?: AccessLogCounter;
  readonly write_dropped?: AccessLogCounter;
  readonly write_total_buffered?: AccessLogGauge;
}

/** A counter that counts nothing: the default for every name. */
export const noopCounter: AccessLogCounter = {
  inc() {},
  add() {},
};

/** A gauge that records nothing. */
export const noopGauge: AccessLogGauge = {
  set() {},
};
