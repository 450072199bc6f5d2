import type { AccessLogSpec } from './access-log.ts';
import type { AccessLogFileStats } from './access-log-stats.ts';
import type { AccessLogWriter } from './access-log-writer.ts';
import type { AccessLogThreadHandle } from './thread-handle.ts';

/** A file (or standard stream) known to a manager. */
export interface AccessLogFileRef {
  /** The id writers pass to {@link AccessLogWriter.write}. */
  readonly fileId: number;
  /** The resolved path, or null for stdout and stderr. */
  readonly path: string | null;
}

/**
 * Envoy's `AccessLogManager`, on the main thread: owns the access-log files and the one flush
 * thread that writes them. Threads never touch the files: each gets a ring
 * ({@link AccessLogManager.registerThread}) and hands lines into it without blocking. Every method
 * is for the main thread (the thread that created the manager).
 */
export interface AccessLogManager {
  /** The flush thread's name as the OS shows it (`/proc/<pid>/task/<tid>/comm`). */
  readonly flushThreadName: string;
  /** The flush thread's Node `threadId`. */
  readonly flushThreadId: number;

  /**
   * Opens `path` for appending (creating it) and returns its id; the same path twice gives the
   * same file, as in Envoy. Throws `NUNCIO_ERR_ACCESS_LOG_OPEN_FAILED` when it cannot be opened,
   * so a bad path fails at config time.
   */
  createAccessLogFile(path: string): AccessLogFileRef;

  /**
   * Checks one Envoy `access_log` entry (`envoy.access_loggers.file`, `.stdout` or `.stderr`), as
   * proto3 JSON or as decoded by `@nuncio/config`'s `loadBootstrap`, opens its file, and returns a spec to post to the threads that will log. Throws an
   * access-log config error naming the offending path (prefixed with `where`).
   */
  createAccessLog(config: unknown, where?: string): AccessLogSpec;

  /**
   * Allocates a ring for one thread and returns its handle, to post to that thread. Lines handed
   * into it are written by the flush thread.
   */
  registerThread(): AccessLogThreadHandle;

  /** A writer for the calling (main) thread, on a ring of its own. */
  createWriter(): AccessLogWriter;

  /**
   * Writes out what is left in a thread's ring and retires the ring (later lines on it are
   * dropped). Call it after the thread has stopped logging.
   */
  releaseThread(handle: AccessLogThreadHandle): Promise<void>;

  /** Resolves when every line handed over before the call has been written to its file. */
  flush(): Promise<void>;

  /**
   * Reopens every access-log file by its path (log rotation: Envoy does it on SIGUSR1 and on the
   * admin's `/reopen_logs`). Lines handed over before the call go to the old file, later ones to
   * the new file; resolves once the files are reopened. A file that cannot be reopened counts
   * `reopen_failed` and keeps its old descriptor.
   */
  reopen(): Promise<void>;

  /**
   * Clean shutdown: writes every line handed over before the call, closes the files and ends the
   * flush thread; resolves when all of that is done. Lines handed over afterwards are dropped.
   * Stop the threads' logging first: a line handed over while close runs may be lost uncounted.
   */
  close(): Promise<void>;

  /** The statistics now, summed over every file and thread (readable after close too). */
  stats(): AccessLogFileStats;

  /** Pushes the change since the last call into the configured counters and gauge. */
  syncStats(): void;
}
