import { invalidOptionError } from './errors.ts';
import type { MetricSnapshot } from './metric-snapshot.ts';
import type { StatsSink } from './stats-sink.ts';
import type { StatsLogger, StatsStore } from './stats-store.ts';

/** Options of {@link StatsFlusher}. */
export interface StatsFlusherOptions {
  /** The bootstrap's `stats_flush_interval`, in milliseconds (default 5000, as Envoy). */
  readonly flushIntervalMs?: number;
  readonly sinks?: readonly StatsSink[];
  /** Where a failing sink is reported (default `console.warn`). */
  readonly logger?: StatsLogger;
}

const DEFAULT_LOGGER: StatsLogger = {
  warn: (message) => console.warn(`[@nuncio/stats] ${message}`),
};

/**
 * Envoy's stats flush, on the main thread: every `flushIntervalMs` it merges the histograms of
 * every thread, takes a {@link MetricSnapshot} (counter deltas since the previous flush and
 * totals, gauges, histograms) and hands it to each sink. Its timer never keeps the process alive.
 */
export class StatsFlusher {
  /** The interval in milliseconds. */
  readonly flushIntervalMs: number;
  private readonly store: StatsStore;
  private readonly sinks: StatsSink[];
  private readonly logger: StatsLogger;
  private timer: NodeJS.Timeout | null;
  private flushes: number;

  constructor(store: StatsStore, options: StatsFlusherOptions = {}) {
    const interval = options.flushIntervalMs ?? 5000;
    if (typeof interval !== 'number' || !(interval >= 1) || !Number.isFinite(interval)) {
      throw invalidOptionError(
        'flushIntervalMs',
        `must be a number of milliseconds >= 1 (got ${interval})`,
      );
    }
    this.flushIntervalMs = interval;
    this.store = store;
    this.sinks = [...(options.sinks ?? [])];
    this.logger = options.logger ?? DEFAULT_LOGGER;
    this.timer = null;
    this.flushes = 0;
  }

  /** Flushes completed so far. */
  get flushCount(): number {
    return this.flushes;
  }

  /** Adds a sink; it receives the next flush. */
  addSink(sink: StatsSink): void {
    this.sinks.push(sink);
  }

  /** Starts flushing every interval (idempotent). */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer (a flush in progress completes). */
  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Flushes now: merge, snapshot, every sink. Resolves with the snapshot once every sink's
   * returned promise settled; a sink's failure is logged and never rejects this.
   */
  async flush(): Promise<MetricSnapshot> {
    this.store.mergeHistograms();
    const snapshot = this.store.createMetricSnapshot();
    const pending: Promise<void>[] = [];
    for (const sink of this.sinks) {
      try {
        const result = sink.flush(snapshot);
        if (result !== undefined) pending.push(result.catch((error) => this.report(error)));
      } catch (error) {
        this.report(error);
      }
    }
    await Promise.all(pending);
    this.flushes++;
    return snapshot;
  }

  /** Stops the timer and closes every sink. */
  async close(): Promise<void> {
    this.stop();
    await Promise.all(
      this.sinks.map(async (sink) => {
        try {
          await sink.close?.();
        } catch (error) {
          this.report(error);
        }
      }),
    );
  }

  private report(error: unknown): void {
    this.logger.warn(
      `stats sink failed to flush: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
