/**
 * Every error code `@nuncio/admin` raises. Match on `code`, not on the class. Only set-up code
 * throws (creating or starting the admin server); a request never throws into Fastify: a bad query
 * is answered with Envoy's status and message.
 */
export const AdminErrorCode = {
  /** The admin address is not a loopback address and `allowNonLoopback` was not set. */
  NonLoopbackAddress: 'NUNCIO_ERR_ADMIN_NON_LOOPBACK_ADDRESS',
  /** The admin address cannot be used (no socket address or pipe, a bad port, an unknown protocol). */
  InvalidAddress: 'NUNCIO_ERR_ADMIN_INVALID_ADDRESS',
  /** An option of `createAdminServer` or `registerAdminRoutes` is missing or of the wrong type. */
  InvalidOption: 'NUNCIO_ERR_ADMIN_INVALID_OPTION',
  /** The admin server could not listen on its address (in use, no permission...). */
  ListenFailed: 'NUNCIO_ERR_ADMIN_LISTEN_FAILED',
} as const;

/** One of the {@link AdminErrorCode} values. */
export type AdminErrorCode = (typeof AdminErrorCode)[keyof typeof AdminErrorCode];

/** The one error class of `@nuncio/admin`; `code` says which condition it is. */
export class AdminError extends Error {
  /** Stable code, see {@link AdminErrorCode}. */
  readonly code: AdminErrorCode;

  constructor(code: AdminErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdminError';
    this.code = code;
  }
}

/** `address` is not loopback and the caller did not opt in. */
export function nonLoopbackAddressError(address: string): AdminError {
  return new AdminError(
    AdminErrorCode.NonLoopbackAddress,
    `admin.address ${address} is not a loopback address: the admin interface can change and stop ` +
      'the server, so it binds to loopback only unless allowNonLoopback: true is given',
  );
}

/** The admin address at `where` is unusable for `reason`. */
export function invalidAddressError(where: string, reason: string): AdminError {
  return new AdminError(AdminErrorCode.InvalidAddress, `${where}: ${reason}`);
}

/** The option `name` is wrong for `reason`. */
export function invalidOptionError(name: string, reason: string): AdminError {
  return new AdminError(AdminErrorCode.InvalidOption, `admin option ${name}: ${reason}`);
}

/** Listening on `address` failed with `cause`. */
export function listenFailedError(address: string, cause: unknown): AdminError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new AdminError(
    AdminErrorCode.ListenFailed,
    `admin server could not listen on ${address}${detail}`,
    { cause },
  );
}
