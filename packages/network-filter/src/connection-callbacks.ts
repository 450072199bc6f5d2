import type { ConnectionEvent } from './connection-event.ts';

/**
 * What a connection tells the objects registered with `addConnectionCallbacks` (Envoy's
 * `Network::ConnectionCallbacks`): one object per interested party (a filter usually implements
 * it itself), never a closure per event. Called on the connection's thread, synchronously.
 */
export interface ConnectionCallbacks {
  /**
   * The connection connected (client connections only) or closed. `RemoteClose` or `LocalClose`
   * is raised exactly once; afterwards the connection is `Closed` and writes are dropped.
   */
  onEvent(event: ConnectionEvent): void;
  /**
   * The connection's write buffer went above its high watermark (the buffer limit): stop producing
   * data for it (the TCP proxy read-disables the other side) until
   * {@link ConnectionCallbacks.onBelowWriteBufferLowWatermark}.
   */
  onAboveWriteBufferHighWatermark(): void;
  /** The write buffer drained to its low watermark (half the limit): produce again. */
  onBelowWriteBufferLowWatermark(): void;
}
