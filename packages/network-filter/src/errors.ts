/**
 * Stable codes of the errors this package throws. They come from configuration and set-up code
 * (building a listener, binding its socket, bad arguments); the data path never throws: a
 * connection that cannot go on is closed, and the reason is kept on it.
 */
export const NetworkErrorCode = {
  /** A listener's configuration is malformed; the message names the field. */
  InvalidListenerConfig: 'NUNCIO_ERR_LISTENER_INVALID_CONFIG',
  /** Two filter chains have identical `filter_chain_match` messages. */
  DuplicateFilterChainMatch: 'NUNCIO_ERR_LISTENER_DUPLICATE_MATCH',
  /** Two filter chains share a leaf of the match tree (overlapping repeated fields). */
  OverlappingFilterChainMatch: 'NUNCIO_ERR_LISTENER_OVERLAPPING_MATCH',
  /** A filter names an extension that is not registered, or one of another category. */
  UnknownExtension: 'NUNCIO_ERR_LISTENER_UNKNOWN_EXTENSION',
  /** An extension's factory refused its typed config. */
  InvalidExtensionConfig: 'NUNCIO_ERR_LISTENER_EXTENSION_CONFIG',
  /** A listener of that name already exists on the connection handler. */
  ListenerExists: 'NUNCIO_ERR_LISTENER_EXISTS',
  /** The listening socket could not be bound (address in use, permission, bad address). */
  BindFailed: 'NUNCIO_ERR_LISTENER_BIND_FAILED',
  /** An argument of a connection or handler method is out of range or of the wrong type. */
  InvalidArgument: 'NUNCIO_ERR_NETWORK_INVALID_ARGUMENT',
  /** A filter was added to a connection whose read filters have already been initialized. */
  FiltersInitialized: 'NUNCIO_ERR_NETWORK_FILTERS_INITIALIZED',
} as const;

/** One of the {@link NetworkErrorCode} values. */
export type NetworkErrorCode = (typeof NetworkErrorCode)[keyof typeof NetworkErrorCode];

/** Base of every error this package throws; match on {@link NetworkError.code}. */
export class NetworkError extends Error {
  /** Stable code naming the condition; survives `postMessage`, unlike the class. */
  readonly code: NetworkErrorCode;

  constructor(code: NetworkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
    this.code = code;
  }
}

/**
 * A listener configuration Nuncio cannot build. The message follows Envoy's
 * `error adding listener '<address>': ...` wording where Envoy has one.
 */
export class ListenerConfigError extends NetworkError {
  constructor(code: NetworkErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ListenerConfigError';
  }
}

/** `NUNCIO_ERR_LISTENER_INVALID_CONFIG` with a message naming the field. */
export function invalidListenerConfig(message: string): ListenerConfigError {
  return new ListenerConfigError(NetworkErrorCode.InvalidListenerConfig, message);
}

/** `NUNCIO_ERR_NETWORK_INVALID_ARGUMENT` naming the argument, what it was and what it must be. */
export function invalidArgument(what: string, value: unknown, expected: string): NetworkError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new NetworkError(
    NetworkErrorCode.InvalidArgument,
    `${what} must be ${expected}, got ${shown}`,
  );
}
