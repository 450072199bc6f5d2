/**
 * Stable codes of the errors this package throws. Only configuration code throws (building the
 * filter's factory, which rejects the listener); the data path never throws: a connection that
 * cannot be proxied is closed, with the reason in its stream info and stats.
 */
export const TcpProxyErrorCode = {
  /** The filter's `TcpProxy` config is malformed or uses what Nuncio does not implement. */
  InvalidConfig: 'NUNCIO_ERR_TCP_PROXY_INVALID_CONFIG',
  /** The factory needs a service the assembler did not provide (the cluster manager, access logs). */
  MissingSingleton: 'NUNCIO_ERR_TCP_PROXY_MISSING_SINGLETON',
  /** An `access_log` entry has no spec in the table the main thread prepared. */
  UnknownAccessLog: 'NUNCIO_ERR_TCP_PROXY_UNKNOWN_ACCESS_LOG',
} as const;

/** One of the {@link TcpProxyErrorCode} values. */
export type TcpProxyErrorCode = (typeof TcpProxyErrorCode)[keyof typeof TcpProxyErrorCode];

/** Base of every error this package throws; match on {@link TcpProxyError.code}. */
export class TcpProxyError extends Error {
  /** Stable code naming the condition; survives `postMessage`, unlike the class. */
  readonly code: TcpProxyErrorCode;

  constructor(code: TcpProxyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TcpProxyError';
    this.code = code;
  }
}

/** `NUNCIO_ERR_TCP_PROXY_INVALID_CONFIG` naming the field. */
export function invalidConfig(field: string, problem: string): TcpProxyError {
  return new TcpProxyError(TcpProxyErrorCode.InvalidConfig, `tcp_proxy: ${field}: ${problem}`);
}

/** `NUNCIO_ERR_TCP_PROXY_MISSING_SINGLETON` naming the service and why it is needed. */
export function missingSingleton(name: string, why: string): TcpProxyError {
  return new TcpProxyError(
    TcpProxyErrorCode.MissingSingleton,
    `tcp_proxy: ${why} needs the '${name}' singleton, which the program did not provide`,
  );
}

/** `NUNCIO_ERR_TCP_PROXY_UNKNOWN_ACCESS_LOG` naming the entry. */
export function unknownAccessLog(where: string): TcpProxyError {
  return new TcpProxyError(
    TcpProxyErrorCode.UnknownAccessLog,
    `tcp_proxy: ${where}: no access log was prepared for this entry on the main thread`,
  );
}
