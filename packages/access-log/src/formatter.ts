import type { StreamInfo } from './stream-info.ts';

/**
 * Turns a {@link StreamInfo} into one access-log line (Envoy's `Formatter`). Built once at config
 * time from a format string or a JSON template; `format` is called on the data path and does not
 * throw.
 */
export interface Formatter {
  /** The formatted line, including the newline when the format has one (JSON lines always do). */
  format(info: StreamInfo): string;
}

/**
 * One compiled command operator (Envoy's `FormatterProvider`): the value it extracts from a
 * {@link StreamInfo}, as text and as a typed value for JSON.
 */
export interface FormatterProvider {
  /** The value as text, or null when it is unset (printed as `-`). */
  format(info: StreamInfo): string | null;
  /**
   * The value for JSON output: a number where Envoy renders a number (byte counts, durations,
   * response code, connection id, ports), otherwise a string; null when unset.
   */
  formatValue(info: StreamInfo): string | number | null;
}
