import type { BufferInstance } from '@nuncio/buffer';
import type { Connection } from './connection.ts';
import type { FilterStatus } from './filter-status.ts';

/**
 * What the framework hands a read filter (Envoy's `ReadFilterCallbacks`). Valid for the life of the
 * connection; use it on the connection's thread only.
 */
export interface ReadFilterCallbacks {
  /** The connection the filter belongs to. */
  connection(): Connection;
  /**
   * Resumes iteration after this filter returned `StopIteration`: the filters after it get
   * `onNewConnection` (if they have not yet) and `onData` with the connection's read buffer, when
   * it holds data or the peer has ended the stream.
   */
  continueReading(): void;
  /**
   * Hands `data` to the filters after this one, as if it had been read from the socket, instead of
   * the connection's read buffer (the filter keeps its own buffer). `data` is theirs to drain.
   */
  injectReadDataToFilterChain(data: BufferInstance, endStream: boolean): void;
}

/**
 * A filter of the read path (Envoy's `Network::ReadFilter`). Filters run in the order they were
 * added; all of them see the same buffer, the connection's read buffer.
 */
export interface ReadFilter {
  /**
   * Called once with the callbacks, when the filter is added (before any data). Keep them: they
   * are the filter's way to its connection.
   */
  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void;
  /**
   * Called once when the connection starts, before the first `onData`. Return `StopIteration` to
   * hold back the filters after this one (say, until an upstream connection is ready); call
   * `continueReading()` later to let them run.
   */
  onNewConnection(): FilterStatus;
  /**
   * Called with the connection's read buffer when bytes arrived (or with `endStream` true once,
   * when the peer half-closed and half-close is enabled). The buffer holds every byte no filter
   * has drained yet: drain what you consume; what you leave stays for the next filter and comes
   * back to you, with more, on the next read (as in Envoy). Return `StopIteration` to stop the
   * filters after this one from seeing this data.
   */
  onData(data: BufferInstance, endStream: boolean): FilterStatus;
}

/** What the framework hands a write filter (Envoy's `WriteFilterCallbacks`). */
export interface WriteFilterCallbacks {
  /** The connection the filter belongs to. */
  connection(): Connection;
  /**
   * Hands `data` to the write filters after this one and then to the socket, bypassing the
   * filters before it (for a filter that buffered data and releases it later).
   */
  injectWriteDataToFilterChain(data: BufferInstance, endStream: boolean): void;
}

/**
 * A filter of the write path (Envoy's `Network::WriteFilter`). Write filters run in the reverse
 * of the order they were added (the filter closest to the socket runs last), over the buffer
 * passed to `Connection.write`.
 */
export interface WriteFilter {
  /** Called once with the callbacks, when the filter is added. Optional. */
  initializeWriteFilterCallbacks?(callbacks: WriteFilterCallbacks): void;
  /**
   * Called with the data being written. Change or drain it as needed; return `StopIteration` to
   * keep it from the socket (the filter then owns what is left and may inject it later).
   */
  onWrite(data: BufferInstance, endStream: boolean): FilterStatus;
}

/** A filter of both paths (Envoy's `Network::Filter`). */
export interface Filter extends ReadFilter, WriteFilter {}
