import type { Metric } from './metric.ts';

/**
 * What a hot restart would do with a gauge (Envoy's `Gauge::ImportMode`), kept as metadata: the
 * first creator of a gauge decides, and every snapshot carries it.
 */
export const GaugeImportMode = {
  /** The value is summed across a hot restart (e.g. active connections). */
  Accumulate: 'Accumulate',
  /** The value is never carried over (e.g. `server.uptime`). */
  NeverImport: 'NeverImport',
} as const;

/** One of the {@link GaugeImportMode} values. */
export type GaugeImportMode = (typeof GaugeImportMode)[keyof typeof GaugeImportMode];

/** A 64-bit signed value in shared memory that any thread may raise, lower or set atomically. */
export interface Gauge extends Metric {
  readonly importMode: GaugeImportMode;
  inc(): void;
  dec(): void;
  /** Adds `amount` (an integer; fractions are truncated, NaN ignored). */
  add(amount: number): void;
  /** Subtracts `amount` (an integer; fractions are truncated, NaN ignored). */
  sub(amount: number): void;
  /** Replaces the value. */
  set(value: number): void;
  value(): number;
}
