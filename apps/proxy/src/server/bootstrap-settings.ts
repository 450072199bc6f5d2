import type { Bootstrap, Duration, Watchdog } from '@nuncio/config';
import type { GuardDogOptions, WatchdogConfig } from '@nuncio/dispatcher';

/** A decoded duration in milliseconds (fractions of a millisecond kept). */
export function durationMs(duration: Duration): number {
  return duration.seconds * 1000 + duration.nanos / 1e6;
}

/** The bootstrap's `stats_flush_interval` in milliseconds (Envoy's default, 5 s, when unset). */
export function statsFlushIntervalMs(bootstrap: Bootstrap): number {
  const interval = bootstrap.statsFlushInterval;
  return interval === undefined ? 5000 : Math.max(1, durationMs(interval));
}

/**
 * The guard dog's options from the bootstrap's `watchdogs`: Envoy always runs both guards, with
 * its defaults (miss 200 ms, mega-miss 1 s, no kill) for what the config leaves out.
 */
export function guardDogOptions(bootstrap: Bootstrap): GuardDogOptions {
  const watchdogs = bootstrap.watchdogs;
  return {
    mainThreadWatchdog: watchdogConfig(watchdogs?.mainThreadWatchdog),
    workerWatchdog: watchdogConfig(watchdogs?.workerWatchdog),
  };
}

function watchdogConfig(watchdog: Watchdog | undefined): WatchdogConfig {
  if (watchdog === undefined) return {};
  const config: WatchdogConfig = {};
  if (watchdog.missTimeout !== undefined) config.missTimeout = durationMs(watchdog.missTimeout);
  if (watchdog.megamissTimeout !== undefined) {
    config.megamissTimeout = durationMs(watchdog.megamissTimeout);
  }
  if (watchdog.killTimeout !== undefined) config.killTimeout = durationMs(watchdog.killTimeout);
  if (watchdog.multikillTimeout !== undefined) {
    config.multikillTimeout = durationMs(watchdog.multikillTimeout);
  }
  if (watchdog.multikillThreshold !== undefined) {
    config.multikillThreshold = watchdog.multikillThreshold.value;
  }
  return config;
}
