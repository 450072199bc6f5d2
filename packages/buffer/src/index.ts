/**
 * Envoy's `Buffer::Instance` for Node.js: a byte buffer held as a list of slices so that adding,
 * moving and draining copy no bytes that do not need it, and a watermark variant for flow control.
 * @packageDocumentation
 */
export { OwnedBuffer } from './buffer-impl.ts';
export {
  BufferError,
  BufferErrorCode,
  BufferInvalidDataError,
  BufferInvalidSizeError,
  BufferInvalidWatermarkError,
  BufferOutOfRangeError,
  BufferSelfMoveError,
  BufferTargetTooSmallError,
} from './errors.ts';
export type { BufferData, BufferInstance } from './instance.ts';
export { WatermarkBuffer, type WatermarkOptions } from './watermark-buffer.ts';
export type { WatermarkCallbacks } from './watermark-callbacks.ts';
