import type { ComponentLogger } from './component-logger.ts';
import type { ComponentId } from './components.ts';
import type { LogRegistryDescriptor } from './descriptor.ts';
import type { LogLevel, LogLevelName } from './levels.ts';

/** Options of {@link createLogRegistry}, named after Envoy's command-line flags. */
export interface LogRegistryOptions {
  /** `-l` / `--log-level`: the level of every component (default `info`, as in Envoy). */
  readonly level?: LogLevelName | (string & {});
  /**
   * `--component-log-level`: levels of single components, applied over `level`; the result of
   * `parseComponentLogLevel('upstream:debug,connection:trace')` fits here.
   */
  readonly componentLevels?: Readonly<Record<string, string>>;
  /** `--log-path`: append lines to this file (created, with its directory, if missing). Default: stderr. */
  readonly logPath?: string;
  /** This thread's name, bound as `thread` on every line (default `main_thread`). */
  readonly threadName?: string;
  /**
   * Most characters a thread keeps buffered while the destination is slower than the logging
   * (a stalled stderr pipe, a slow disk); lines beyond are dropped and counted, so a stuck reader
   * cannot grow a thread's memory without bound. Default 16 MiB.
   */
  readonly maxBufferBytes?: number;
}

/** Options of {@link openLogRegistry}. */
export interface OpenLogRegistryOptions {
  /** This thread's name as the dispatcher names it (`wrk:worker_0`), bound as `thread`. */
  readonly threadName: string;
}

/** One component's level, as `GET /logging` lists it. */
export interface ComponentLevel {
  readonly component: ComponentId;
  readonly level: LogLevel;
}

/**
 * One thread's view of the process's loggers (Envoy's `Logger::Registry`). The levels are shared
 * by every thread: a change made here, on any thread, is seen by every thread's loggers at their
 * next log call, with no message sent. The output (stderr or the log file) is this thread's own,
 * written asynchronously: `flush()` and `close()` are per thread.
 *
 * Level changes and `getLogger` may be called from any thread that has a registry; `close()` is
 * this thread's shutdown step.
 */
export interface LogRegistry {
  /** The name bound as `thread` on every line this thread writes. */
  readonly threadName: string;
  /** The log file, or null when lines go to stderr. */
  readonly logPath: string | null;

  /**
   * The logger of `component` on this thread (one per component, made on first use): a pino
   * logger with `thread` and `component` bound whose level is the component's shared level.
   * Throws `NUNCIO_ERR_LOG_UNKNOWN_COMPONENT` (listing the valid ones) for an unknown component.
   */
  getLogger(component: ComponentId): ComponentLogger;

  /** Sets every component to `level` (`-l`, `POST /logging?level=`). */
  setLevel(level: LogLevelName | (string & {})): void;

  /** Sets one component's level (`POST /logging?<component>=<level>`). */
  setComponentLevel(
    component: ComponentId | (string & {}),
    level: LogLevelName | (string & {}),
  ): void;

  /**
   * Sets several components' levels (`--component-log-level`, `POST /logging?paths=`): checks all
   * of them first, so a bad entry changes nothing.
   */
  setComponentLevels(levels: Readonly<Record<string, string>>): void;

  /** The level of one component. */
  componentLevel(component: ComponentId | (string & {})): LogLevel;

  /** Every component's level, in Envoy's order (for `GET /logging`). */
  levels(): ComponentLevel[];

  /** A number that changes whenever any level changes (cheap to poll). */
  generation(): number;

  /** What a worker passes to {@link openLogRegistry} to share these levels and destination. */
  descriptor(): LogRegistryDescriptor;

  /**
   * Reopens the log file (`/reopen_logs`, SIGUSR1 after rotation): this thread's now (resolves when
   * the new file is open), every other thread's before its next line. Nothing to do on stderr.
   */
  reopen(): Promise<void>;

  /** Resolves once every line this thread logged so far has been written out. */
  flush(): Promise<void>;

  /**
   * Writes out what this thread has buffered and closes its descriptor (stderr stays open).
   * Lines logged on this thread afterwards are dropped; other threads are not affected.
   */
  close(): Promise<void>;

  /** Lines this thread dropped (buffer full, or logged after close). */
  droppedLines(): number;
}
