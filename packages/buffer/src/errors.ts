/**
 * Stable codes of the errors this package throws. Every one marks a programming error (a bad
 * argument), never bad network input: a caller that validates its sizes never sees one.
 */
export const BufferErrorCode = {
  /** A size, offset or count was negative, fractional, NaN or not a number. */
  InvalidSize: 'NUNCIO_ERR_BUFFER_INVALID_SIZE',
  /** A range reached past the end of the buffer (drain, move, copyOut, linearize, replace). */
  OutOfRange: 'NUNCIO_ERR_BUFFER_OUT_OF_RANGE',
  /** Data of a type the buffer does not take (not a string, Uint8Array or buffer instance). */
  InvalidData: 'NUNCIO_ERR_BUFFER_INVALID_DATA',
  /** A buffer was asked to move or prepend its own contents into itself. */
  SelfMove: 'NUNCIO_ERR_BUFFER_SELF_MOVE',
  /** copyOut's target has too little room after its offset for the bytes asked for. */
  TargetTooSmall: 'NUNCIO_ERR_BUFFER_TARGET_TOO_SMALL',
  /** Watermarks that make no sense together (low not below high, negative multiplier). */
  InvalidWatermark: 'NUNCIO_ERR_BUFFER_INVALID_WATERMARK',
} as const;

/** One of the {@link BufferErrorCode} values. */
export type BufferErrorCode = (typeof BufferErrorCode)[keyof typeof BufferErrorCode];

/** Base of every error this package throws; match on {@link BufferError.code}. */
export class BufferError extends Error {
  /** Stable code naming the condition; survives `postMessage`, unlike the class. */
  readonly code: BufferErrorCode;

  constructor(code: BufferErrorCode, message: string) {
    super(message);
    this.name = 'BufferError';
    this.code = code;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

/** A size, offset or count argument was not a non-negative safe integer. */
export class BufferInvalidSizeError extends BufferError {
  constructor(operation: string, argument: string, value: unknown) {
    super(
      BufferErrorCode.InvalidSize,
      `${operation}: ${argument} must be a non-negative integer, got ${describe(value)}`,
    );
    this.name = 'BufferInvalidSizeError';
  }
}

/** A range reached past the end of the buffer. */
export class BufferOutOfRangeError extends BufferError {
  constructor(operation: string, end: number, length: number) {
    super(
      BufferErrorCode.OutOfRange,
      `${operation}: needs ${end} bytes but the buffer holds only ${length}`,
    );
    this.name = 'BufferOutOfRangeError';
  }
}

/** Data of a type the buffer does not take. */
export class BufferInvalidDataError extends BufferError {
  constructor(operation: string, expected: string, value: unknown) {
    super(
      BufferErrorCode.InvalidData,
      `${operation}: expected ${expected}, got ${describe(value)}`,
    );
    this.name = 'BufferInvalidDataError';
  }
}

/** A buffer was asked to move or prepend its own contents into itself. */
export class BufferSelfMoveError extends BufferError {
  constructor(operation: string) {
    super(BufferErrorCode.SelfMove, `${operation}: source and destination are the same buffer`);
    this.name = 'BufferSelfMoveError';
  }
}

/** copyOut's target has too little room. */
export class BufferTargetTooSmallError extends BufferError {
  constructor(needed: number, offset: number, targetLength: number) {
    super(
      BufferErrorCode.TargetTooSmall,
      `copyOut: target of ${targetLength} bytes has no room for ${needed} bytes at offset ${offset}`,
    );
    this.name = 'BufferTargetTooSmallError';
  }
}

/** Watermark settings that make no sense together. */
export class BufferInvalidWatermarkError extends BufferError {
  constructor(message: string) {
    super(BufferErrorCode.InvalidWatermark, `setWatermarks: ${message}`);
    this.name = 'BufferInvalidWatermarkError';
  }
}
