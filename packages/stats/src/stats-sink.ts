import type { MetricSnapshot } from './metric-snapshot.ts';

/**
 * Where a flush sends its snapshot (Envoy's `Stats::Sink`). Runs on the main thread, called by
 * the {@link StatsFlusher} once per flush interval. Implement it to add a sink of your own.
 */
export interface StatsSink {
  /**
   * Receives one flush. Counters carry `delta` (since the previous flush) and `value` (total);
   * histograms carry their interval bins and statistics. May return a promise; a sink that
   * throws or rejects does not stop the others.
   */
  flush(snapshot: MetricSnapshot): void | Promise<void>;
  /** Releases the sink's resources (sockets); called by `StatsFlusher.close()`. */
  close?(): void | Promise<void>;
}
