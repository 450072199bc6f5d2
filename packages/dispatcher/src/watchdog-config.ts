import { watchdogInvalidConfigError } from './errors.ts';

/**
 * One guard's settings: Envoy's `config.bootstrap.v3.Watchdog` fields in camelCase, durations in
 * milliseconds. Unset fields take Envoy's defaults.
 */
export interface WatchdogConfig {
  /** A thread not seen making progress for this long counts one `watchdog_miss` (default 200). */
  missTimeout?: number;
  /** ... and for this long, one `watchdog_mega_miss` (default 1000). */
  megamissTimeout?: number;
  /** End the process when one thread is stuck for this long; 0 turns it off (default 0). */
  killTimeout?: number;
  /**
   * End the process when enough threads (see `multikillThreshold`) are each stuck for this long;
   * 0 turns it off (default 0).
   */
  multikillTimeout?: number;
  /**
   * Percentage (0-100) of the watched threads that must be stuck past `multikillTimeout` for a
   * multikill; never fewer than two threads, as in Envoy (default 0).
   */
  multikillThreshold?: number;
}

/** Envoy's bootstrap `watchdogs` field: one guard for the main thread, one for the workers. */
export interface WatchdogsConfig {
  /** Settings of the `dog:main_thread` guard. */
  mainThreadWatchdog?: WatchdogConfig;
  /** Settings of the `dog:workers_guard` guard. */
  workerWatchdog?: WatchdogConfig;
}

/** A {@link WatchdogConfig} with every field set. */
export type ResolvedWatchdogConfig = Required<WatchdogConfig>;

/** Envoy's defaults. */
export const defaultWatchdogConfig: ResolvedWatchdogConfig = Object.freeze({
  missTimeout: 200,
  megamissTimeout: 1000,
  killTimeout: 0,
  multikillTimeout: 0,
  multikillThreshold: 0,
});

const MAX_MS = 2_147_483_647;

/** Fills in defaults and checks every field; errors name the field by `path`. */
export function resolveWatchdogConfig(
  config: WatchdogConfig | undefined,
  path: string,
): ResolvedWatchdogConfig {
  const resolved = { ...defaultWatchdogConfig, ...dropUndefined(config ?? {}) };
  for (const field of ['missTimeout', 'megamissTimeout'] as const) {
    const value = resolved[field];
    if (!(typeof value === 'number' && value > 0 && value <= MAX_MS)) {
      throw watchdogInvalidConfigError(
        `${path}.${field}`,
        value,
        `a number of ms from 1 to ${MAX_MS}`,
      );
    }
  }
  for (const field of ['killTimeout', 'multikillTimeout'] as const) {
    const value = resolved[field];
    if (!(typeof value === 'number' && value >= 0 && value <= MAX_MS)) {
      throw watchdogInvalidConfigError(
        `${path}.${field}`,
        value,
        `a number of ms from 0 (off) to ${MAX_MS}`,
      );
    }
  }
  const threshold = resolved.multikillThreshold;
  if (!(typeof threshold === 'number' && threshold >= 0 && threshold <= 100)) {
    throw watchdogInvalidConfigError(
      `${path}.multikillThreshold`,
      threshold,
      'a percentage from 0 to 100',
    );
  }
  return resolved;
}

/**
 * How often a guard looks at its threads: the smallest timeout that is on, as in Envoy's guard dog.
 * Threads touch at half this, so an idle thread is never taken for a stuck one.
 */
export function guardLoopIntervalMs(config: ResolvedWatchdogConfig): number {
  let interval = Math.min(config.missTimeout, config.megamissTimeout);
  if (config.killTimeout > 0) interval = Math.min(interval, config.killTimeout);
  if (config.multikillTimeout > 0) interval = Math.min(interval, config.multikillTimeout);
  return interval;
}

function dropUndefined(config: WatchdogConfig): WatchdogConfig {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) if (value !== undefined) out[key] = value;
  return out as WatchdogConfig;
}
