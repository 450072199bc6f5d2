import type { StatsSource } from '@nuncio/stats';

/**
 * What the stats endpoints read and reset: `@nuncio/stats`' `StatsStore` on the main thread is one
 * as it is. `/stats`, `/stats/prometheus` and `/reset_counters` call it on the main thread.
 */
export interface AdminStatsSource extends StatsSource {
  /** Sets every counter back to zero (`/reset_counters`). */
  resetCounters(): void;
}
