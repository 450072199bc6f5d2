/** Every code a {@link StatsError} can carry; match on the code, not the class. */
export const StatsErrorCode = {
  /** A `StatsStore.create` option is out of range or of the wrong type. */
  InvalidOption: 'NUNCIO_ERR_STATS_INVALID_OPTION',
  /** A `stats_config` field (stats matcher, tag specifier) is malformed; the message names its path. */
  InvalidConfig: 'NUNCIO_ERR_STATS_INVALID_CONFIG',
  /** `StatsStore.open` was given something that is not a descriptor of this package's layout. */
  InvalidDescriptor: 'NUNCIO_ERR_STATS_INVALID_DESCRIPTOR',
  /** A main-thread-only operation (merging histograms, resetting counters) ran on a worker's store. */
  NotMainThread: 'NUNCIO_ERR_STATS_NOT_MAIN_THREAD',
  /** A stats sink's configuration is malformed, or names a sink that is not registered. */
  InvalidSink: 'NUNCIO_ERR_STATS_INVALID_SINK',
  /** A render option (the `filter` regex, the `type`) is malformed. */
  InvalidRenderOption: 'NUNCIO_ERR_STATS_INVALID_RENDER_OPTION',
} as const;

/** One of the {@link StatsErrorCode} values. */
export type StatsErrorCode = (typeof StatsErrorCode)[keyof typeof StatsErrorCode];

/**
 * The one error class of `@nuncio/stats`. Only configuration and set-up code throws it; the data
 * path (increments, records, stat creation) never throws.
 */
export class StatsError extends Error {
  /** Stable code, see {@link StatsErrorCode}. */
  readonly code: StatsErrorCode;

  constructor(code: StatsErrorCode, message: string) {
    super(message);
    this.name = 'StatsError';
    this.code = code;
  }
}

/** A `StatsStore.create` option named `option` is wrong for the reason given. */
export function invalidOptionError(option: string, reason: string): StatsError {
  return new StatsError(StatsErrorCode.InvalidOption, `stats store option ${option}: ${reason}`);
}

/** The configuration field at `path` (e.g. `stats_matcher.inclusion_list.patterns[0]`) is wrong. */
export function invalidConfigError(path: string, reason: string): StatsError {
  return new StatsError(StatsErrorCode.InvalidConfig, `${path}: ${reason}`);
}

/** `StatsStore.open` got something it cannot open. */
export function invalidDescriptorError(reason: string): StatsError {
  return new StatsError(StatsErrorCode.InvalidDescriptor, `stats store descriptor: ${reason}`);
}

/** `operation` may only run on the store that `StatsStore.create` returned on the main thread. */
export function notMainThreadError(operation: string): StatsError {
  return new StatsError(
    StatsErrorCode.NotMainThread,
    `${operation} runs only on the main thread's store (the one StatsStore.create returned)`,
  );
}

/** A sink configuration at `path` is wrong. */
export function invalidSinkError(path: string, reason: string): StatsError {
  return new StatsError(StatsErrorCode.InvalidSink, `${path}: ${reason}`);
}

/** A render option is wrong. */
export function invalidRenderOptionError(option: string, reason: string): StatsError {
  return new StatsError(
    StatsErrorCode.InvalidRenderOption,
    `stats render option ${option}: ${reason}`,
  );
}
