/** Why a VM failed (proxy-wasm-cpp-host's `FailState`). */
export const FailState = {
  UnableToInitializeCode: 'unable_to_initialize_code',
  MissingFunction: 'missing_function',
  StartFailed: 'start_failed',
  ConfigureFailed: 'configure_failed',
  RuntimeError: 'runtime_error',
} as const;

/** One of the {@link FailState} values (also the last part of its stat name). */
export type FailState = (typeof FailState)[keyof typeof FailState];
