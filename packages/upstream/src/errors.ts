/**
 * Stable codes of the errors this package throws. Configuration and set-up code throws them
 * (naming the cluster and the field); the data path never throws: a host that cannot be reached,
 * a cluster with no healthy host or a full circuit breaker is a result (`null`, a pool failure),
 * counted in the cluster's stats.
 */
export const UpstreamErrorCode = {
  /** A cluster's configuration is malformed or uses what Nuncio does not implement. */
  InvalidClusterConfig: 'NUNCIO_ERR_UPSTREAM_INVALID_CLUSTER',
  /** The cluster manager was created on a worker: it belongs to the main thread. */
  WrongThread: 'NUNCIO_ERR_UPSTREAM_WRONG_THREAD',
  /** The cluster manager was shut down. */
  ShutDown: 'NUNCIO_ERR_UPSTREAM_SHUT_DOWN',
  /** An argument is out of range or of the wrong type. */
  InvalidArgument: 'NUNCIO_ERR_UPSTREAM_INVALID_ARGUMENT',
} as const;

/** One of the {@link UpstreamErrorCode} values. */
export type UpstreamErrorCode = (typeof UpstreamErrorCode)[keyof typeof UpstreamErrorCode];

/** Base of every error this package throws; match on {@link UpstreamError.code}. */
export class UpstreamError extends Error {
  /** Stable code naming the condition; survives `postMessage`, unlike the class. */
  readonly code: UpstreamErrorCode;

  constructor(code: UpstreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
    this.code = code;
  }
}

/** A cluster configuration Nuncio cannot build; the message names the cluster and the field. */
export class ClusterConfigError extends UpstreamError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(UpstreamErrorCode.InvalidClusterConfig, message, options);
    this.name = 'ClusterConfigError';
  }
}

/** `NUNCIO_ERR_UPSTREAM_INVALID_CLUSTER`: `cluster '<name>': <field>: <problem>`. */
export function invalidCluster(
  cluster: string,
  field: string,
  problem: string,
): ClusterConfigError {
  return new ClusterConfigError(`cluster '${cluster}': ${field}: ${problem}`);
}

/** `NUNCIO_ERR_UPSTREAM_WRONG_THREAD` naming the method and where it must be called. */
export function wrongThread(method: string, where: string): UpstreamError {
  return new UpstreamError(UpstreamErrorCode.WrongThread, `${method} must be called on ${where}`);
}

/** `NUNCIO_ERR_UPSTREAM_SHUT_DOWN` naming the method. */
export function shutDown(method: string): UpstreamError {
  return new UpstreamError(
    UpstreamErrorCode.ShutDown,
    `${method}: the cluster manager is shut down`,
  );
}

/** `NUNCIO_ERR_UPSTREAM_INVALID_ARGUMENT` naming the argument, its value and what it must be. */
export function invalidArgument(what: string, value: unknown, expected: string): UpstreamError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new UpstreamError(
    UpstreamErrorCode.InvalidArgument,
    `${what}: ${shown} is not ${expected}`,
  );
}
