/** How `Connection.close()` treats data still waiting to be written (Envoy's `ConnectionCloseType`). */
export const ConnectionCloseType = {
  /** Write out everything buffered, send FIN, then close. The close event comes after the flush. */
  FlushWrite: 0,
  /** Drop buffered data and close now. */
  NoFlush: 1,
  /**
   * Write out everything buffered and send FIN, then wait up to the delayed-close timeout for the
   * peer to close its side before closing (so the peer reads the data before a reset could follow).
   */
  FlushWriteAndDelay: 2,
  /** Drop buffered data and close now, without flushing anything (same as `NoFlush` here). */
  Abort: 3,
  /** Drop buffered data and close with a TCP RST instead of a FIN (`socket.resetAndDestroy()`). */
  AbortReset: 4,
} as const;

/** One of the {@link ConnectionCloseType} values. */
export type ConnectionCloseType = (typeof ConnectionCloseType)[keyof typeof ConnectionCloseType];
