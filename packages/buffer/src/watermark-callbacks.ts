/**
 * What a {@link WatermarkBuffer} calls when its length crosses a watermark. Pass one object (for
 * example the connection or filter that owns the buffer) rather than a closure per event.
 *
 * Each method is called synchronously, on the buffer's thread, from inside the operation that made
 * the crossing, after the buffer is consistent: it may read or change the buffer.
 */
export interface WatermarkCallbacks {
  /**
   * The length went from at most the high watermark to above it. Called once per crossing: not
   * again until {@link WatermarkCallbacks.onBelowLowWatermark} has been called.
   */
  onAboveHighWatermark(): void;

  /**
   * The length fell to the low watermark or below after an `onAboveHighWatermark`, or the
   * watermarks were turned off while above. Called once per crossing.
   */
  onBelowLowWatermark(): void;

  /**
   * The length went above the overflow watermark (high watermark times the overflow multiplier).
   * Called at most once in the buffer's life, as in Envoy: a peer that ignored back-pressure that
   * long is normally disconnected. Optional; leave it out when no overflow multiplier is set.
   */
  onAboveOverflowWatermark?(): void;
}
