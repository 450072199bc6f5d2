import type { Filter, ReadFilter, WriteFilter } from './filter.ts';

/**
 * Where a filter chain's factories put the filters of a new connection (Envoy's
 * `Network::FilterManager`). A `Connection` is one. Add filters before `initializeReadFilters()`.
 */
export interface FilterManager {
  /** Appends a read filter (read filters run in the order added). */
  addReadFilter(filter: ReadFilter): void;
  /** Adds a write filter (write filters run in the reverse of the order added). */
  addWriteFilter(filter: WriteFilter): void;
  /** Adds a filter to both paths. */
  addFilter(filter: Filter): void;
  /** Removes a read filter; it gets no more calls. */
  removeReadFilter(filter: ReadFilter): void;
  /**
   * Starts the read filters: each gets `onNewConnection()` in order (stopping at the first that
   * returns `StopIteration`), then `onData` with whatever has already been read. Returns false when
   * there are no read filters (the caller should then close the connection, as Envoy does).
   */
  initializeReadFilters(): boolean;
}
