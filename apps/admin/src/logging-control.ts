/** Envoy's log level names (spdlog's), lowest first, as `/logging` takes and prints them. */
export const LOG_LEVELS = [
  'trace',
  'debug',
  'info',
  'warning',
  'error',
  'critical',
  'off',
] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One logger and its level, as `/logging` lists it. */
export interface LoggerLevel {
  /** The logger's name, Envoy's component (`admin`, `config`, `upstream`...). */
  readonly component: string;
  readonly level: LogLevel;
}

/**
 * Run-time control of the levels of Envoy's component loggers, on every thread. `@nuncio/log`'s
 * `LogRegistry` is one as it is (its levels live in shared memory, so a change reaches every
 * worker at its next log call); any object with these methods works. Called on the main thread.
 */
export interface LoggingControl {
  /** Every logger with its current level, in the order `/logging` lists them. */
  levels(): readonly LoggerLevel[];
  /** Sets every logger to `level` (`/logging?level=`). */
  setLevel(level: LogLevel): void;
  /** Sets one logger's level. The admin checks that every named logger exists first. */
  setComponentLevel(component: string, level: LogLevel): void;
}
