/**
 * Stable codes of the errors this package raises. Match on `code`: a class does not survive
 * `postMessage`.
 */
export const LogErrorCode = {
  /** A component (Envoy logger id) that is not in {@link componentIds}. */
  UnknownComponent: 'NUNCIO_ERR_LOG_UNKNOWN_COMPONENT',
  /** A level name that is not one of Envoy's (or pino's) level names. */
  UnknownLevel: 'NUNCIO_ERR_LOG_UNKNOWN_LEVEL',
  /** A `--component-log-level` entry that is not `<component>:<level>`. */
  BadComponentLogLevel: 'NUNCIO_ERR_LOG_BAD_COMPONENT_LOG_LEVEL',
  /** An option or argument of the wrong type or out of range. */
  InvalidOption: 'NUNCIO_ERR_LOG_INVALID_OPTION',
  /** `openLogRegistry` was given something that is not a descriptor from `descriptor()`. */
  BadDescriptor: 'NUNCIO_ERR_LOG_BAD_DESCRIPTOR',
  /** The log file could not be opened (at creation or on reopen). */
  OpenFailed: 'NUNCIO_ERR_LOG_OPEN_FAILED',
  /** Writing to the log destination failed while a flush or close waited for it. */
  WriteFailed: 'NUNCIO_ERR_LOG_WRITE_FAILED',
  /** The registry was used after `close()` for something that needs it open. */
  Closed: 'NUNCIO_ERR_LOG_CLOSED',
  /** `getLogger()` on a thread where no registry was created or opened. */
  NoRegistry: 'NUNCIO_ERR_LOG_NO_REGISTRY',
} as const;

/** One of {@link LogErrorCode}'s values. */
export type LogErrorCode = (typeof LogErrorCode)[keyof typeof LogErrorCode];

/** The base of every error this package throws; `code` says which condition it is. */
export class LogError extends Error {
  /** Stable code naming the condition; survives `postMessage`, unlike the class. */
  readonly code: LogErrorCode;

  constructor(code: LogErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LogError';
    this.code = code;
  }
}

export function unknownComponentError(component: unknown, valid: readonly string[]): LogError {
  return new LogError(
    LogErrorCode.UnknownComponent,
    `unknown logger component ${quote(component)}; valid components: ${valid.join(', ')}`,
  );
}

export function unknownLevelError(level: unknown, valid: readonly string[]): LogError {
  return new LogError(
    LogErrorCode.UnknownLevel,
    `unknown log level ${quote(level)}; valid levels: ${valid.join(', ')}`,
  );
}

export function badComponentLogLevelError(entry: string): LogError {
  return new LogError(
    LogErrorCode.BadComponentLogLevel,
    `component log level entry ${quote(entry)} is not <component>:<level> ` +
      `(example: upstream:debug,connection:trace)`,
  );
}

export function invalidOptionError(name: string, expected: string, value: unknown): LogError {
  return new LogError(
    LogErrorCode.InvalidOption,
    `${name} must be ${expected}, got ${describe(value)}`,
  );
}

export function badDescriptorError(detail: string): LogError {
  return new LogError(
    LogErrorCode.BadDescriptor,
    `not a log registry descriptor (pass the value of createLogRegistry(...).descriptor()): ${detail}`,
  );
}

export function openFailedError(path: string, cause: unknown): LogError {
  return new LogError(
    LogErrorCode.OpenFailed,
    `cannot open log file ${quote(path)}: ${messageOf(cause)}`,
    { cause },
  );
}

export function writeFailedError(target: string, cause: unknown): LogError {
  return new LogError(
    LogErrorCode.WriteFailed,
    `writing log lines to ${target} failed: ${messageOf(cause)}`,
    { cause },
  );
}

export function closedError(operation: string): LogError {
  return new LogError(LogErrorCode.Closed, `${operation}: the log registry is closed`);
}

export function noRegistryError(): LogError {
  return new LogError(
    LogErrorCode.NoRegistry,
    'getLogger: no log registry on this thread; call createLogRegistry() on the main thread, ' +
      'or openLogRegistry(descriptor, { threadName }) in a worker, first',
  );
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : describe(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
