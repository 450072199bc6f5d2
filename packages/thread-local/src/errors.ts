/**
 * Every error code this package raises. Match on `code`, not on the class: an error that crossed a
 * thread boundary arrives rebuilt from its code and message.
 */
export const ThreadLocalErrorCode = {
  /** A main-thread-only operation (`allocateSlot`, `set`, `publish`...) was called elsewhere. */
  NotMainThread: 'NUNCIO_ERR_TLS_NOT_MAIN_THREAD',
  /** The instance is shutting down (`shutdownGlobalThreading()` was called). */
  ShutDown: 'NUNCIO_ERR_TLS_SHUT_DOWN',
  /** The slot was freed. */
  SlotFreed: 'NUNCIO_ERR_TLS_SLOT_FREED',
  /** `get()` on a thread whose object has not been set (yet), or `runOnAllThreads` before `set`. */
  SlotNotSet: 'NUNCIO_ERR_TLS_SLOT_NOT_SET',
  /** `getSlot(ref)` named a slot this thread has not received, or one since freed. */
  UnknownSlot: 'NUNCIO_ERR_TLS_UNKNOWN_SLOT',
  /** A worker thread that no thread-local instance has registered. */
  ThreadNotRegistered: 'NUNCIO_ERR_TLS_THREAD_NOT_REGISTERED',
  /** A registered worker has not loaded `threadLocalWorkerModule`. */
  WorkerModuleNotLoaded: 'NUNCIO_ERR_TLS_WORKER_MODULE_NOT_LOADED',
  /** A thread exited before it could be registered. */
  ThreadExited: 'NUNCIO_ERR_TLS_THREAD_EXITED',
  /** More threads than `maxThreads` were registered. */
  TooManyThreads: 'NUNCIO_ERR_TLS_TOO_MANY_THREADS',
  /** A thread could not find an initializer or update by module URL and name. */
  UnknownDefinition: 'NUNCIO_ERR_TLS_UNKNOWN_DEFINITION',
  /** `defineThreadLocal` / `defineThreadLocalUpdate` got a bad module URL, name or function. */
  InvalidDefinition: 'NUNCIO_ERR_TLS_INVALID_DEFINITION',
  /** An initializer, update, snapshot hook or dispose threw on some thread. */
  CallbackFailed: 'NUNCIO_ERR_TLS_CALLBACK_FAILED',
  /** Arguments or a snapshot cannot be structured-cloned to the other threads. */
  NotCloneable: 'NUNCIO_ERR_TLS_NOT_CLONEABLE',
  /** An argument or option is out of range or of the wrong type. */
  InvalidArgument: 'NUNCIO_ERR_TLS_INVALID_ARGUMENT',
  /** A `SharedTable` schema is empty or names an unknown column type. */
  TableInvalidSchema: 'NUNCIO_ERR_TLS_TABLE_INVALID_SCHEMA',
  /** A `SharedTable` row holds a value its column cannot store. */
  TableInvalidValue: 'NUNCIO_ERR_TLS_TABLE_INVALID_VALUE',
} as const;

/** One of the codes in {@link ThreadLocalErrorCode}. */
export type ThreadLocalErrorCode = (typeof ThreadLocalErrorCode)[keyof typeof ThreadLocalErrorCode];

/** The one error class of `@nuncio/thread-local`; `code` says which condition it is. */
export class ThreadLocalError extends Error {
  readonly code: ThreadLocalErrorCode;
  /** The thread the error is about, when it is about one (`worker_1`, `main_thread`). */
  readonly thread: string | undefined;

  constructor(
    code: ThreadLocalErrorCode,
    message: string,
    options?: { cause?: unknown; thread?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ThreadLocalError';
    this.code = code;
    this.thread = options?.thread;
  }
}

/** `what` was called off the main thread. */
export function notMainThreadError(what: string): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.NotMainThread,
    `${what} may only be called on the main thread (slots are owned by main; workers read them)`,
  );
}

/** `what` was attempted after `shutdownGlobalThreading()`. */
export function shutDownError(what: string): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.ShutDown,
    `cannot ${what}: shutdownGlobalThreading() has been called`,
  );
}

/** `what` was attempted on freed slot `index`. */
export function slotFreedError(index: number, what: string): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.SlotFreed,
    `cannot ${what}: slot ${index} has been freed`,
  );
}

/** Slot `index` has no object on `thread`. */
export function slotNotSetError(index: number, thread: string): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.SlotNotSet,
    `slot ${index} has no object on thread ${thread}: set() has not reached it, or its initializer failed there`,
    { thread },
  );
}

/** `thread` has no slot (`index`, `generation`). */
export function unknownSlotError(
  index: number,
  generation: number,
  thread: string,
): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.UnknownSlot,
    `thread ${thread} has no slot ${index} (generation ${generation}): it has not been set or published to this thread yet, or it was freed`,
    { thread },
  );
}

/** `thread` is not registered with any instance. */
export function threadNotRegisteredError(thread: string): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.ThreadNotRegistered,
    `thread ${thread} is not registered with a thread-local instance (main registers workers with registerThread() or registerWorkers())`,
    { thread },
  );
}

/** `thread` lacks the worker module's handlers. */
export function workerModuleNotLoadedError(thread: string, cause: unknown): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.WorkerModuleNotLoaded,
    `thread ${thread} has not loaded the thread-local worker module: pass threadLocalWorkerModule in startWorkers({ modules })`,
    { cause, thread },
  );
}

/** `thread` exited before its registration completed. */
export function threadExitedError(thread: string, cause: unknown): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.ThreadExited,
    `thread ${thread} exited before it could be registered`,
    { cause, thread },
  );
}

/** Every one of `maxThreads` places is taken. */
export function tooManyThreadsError(maxThreads: number): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.TooManyThreads,
    `cannot register another thread: all ${maxThreads} thread places are taken (raise maxThreads)`,
  );
}

/** `thread` found no definition `name` in `moduleUrl`. */
export function unknownDefinitionError(
  moduleUrl: string,
  name: string,
  thread: string,
  cause?: unknown,
): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.UnknownDefinition,
    `thread ${thread} found no thread-local definition "${name}" in ${moduleUrl}${
      cause instanceof Error ? `: ${cause.message}` : ''
    }`,
    { cause, thread },
  );
}

/** A definition's argument was wrong: `what` says which and how. */
export function invalidDefinitionError(what: string, value: unknown): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.InvalidDefinition,
    `${what}, got ${describe(value)}`,
  );
}

/** `what` (an initializer, update, hook or dispose) of slot `index` threw on `thread`. */
export function callbackFailedError(
  what: string,
  index: number,
  thread: string,
  cause: unknown,
): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.CallbackFailed,
    `${what} of slot ${index} failed on thread ${thread}: ${causeMessage(cause)}`,
    { cause, thread },
  );
}

/** `what` cannot be structured-cloned. */
export function notCloneableError(what: string, cause: unknown): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.NotCloneable,
    `${what} cannot be cloned to other threads: ${causeMessage(cause)}`,
    { cause },
  );
}

/** `name` was `value`, which is not `expected`. */
export function invalidArgumentError(
  name: string,
  value: unknown,
  expected: string,
): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.InvalidArgument,
    `${name} must be ${expected}, got ${describe(value)}`,
  );
}

/** A `SharedTable` schema is wrong: `detail` says how. */
export function tableInvalidSchemaError(detail: string): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.TableInvalidSchema,
    `invalid SharedTable schema: ${detail}`,
  );
}

/** Row `row` of a `SharedTable` holds a bad value in `column`. */
export function tableInvalidValueError(
  row: number,
  column: string,
  value: unknown,
  expected: string,
): ThreadLocalError {
  return new ThreadLocalError(
    ThreadLocalErrorCode.TableInvalidValue,
    `SharedTable row ${row}, column "${column}": must be ${expected}, got ${describe(value)}`,
  );
}

function causeMessage(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null)
    return String(value);
  return typeof value;
}
