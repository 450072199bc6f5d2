import { OwnedBuffer } from './buffer-impl.ts';
import { BufferInvalidWatermarkError } from './errors.ts';
import type { WatermarkCallbacks } from './watermark-callbacks.ts';

/** Watermark settings, for the {@link WatermarkBuffer} constructor and `setWatermarks`. */
export interface WatermarkOptions {
  /** Length above which `onAboveHighWatermark` is called; 0 (the default) turns watermarks off. */
  highWatermark?: number;
  /** Length at or below which `onBelowLowWatermark` is called; defaults to half the high one. */
  lowWatermark?: number;
  /**
   * The overflow watermark is the high watermark times this integer; 0 (the default) turns it off.
   * When omitted in `setWatermarks`, the multiplier set before is kept.
   */
  overflowMultiplier?: number;
}

function checkWatermark(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BufferInvalidWatermarkError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Envoy's `WatermarkBuffer`: an {@link OwnedBuffer} that tells its owner when its length goes above
 * the high watermark and, later, back down to the low one, for flow control (a TCP proxy stops
 * reading from one side while the other side's write buffer is above its high watermark).
 *
 * Crossings are edge-triggered: `onAboveHighWatermark` once when the length first exceeds the high
 * watermark, then nothing until the length falls to the low watermark or below, when
 * `onBelowLowWatermark` is called once. Between the two watermarks nothing is called either way.
 */
export class WatermarkBuffer extends OwnedBuffer {
  private readonly callbacks: WatermarkCallbacks;
  private high: number;
  private low: number;
  private multiplier: number;
  private overflow: number;
  private above: boolean;
  private overflowCalled: boolean;

  /** Makes an empty buffer that reports crossings of `options`' watermarks to `callbacks`. */
  constructor(callbacks: WatermarkCallbacks, options: WatermarkOptions = {}) {
    super();
    this.callbacks = callbacks;
    this.high = 0;
    this.low = 0;
    this.multiplier = 0;
    this.overflow = 0;
    this.above = false;
    this.overflowCalled = false;
    this.setWatermarks(options.highWatermark ?? 0, options);
  }

  /**
   * Sets the high watermark (0 turns watermarks off), the low one (default `floor(high / 2)`, as in
   * Envoy; it must be below the high one) and the overflow multiplier. Checks the current length at
   * once: lowering the high watermark below the length calls `onAboveHighWatermark`, turning
   * watermarks off while above calls `onBelowLowWatermark`.
   */
  setWatermarks(
    highWatermark: number,
    options: Pick<WatermarkOptions, 'lowWatermark' | 'overflowMultiplier'> = {},
  ): void {
    checkWatermark('highWatermark', highWatermark);
    const low = highWatermark === 0 ? 0 : (options.lowWatermark ?? Math.floor(highWatermark / 2));
    checkWatermark('lowWatermark', low);
    if (highWatermark !== 0 && low >= highWatermark) {
      throw new BufferInvalidWatermarkError(
        `lowWatermark (${low}) must be below highWatermark (${highWatermark})`,
      );
    }
    const multiplier = options.overflowMultiplier ?? this.multiplier;
    checkWatermark('overflowMultiplier', multiplier);
    this.high = highWatermark;
    this.low = low;
    this.multiplier = multiplier;
    this.overflow = highWatermark * multiplier;
    this.lengthChanged();
  }

  /** The high watermark; 0 when watermarks are off. */
  get highWatermark(): number {
    return this.high;
  }

  /** The low watermark. */
  get lowWatermark(): number {
    return this.low;
  }

  /** The overflow watermark (high times the multiplier); 0 when off. */
  get overflowWatermark(): number {
    return this.overflow;
  }

  /** Whether `onAboveHighWatermark` was called and `onBelowLowWatermark` has not been since. */
  get highWatermarkTriggered(): boolean {
    return this.above;
  }

  /** Whether `onAboveOverflowWatermark` has been called (it is called at most once). */
  get overflowWatermarkTriggered(): boolean {
    return this.overflowCalled;
  }

  protected override lengthChanged(): void {
    const length = this.length;
    if (this.above) {
      if (this.high === 0 || length <= this.low) {
        // State first, so a callback that changes the buffer sees (and causes) the next crossing.
        this.above = false;
        this.callbacks.onBelowLowWatermark();
      }
    } else if (this.high !== 0 && length > this.high) {
      this.above = true;
      this.callbacks.onAboveHighWatermark();
    }
    // Read the length again: the callback above may have changed it.
    if (this.overflow !== 0 && !this.overflowCalled && this.length > this.overflow) {
      this.overflowCalled = true;
      this.callbacks.onAboveOverflowWatermark?.();
    }
  }
}
