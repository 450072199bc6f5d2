import { LogLevel } from './abi-types.ts';

/**
 * Where plugin log lines (`proxy_log`, stdout and stderr through WASI `fd_write`) and the host's own
 * messages about plugins go. Levels are proxy-wasm's `LogLevel` numbers (trace 0 ... critical 5).
 * Adapt your logger (for example `@nuncio/log`'s `wasm` component logger) to this.
 */
export interface WasmLogger {
  /** Writes one message at `level`; the logger drops what its level filters out. */
  log(level: LogLevel, message: string): void;
  /** The level below which messages are dropped, as `proxy_get_log_level` reports it. */
  level(): LogLevel;
}

const NAMES = ['trace', 'debug', 'info', 'warning', 'error', 'critical'] as const;

/** A logger writing `[wasm][<level>] <message>` lines to stderr, from `minLevel` up (default info). */
export function consoleWasmLogger(minLevel: LogLevel = LogLevel.Info): WasmLogger {
  return {
    log(level, message) {
      if (level >= minLevel) process.stderr.write(`[wasm][${NAMES[level]}] ${message}\n`);
    },
    level: () => minLevel,
  };
}
