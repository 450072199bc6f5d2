/**
 * Stable codes of the errors this package throws. Every one marks a programming or configuration
 * error (bad options, a descriptor that is not one, a closed handle); the data path never throws
 * for an expected outcome, it returns a {@link SharedDataResult}.
 */
export const SharedDataErrorCode = {
  /** An option of `SharedDataStore.create` is out of range or the layout it asks for is too big. */
  InvalidOption: 'NUNCIO_ERR_SHARED_DATA_INVALID_OPTION',
  /** `SharedDataStore.open` got something that is not a descriptor of a live store. */
  InvalidDescriptor: 'NUNCIO_ERR_SHARED_DATA_INVALID_DESCRIPTOR',
  /** Every handle slot of the store (`maxHandles`) is taken: too many open handles. */
  TooManyHandles: 'NUNCIO_ERR_SHARED_DATA_TOO_MANY_HANDLES',
  /** A handle was used after `close()`. */
  Closed: 'NUNCIO_ERR_SHARED_DATA_CLOSED',
  /** A control-path argument is wrong (a thread id, a worker, a ready callback). */
  InvalidArgument: 'NUNCIO_ERR_SHARED_DATA_INVALID_ARGUMENT',
  /** `releaseLocksOf` was asked to recover the calling thread itself, which is still alive. */
  RecoverSelf: 'NUNCIO_ERR_SHARED_DATA_RECOVER_SELF',
} as const;

/** One of the {@link SharedDataErrorCode} values. */
export type SharedDataErrorCode = (typeof SharedDataErrorCode)[keyof typeof SharedDataErrorCode];

/** Base of every error this package throws; match on {@link SharedDataError.code}. */
export class SharedDataError extends Error {
  /** Stable code naming the condition; survives `postMessage`, unlike the class. */
  readonly code: SharedDataErrorCode;

  constructor(code: SharedDataErrorCode, message: string) {
    super(message);
    this.name = 'SharedDataError';
    this.code = code;
  }
}

/** An option of `SharedDataStore.create` is out of range. */
export class SharedDataInvalidOptionError extends SharedDataError {
  constructor(option: string, value: unknown, expected: string) {
    super(
      SharedDataErrorCode.InvalidOption,
      `SharedDataStore.create: option ${option} must be ${expected}, got ${String(value)}`,
    );
    this.name = 'SharedDataInvalidOptionError';
  }
}

/** `SharedDataStore.open` got something that is not a store descriptor. */
export class SharedDataInvalidDescriptorError extends SharedDataError {
  constructor(reason: string) {
    super(SharedDataErrorCode.InvalidDescriptor, `SharedDataStore.open: ${reason}`);
    this.name = 'SharedDataInvalidDescriptorError';
  }
}

/** Every handle slot is taken. */
export class SharedDataTooManyHandlesError extends SharedDataError {
  constructor(maxHandles: number) {
    super(
      SharedDataErrorCode.TooManyHandles,
      `SharedDataStore: all ${maxHandles} handle slots are in use; close() unused handles, run releaseLocksOf() for exited threads, or create the store with a larger maxHandles`,
    );
    this.name = 'SharedDataTooManyHandlesError';
  }
}

/** A handle was used after `close()`. */
export class SharedDataClosedError extends SharedDataError {
  constructor(operation: string) {
    super(SharedDataErrorCode.Closed, `SharedDataStore.${operation}: this handle is closed`);
    this.name = 'SharedDataClosedError';
  }
}

/** A control-path argument is wrong. */
export class SharedDataInvalidArgumentError extends SharedDataError {
  constructor(operation: string, message: string) {
    super(SharedDataErrorCode.InvalidArgument, `SharedDataStore.${operation}: ${message}`);
    this.name = 'SharedDataInvalidArgumentError';
  }
}

/** `releaseLocksOf` was asked to recover the live calling thread. */
export class SharedDataRecoverSelfError extends SharedDataError {
  constructor(threadId: number) {
    super(
      SharedDataErrorCode.RecoverSelf,
      `SharedDataStore.releaseLocksOf: thread ${threadId} is the calling thread, which is alive; recover a thread only after it has exited`,
    );
    this.name = 'SharedDataRecoverSelfError';
  }
}
