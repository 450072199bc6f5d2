/** Stable codes of the errors `@nuncio/proxy` raises. Match on `code`. */
export const ProxyErrorCode = {
  /** A command-line flag is unknown, lacks its value, or has a value that is not allowed. */
  BadOption: 'NUNCIO_ERR_PROXY_BAD_OPTION',
  /** Neither `--config-path` nor `--config-yaml` was given. */
  NoConfig: 'NUNCIO_ERR_PROXY_NO_CONFIG',
  /** A start-up step failed (the message names the step); the server did not start. */
  StartFailed: 'NUNCIO_ERR_PROXY_START_FAILED',
} as const;

/** One of the {@link ProxyErrorCode} values. */
export type ProxyErrorCode = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

/** Base of every error `@nuncio/proxy` throws. */
export class ProxyError extends Error {
  readonly code: ProxyErrorCode;

  constructor(code: ProxyErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProxyError';
    this.code = code;
  }
}

/** A flag that cannot be used as given; `flag` is spelled as on the command line. */
export function badOptionError(flag: string, reason: string): ProxyError {
  return new ProxyError(ProxyErrorCode.BadOption, `${flag}: ${reason}`);
}

/** Envoy needs a bootstrap from somewhere. */
export function noConfigError(): ProxyError {
  return new ProxyError(
    ProxyErrorCode.NoConfig,
    'no configuration: give a bootstrap file with -c/--config-path, or --config-yaml, or both',
  );
}

/** A start-up step failed; `cause` is what it threw. */
export function startFailedError(step: string, cause: unknown): ProxyError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ProxyError(ProxyErrorCode.StartFailed, `start-up failed at ${step}: ${reason}`, {
    cause,
  });
}
