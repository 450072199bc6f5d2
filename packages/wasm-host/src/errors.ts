/** Stable codes of {@link WasmHostError}; match on these, not on classes. */
export const WasmHostErrorCode = {
  /** The code is not a WebAssembly module, or V8 refused to compile it. */
  InvalidModule: 'NUNCIO_ERR_WASM_INVALID_MODULE',
  /** The module exports no known `proxy_abi_version_*` marker. */
  UnknownAbiVersion: 'NUNCIO_ERR_WASM_UNKNOWN_ABI_VERSION',
  /** The module lacks an export the host needs (`memory`, `malloc` / `proxy_on_memory_allocate`). */
  MissingExport: 'NUNCIO_ERR_WASM_MISSING_EXPORT',
  /** The module imports a function the host does not provide for its ABI version. */
  MissingImport: 'NUNCIO_ERR_WASM_MISSING_IMPORT',
  /** The module imports a host function with a signature other than the host's. */
  ImportTypeMismatch: 'NUNCIO_ERR_WASM_IMPORT_TYPE_MISMATCH',
  /** Instantiating the module or running its start functions failed. */
  InitializeFailed: 'NUNCIO_ERR_WASM_INITIALIZE_FAILED',
  /** `proxy_on_vm_start` returned false or trapped. */
  StartFailed: 'NUNCIO_ERR_WASM_START_FAILED',
  /** `proxy_on_configure` returned false or trapped. */
  ConfigureFailed: 'NUNCIO_ERR_WASM_CONFIGURE_FAILED',
  /** A plugin or VM configuration the host cannot run (runtime, remote code, configuration type). */
  InvalidConfig: 'NUNCIO_ERR_WASM_INVALID_CONFIG',
  /** A base VM handle was used after `release()`. */
  Released: 'NUNCIO_ERR_WASM_RELEASED',
} as const;

/** One of the {@link WasmHostErrorCode} values. */
export type WasmHostErrorCode = (typeof WasmHostErrorCode)[keyof typeof WasmHostErrorCode];

/**
 * The one error class of `@nuncio/wasm-host`. Thrown at configuration time (loading, validating,
 * starting or configuring a plugin); the data path never throws, it reports through return values
 * and the plugin's failed state.
 */
export class WasmHostError extends Error {
  override readonly name = 'WasmHostError';
  /** What went wrong, stable across versions. */
  readonly code: WasmHostErrorCode;
  /** The plugin concerned, when there is one. */
  readonly pluginName: string | undefined;
  /** The names concerned (missing exports or imports, mismatched imports). */
  readonly names: readonly string[];

  constructor(
    code: WasmHostErrorCode,
    message: string,
    options: { pluginName?: string; names?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.pluginName = options.pluginName;
    this.names = options.names ?? [];
  }
}

/** The code is not WebAssembly or does not compile. */
export function invalidModuleError(reason: string, cause?: unknown): WasmHostError {
  return new WasmHostError(WasmHostErrorCode.InvalidModule, `invalid Wasm module: ${reason}`, {
    cause,
  });
}

/** No `proxy_abi_version_*` marker export. */
export function unknownAbiVersionError(): WasmHostError {
  return new WasmHostError(
    WasmHostErrorCode.UnknownAbiVersion,
    'Missing or unknown Proxy-Wasm ABI version: the module exports none of proxy_abi_version_0_1_0, proxy_abi_version_0_2_0, proxy_abi_version_0_2_1',
  );
}

/** Required exports absent. */
export function missingExportError(names: readonly string[]): WasmHostError {
  return new WasmHostError(
    WasmHostErrorCode.MissingExport,
    `Wasm module is missing required export(s): ${names.join(', ')}`,
    { names },
  );
}

/** Imports the host does not provide. */
export function missingImportError(names: readonly string[], abiVersion: string): WasmHostError {
  return new WasmHostError(
    WasmHostErrorCode.MissingImport,
    `Failed to load Wasm module due to missing import(s) for ABI ${abiVersion}: ${names.join(', ')}`,
    { names },
  );
}

/** Imports whose signature differs from the host's. */
export function importTypeMismatchError(details: readonly string[]): WasmHostError {
  return new WasmHostError(
    WasmHostErrorCode.ImportTypeMismatch,
    `Failed to load Wasm module due to import type mismatch: ${details.join('; ')}`,
    { names: details.map((d) => d.slice(0, d.indexOf(' '))) },
  );
}

/** Instantiation or start functions failed. */
export function initializeFailedError(reason: string, cause?: unknown): WasmHostError {
  return new WasmHostError(
    WasmHostErrorCode.InitializeFailed,
    `Failed to initialize Wasm code: ${reason}`,
    { cause },
  );
}

/** `proxy_on_vm_start` refused. */
export function startFailedError(pluginName: string, reason: string): WasmHostError {
  return new WasmHostError(
    WasmHostErrorCode.StartFailed,
    `Wasm plugin "${pluginName}" failed to start: ${reason}`,
    { pluginName },
  );
}

/** `proxy_on_configure` refused. */
export function configureFailedError(pluginName: string, reason: string): WasmHostError {
  return new WasmHostError(
    WasmHostErrorCode.ConfigureFailed,
    `Wasm plugin "${pluginName}" failed to configure: ${reason}`,
    { pluginName },
  );
}

/** A configuration the host cannot run. */
export function invalidConfigError(message: string, pluginName?: string): WasmHostError {
  return new WasmHostError(
    WasmHostErrorCode.InvalidConfig,
    message,
    pluginName === undefined ? {} : { pluginName },
  );
}

/** Use after release. */
export function releasedError(what: string): WasmHostError {
  return new WasmHostError(WasmHostErrorCode.Released, `${what} was used after release()`);
}
