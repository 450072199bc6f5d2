import type { ComponentLogger } from '@nuncio/log';
import { LogLevel, type WasmLogger } from '@nuncio/wasm-host';

// proxy-wasm's levels (0 trace .. 5 critical) as pino's methods, and pino's numeric levels back.
const METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/**
 * Plugin logs (`proxy_log`) through a thread's `wasm` component logger, so they carry the thread
 * and follow `-l`, `--component-log-level wasm:<level>` and `/logging`.
 */
export function wasmLogger(log: ComponentLogger): WasmLogger {
  return {
    log(level, message) {
      const method = METHODS[level] ?? 'info';
      if (log.isLevelEnabled(method)) log[method](message);
    },
    level() {
      const value = log.levelVal;
      if (value <= 10) return LogLevel.Trace;
      if (value <= 20) return LogLevel.Debug;
      if (value <= 30) return LogLevel.Info;
      if (value <= 40) return LogLevel.Warn;
      if (value <= 50) return LogLevel.Error;
      return LogLevel.Critical;
    },
  };
}
