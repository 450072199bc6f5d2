/** Where a connection is in its life (Envoy's `Connection::State`). */
export const ConnectionState = {
  /** Open: reads and writes flow (a client connection is Open while connecting, too). */
  Open: 0,
  /** Closing: a flushing close is under way; no more reads are delivered, writes are dropped. */
  Closing: 1,
  /** Closed: the socket is gone and the close event has been raised. */
  Closed: 2,
} as const;

/** One of the {@link ConnectionState} values. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** What `Connection.readDisable()` did (Envoy's `ReadDisableStatus`). */
export const ReadDisableStatus = {
  /** The call changed nothing (connection not open, or enabling what was not disabled). */
  NoTransition: 0,
  /** Disabled again, or enabled once of several: still disabled. */
  StillReadDisabled: 1,
  /** The last disable was undone: reading resumed. */
  TransitionedToReadEnabled: 2,
  /** The first disable: reading stopped. */
  TransitionedToReadDisabled: 3,
} as const;

/** One of the {@link ReadDisableStatus} values. */
export type ReadDisableStatus = (typeof ReadDisableStatus)[keyof typeof ReadDisableStatus];
