/**
 * Stable codes of the errors this package raises. Match on `code`: a class does not survive
 * `postMessage`.
 */
export const AccessLogErrorCode = {
  /** A format string is malformed (a `%` that starts no valid command operator). */
  FormatSyntax: 'NUNCIO_ERR_ACCESS_LOG_FORMAT_SYNTAX',
  /** A format string names a command operator that Nuncio does not know or support. */
  UnknownOperator: 'NUNCIO_ERR_ACCESS_LOG_UNKNOWN_OPERATOR',
  /** A command operator was given an argument or length it does not accept. */
  BadOperatorArgument: 'NUNCIO_ERR_ACCESS_LOG_BAD_OPERATOR_ARGUMENT',
  /** An access-log config object has a wrong shape or value. */
  ConfigInvalid: 'NUNCIO_ERR_ACCESS_LOG_CONFIG_INVALID',
  /** An access-log config sets a field that Nuncio does not support (or refuses as deprecated). */
  ConfigUnsupportedField: 'NUNCIO_ERR_ACCESS_LOG_CONFIG_UNSUPPORTED_FIELD',
  /** An option of the access-log manager is out of range. */
  InvalidOption: 'NUNCIO_ERR_ACCESS_LOG_INVALID_OPTION',
  /** An access-log file could not be opened. */
  OpenFailed: 'NUNCIO_ERR_ACCESS_LOG_OPEN_FAILED',
  /** The manager was used after `close()`. */
  Closed: 'NUNCIO_ERR_ACCESS_LOG_CLOSED',
  /** The flush thread stopped unexpectedly. */
  FlushThreadFailed: 'NUNCIO_ERR_ACCESS_LOG_FLUSH_THREAD_FAILED',
  /** A thread handle was used by a second writer (each ring has exactly one producer). */
  HandleInUse: 'NUNCIO_ERR_ACCESS_LOG_HANDLE_IN_USE',
} as const;

/** One of {@link AccessLogErrorCode}'s values. */
export type AccessLogErrorCode = (typeof AccessLogErrorCode)[keyof typeof AccessLogErrorCode];

/** The base of every error this package throws; `code` says which condition it is. */
export class AccessLogError extends Error {
  readonly code: AccessLogErrorCode;

  constructor(code: AccessLogErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AccessLogError';
    this.code = code;
  }
}

/**
 * A configuration error: names the config path (`where`) that is wrong, as Envoy does for the
 * fields of its protos.
 */
export class AccessLogConfigError extends AccessLogError {
  /** The config path of the offending value, e.g. `accessLog[0].typedConfig.logFormat`. */
  readonly where: string;

  constructor(code: AccessLogErrorCode, where: string, message: string) {
    super(code, `${where}: ${message}`);
    this.name = 'AccessLogConfigError';
    this.where = where;
  }
}

export function formatSyntaxError(where: string, format: string, position: number, detail: string) {
  return new AccessLogConfigError(
    AccessLogErrorCode.FormatSyntax,
    where,
    `invalid access log format ${JSON.stringify(format)}: ${detail} at position ${position}`,
  );
}

export function unknownOperatorError(where: string, name: string, format: string) {
  return new AccessLogConfigError(
    AccessLogErrorCode.UnknownOperator,
    where,
    `unknown or unsupported command operator %${name}% in access log format ${JSON.stringify(format)}`,
  );
}

export function badOperatorArgumentError(where: string, name: string, detail: string) {
  return new AccessLogConfigError(
    AccessLogErrorCode.BadOperatorArgument,
    where,
    `command operator %${name}%: ${detail}`,
  );
}

export function configInvalidError(where: string, detail: string) {
  return new AccessLogConfigError(AccessLogErrorCode.ConfigInvalid, where, detail);
}

export function unsupportedFieldError(where: string, detail: string) {
  return new AccessLogConfigError(AccessLogErrorCode.ConfigUnsupportedField, where, detail);
}

export function invalidOptionError(option: string, detail: string) {
  return new AccessLogError(
    AccessLogErrorCode.InvalidOption,
    `access log manager option ${option}: ${detail}`,
  );
}

export function openFailedError(path: string, cause: unknown) {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AccessLogError(
    AccessLogErrorCode.OpenFailed,
    `unable to open access log file '${path}': ${reason}`,
    { cause },
  );
}

export function closedError(operation: string) {
  return new AccessLogError(
    AccessLogErrorCode.Closed,
    `access log manager: ${operation} called after close()`,
  );
}

export function flushThreadFailedError(detail: string) {
  return new AccessLogError(
    AccessLogErrorCode.FlushThreadFailed,
    `access log flush thread failed: ${detail}`,
  );
}

export function handleInUseError(ringId: number) {
  return new AccessLogError(
    AccessLogErrorCode.HandleInUse,
    `access log thread handle ${ringId} already has a writer: register one handle per thread`,
  );
}
