/**
 * Every error code this package raises. Match on `code`, not on the class: an error that crossed a
 * thread boundary arrives as a plain `DispatcherError` rebuilt from its code and message.
 */
export const DispatcherErrorCode = {
  /** A cross-thread post or call named a handler the target dispatcher has not registered. */
  UnknownHandler: 'NUNCIO_ERR_DISPATCHER_UNKNOWN_HANDLER',
  /** A cross-thread payload could not be structured-cloned (a function, a class with state...). */
  PayloadNotCloneable: 'NUNCIO_ERR_DISPATCHER_PAYLOAD_NOT_CLONEABLE',
  /** `registerHandler` was given a name that is already registered on this dispatcher. */
  HandlerExists: 'NUNCIO_ERR_DISPATCHER_HANDLER_EXISTS',
  /** The handler run by a cross-thread `call` threw or rejected on the target thread. */
  RemoteHandlerFailed: 'NUNCIO_ERR_DISPATCHER_REMOTE_HANDLER_FAILED',
  /** The target of a remote dispatcher has exited, or the remote dispatcher was closed. */
  TargetClosed: 'NUNCIO_ERR_DISPATCHER_TARGET_CLOSED',
  /** A dispatcher handle was turned into a remote dispatcher twice (its port has one owner). */
  HandleInUse: 'NUNCIO_ERR_DISPATCHER_HANDLE_IN_USE',
  /** The dispatcher has exited: it takes no new handles or handlers. */
  Exited: 'NUNCIO_ERR_DISPATCHER_EXITED',
  /** An argument was out of range or of the wrong type; the message names it. */
  InvalidArgument: 'NUNCIO_ERR_DISPATCHER_INVALID_ARGUMENT',
  /** `mainDispatcher()` was called on a thread that was not started by the worker runtime. */
  NoMainDispatcher: 'NUNCIO_ERR_DISPATCHER_NO_MAIN_DISPATCHER',
  /** A worker failed while starting (importing a module or running its `init`). */
  WorkerStartFailed: 'NUNCIO_ERR_WORKER_START_FAILED',
  /** A running worker threw an uncaught error or exited without being asked to. */
  WorkerCrashed: 'NUNCIO_ERR_WORKER_CRASHED',
  /** A worker did not exit within `shutdownTimeoutMs` of being asked to and was terminated. */
  WorkerShutdownTimeout: 'NUNCIO_ERR_WORKER_SHUTDOWN_TIMEOUT',
  /** A watchdog setting is invalid; the message names the field. */
  WatchdogInvalidConfig: 'NUNCIO_ERR_WATCHDOG_INVALID_CONFIG',
  /** The guard dog has no free heartbeat slot for another thread (see `maxThreads`). */
  WatchdogNoFreeSlot: 'NUNCIO_ERR_WATCHDOG_NO_FREE_SLOT',
} as const;

/** One of the codes in {@link DispatcherErrorCode}. */
export type DispatcherErrorCode = (typeof DispatcherErrorCode)[keyof typeof DispatcherErrorCode];

/** The one error class of `@nuncio/dispatcher`; `code` says which condition it is. */
export class DispatcherError extends Error {
  readonly code: DispatcherErrorCode;

  constructor(code: DispatcherErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DispatcherError';
    this.code = code;
  }
}

/** The target dispatcher has no handler called `handler`. */
export function unknownHandlerError(handler: string, target: string): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.UnknownHandler,
    `dispatcher "${target}" has no handler named "${handler}" (register it on the target thread with registerHandler)`,
  );
}

/** `payload` for `handler` could not be structured-cloned. */
export function payloadNotCloneableError(
  handler: string,
  target: string,
  cause: unknown,
): DispatcherError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new DispatcherError(
    DispatcherErrorCode.PayloadNotCloneable,
    `payload for handler "${handler}" on dispatcher "${target}" cannot be cloned to another thread${detail}`,
    { cause },
  );
}

/** A handler called `handler` is already registered on `dispatcher`. */
export function handlerExistsError(handler: string, dispatcher: string): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.HandlerExists,
    `dispatcher "${dispatcher}" already has a handler named "${handler}"`,
  );
}

/** The handler behind a cross-thread call failed; `message` and `stack` are the remote ones. */
export function remoteHandlerFailedError(
  handler: string,
  target: string,
  message: string,
  stack: string | undefined,
): DispatcherError {
  const error = new DispatcherError(
    DispatcherErrorCode.RemoteHandlerFailed,
    `handler "${handler}" on dispatcher "${target}" failed: ${message}`,
  );
  if (stack !== undefined)
    error.stack = `${error.name}: ${error.message}\n--- remote stack ---\n${stack}`;
  return error;
}

/** The dispatcher `target` can no longer be reached. */
export function targetClosedError(target: string, handler: string): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.TargetClosed,
    `cannot post "${handler}": dispatcher "${target}" has exited or its remote dispatcher was closed`,
  );
}

/** The handle's port already belongs to a remote dispatcher. */
export function handleInUseError(target: string): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.HandleInUse,
    `the handle to dispatcher "${target}" is already in use: create one handle per remote dispatcher`,
  );
}

/** `what` was attempted on the exited dispatcher `dispatcher`. */
export function exitedError(dispatcher: string, what: string): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.Exited,
    `dispatcher "${dispatcher}" has exited: cannot ${what}`,
  );
}

/** `name` was `value`, which is not `expected`. */
export function invalidArgumentError(
  name: string,
  value: unknown,
  expected: string,
): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.InvalidArgument,
    `${name} must be ${expected}, got ${describe(value)}`,
  );
}

/** `mainDispatcher()` on a thread that the worker runtime did not start. */
export function noMainDispatcherError(thread: string): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.NoMainDispatcher,
    `thread "${thread}" was not started by startWorkers(), so it has no main dispatcher`,
  );
}

/** Worker `name` failed to start. */
export function workerStartFailedError(name: string, cause: unknown): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.WorkerStartFailed,
    `worker ${name} failed to start: ${causeMessage(cause)}`,
    { cause },
  );
}

/** Worker `name` crashed. */
export function workerCrashedError(name: string, cause: unknown): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.WorkerCrashed,
    `worker ${name} crashed: ${causeMessage(cause)}`,
    { cause },
  );
}

/** Worker `name` outlived its shutdown time. */
export function workerShutdownTimeoutError(name: string, timeoutMs: number): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.WorkerShutdownTimeout,
    `worker ${name} did not exit within ${timeoutMs} ms of being asked to and was terminated`,
  );
}

/** Watchdog setting `field` has the invalid value `value`. */
export function watchdogInvalidConfigError(
  field: string,
  value: unknown,
  expected: string,
): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.WatchdogInvalidConfig,
    `watchdog setting ${field} must be ${expected}, got ${describe(value)}`,
  );
}

/** No heartbeat slot left for `thread`. */
export function watchdogNoFreeSlotError(thread: string, maxThreads: number): DispatcherError {
  return new DispatcherError(
    DispatcherErrorCode.WatchdogNoFreeSlot,
    `cannot watch thread "${thread}": all ${maxThreads} watchdog slots are taken (raise maxThreads)`,
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
