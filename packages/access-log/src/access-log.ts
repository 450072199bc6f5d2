import type { AccessLogSinkSpec, FormatSpec } from './access-log-config.ts';
import type { StreamInfo } from './stream-info.ts';

/**
 * A configured access log, ready to be bound to a thread's writer: the file it writes to and its
 * format. Plain data: the manager returns it on the main thread, workers receive it by
 * postMessage and call {@link AccessLogWriter.createAccessLog}.
 */
export interface AccessLogSpec {
  /** The id of the file (or standard stream) in the manager that created the spec. */
  readonly fileId: number;
  readonly sink: AccessLogSinkSpec;
  readonly format: FormatSpec;
}

/**
 * One access log on one thread (Envoy's `AccessLog::Instance`): formats a {@link StreamInfo} and
 * hands the line to the flush thread. Call it when a connection or request ends.
 */
export interface AccessLog {
  /**
   * Formats and hands over one line. Never blocks and never throws: returns false when the line
   * was dropped (the thread's ring was full, or the manager is closed), which is counted.
   */
  log(info: StreamInfo): boolean;
}
