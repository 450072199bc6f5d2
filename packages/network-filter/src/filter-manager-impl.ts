import type { BufferInstance } from '@nuncio/buffer';
import type { Connection } from './connection.ts';
import { ConnectionState } from './connection-state.ts';
import { NetworkError, NetworkErrorCode } from './errors.ts';
import type {
  Filter,
  ReadFilter,
  ReadFilterCallbacks,
  WriteFilter,
  WriteFilterCallbacks,
} from './filter.ts';
import type { FilterManager } from './filter-manager.ts';
import { FilterStatus } from './filter-status.ts';

/** What the filter manager needs from its connection. */
export interface FilterManagerConnection {
  /** The connection as filters see it. */
  readonly connection: Connection;
  /** The shared read buffer. */
  readBuffer(): BufferInstance;
  /** Whether the peer's end of stream is to be passed to read filters. */
  readEndStream(): boolean;
  /** The connection's state, checked after every filter call. */
  state(): ConnectionState;
  /** Writes past the write filters, to the write buffer and the socket. */
  rawWrite(data: BufferInstance, endStream: boolean): void;
}

/** A read filter with its place in the chain: it is the callbacks object the filter gets. */
class ActiveReadFilter implements ReadFilterCallbacks {
  readonly filter: ReadFilter;
  private readonly manager: FilterManagerImpl;
  /** Whether `onNewConnection` has been called. */
  initialized: boolean;
  removed: boolean;

  constructor(manager: FilterManagerImpl, filter: ReadFilter) {
    this.manager = manager;
    this.filter = filter;
    this.initialized = false;
    this.removed = false;
  }

  connection(): Connection {
    return this.manager.owner.connection;
  }

  continueReading(): void {
    this.manager.onContinueReading(this, null, false);
  }

  injectReadDataToFilterChain(data: BufferInstance, endStream: boolean): void {
    this.manager.onContinueReading(this, data, endStream);
  }
}

/** A write filter with its place in the chain. */
class ActiveWriteFilter implements WriteFilterCallbacks {
  readonly filter: WriteFilter;
  private readonly manager: FilterManagerImpl;

  constructor(manager: FilterManagerImpl, filter: WriteFilter) {
    this.manager = manager;
    this.filter = filter;
  }

  connection(): Connection {
    return this.manager.owner.connection;
  }

  injectWriteDataToFilterChain(data: BufferInstance, endStream: boolean): void {
    this.manager.onResumeWriting(this, data, endStream);
  }
}

/**
 * Envoy's `FilterManagerImpl`: read filters in the order added, write filters in reverse, with
 * `StopIteration` / `continueReading` and data injection. Lists are replaced, never changed in
 * place, when a filter is removed, so a removal from inside a filter call is safe.
 */
export class FilterManagerImpl implements FilterManager {
  readonly owner: FilterManagerConnection;
  private readFilters: ActiveReadFilter[];
  /** Already in run order: the last added first. */
  private writeFilters: ActiveWriteFilter[];
  private initialized: boolean;

  constructor(owner: FilterManagerConnection) {
    this.owner = owner;
    this.readFilters = [];
    this.writeFilters = [];
    this.initialized = false;
  }

  addReadFilter(filter: ReadFilter): void {
    const active = new ActiveReadFilter(this, filter);
    filter.initializeReadFilterCallbacks(active);
    this.readFilters = [...this.readFilters, active];
  }

  addWriteFilter(filter: WriteFilter): void {
    const active = new ActiveWriteFilter(this, filter);
    filter.initializeWriteFilterCallbacks?.(active);
    this.writeFilters = [active, ...this.writeFilters];
  }

  addFilter(filter: Filter): void {
    this.addReadFilter(filter);
    this.addWriteFilter(filter);
  }

  removeReadFilter(filter: ReadFilter): void {
    const entry = this.readFilters.find((active) => active.filter === filter);
    if (entry === undefined) return;
    entry.removed = true;
    this.readFilters = this.readFilters.filter((active) => active !== entry);
  }

  initializeReadFilters(): boolean {
    if (this.initialized) {
      throw new NetworkError(
        NetworkErrorCode.FiltersInitialized,
        'initializeReadFilters() was called twice on the same connection',
      );
    }
    this.initialized = true;
    if (this.readFilters.length === 0) return false;
    this.onContinueReading(null, null, false);
    return true;
  }

  /** Whether `initializeReadFilters()` has run. */
  readFiltersInitialized(): boolean {
    return this.initialized;
  }

  /** Whether any write filter is installed (the connection skips the write chain otherwise). */
  hasWriteFilters(): boolean {
    return this.writeFilters.length !== 0;
  }

  /**
   * New bytes (or the end of stream) in the read buffer: run the read filters from the first. A
   * client connection needs no `initializeReadFilters()`: filters start on the first read.
   */
  onRead(): void {
    this.onContinueReading(null, null, false);
  }

  /**
   * Runs the read filters after `from` (all of them when null): `onNewConnection` for those not
   * started yet, then `onData` with the injected buffer or the connection's read buffer, when it
   * holds bytes or the stream has ended. Stops at `StopIteration` or when the connection is no
   * longer open.
   */
  onContinueReading(
    from: ActiveReadFilter | null,
    injected: BufferInstance | null,
    injectedEndStream: boolean,
  ): void {
    const filters = this.readFilters;
    let i = 0;
    if (from !== null) {
      i = filters.indexOf(from) + 1;
      // A filter removed from the chain can no longer continue it.
      if (i === 0) return;
    }
    const owner = this.owner;
    for (; i < filters.length; i++) {
      const entry = filters[i] as ActiveReadFilter;
      if (entry.removed) continue;
      if (!entry.initialized) {
        entry.initialized = true;
        const status = entry.filter.onNewConnection();
        if (status === FilterStatus.StopIteration || owner.state() !== ConnectionState.Open) {
          return;
        }
      }
      const buffer = injected ?? owner.readBuffer();
      const endStream = injected === null ? owner.readEndStream() : injectedEndStream;
      if (buffer.length > 0 || endStream) {
        const status = entry.filter.onData(buffer, endStream);
        if (status === FilterStatus.StopIteration || owner.state() !== ConnectionState.Open) {
          return;
        }
      }
    }
  }

  /** Runs the write filters over `data`; StopIteration when one of them kept it. */
  onWrite(data: BufferInstance, endStream: boolean): FilterStatus {
    const filters = this.writeFilters;
    for (let i = 0; i < filters.length; i++) {
      const status = (filters[i] as ActiveWriteFilter).filter.onWrite(data, endStream);
      if (status === FilterStatus.StopIteration) return FilterStatus.StopIteration;
    }
    return FilterStatus.Continue;
  }

  /** Injected write data: the write filters after `from`, then the socket. */
  onResumeWriting(from: ActiveWriteFilter, data: BufferInstance, endStream: boolean): void {
    const filters = this.writeFilters;
    for (let i = filters.indexOf(from) + 1; i < filters.length; i++) {
      const status = (filters[i] as ActiveWriteFilter).filter.onWrite(data, endStream);
      if (status === FilterStatus.StopIteration) return;
    }
    this.owner.rawWrite(data, endStream);
  }
}
