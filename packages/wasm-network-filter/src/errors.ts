/**
 * Stable codes of the errors this package throws. Only configuration code throws (loading plugins
 * on the main thread, building a listener's filter factory on a worker, starting bootstrap
 * services); the data path never throws: a plugin that fails closes its connection, or lets the
 * bytes pass when it is `fail_open`.
 */
export const WasmNetworkFilterErrorCode = {
  /** A `Wasm` filter or `WasmService` config is malformed or asks for what Nuncio lacks. */
  InvalidConfig: 'NUNCIO_ERR_WASM_NETWORK_INVALID_CONFIG',
  /** A plugin failed to load, start or configure on the main thread (the listener is refused). */
  PluginLoadFailed: 'NUNCIO_ERR_WASM_NETWORK_PLUGIN_LOAD_FAILED',
  /** A worker was asked to build a filter whose plugin the main thread never loaded. */
  PluginNotLoaded: 'NUNCIO_ERR_WASM_NETWORK_PLUGIN_NOT_LOADED',
  /** The factory needs the wasm thread-local singleton, which the program did not provide. */
  MissingSingleton: 'NUNCIO_ERR_WASM_NETWORK_MISSING_SINGLETON',
  /** The plugin manager was used after `shutdown()`. */
  ShutDown: 'NUNCIO_ERR_WASM_NETWORK_SHUT_DOWN',
} as const;

/** One of the {@link WasmNetworkFilterErrorCode} values. */
export type WasmNetworkFilterErrorCode =
  (typeof WasmNetworkFilterErrorCode)[keyof typeof WasmNetworkFilterErrorCode];

/** Base of every error this package throws; match on {@link WasmNetworkFilterError.code}. */
export class WasmNetworkFilterError extends Error {
  /** Stable code naming the condition; survives `postMessage`, unlike the class. */
  readonly code: WasmNetworkFilterErrorCode;
  /** The plugin's `name`, when the error is about one plugin. */
  readonly pluginName: string | undefined;

  constructor(
    code: WasmNetworkFilterErrorCode,
    message: string,
    options?: { cause?: unknown; pluginName?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WasmNetworkFilterError';
    this.code = code;
    this.pluginName = options?.pluginName;
  }
}

/** `NUNCIO_ERR_WASM_NETWORK_INVALID_CONFIG` naming the field. */
export function invalidConfig(
  field: string,
  problem: string,
  pluginName?: string,
  cause?: unknown,
): WasmNetworkFilterError {
  const who = pluginName === undefined ? '' : `Wasm plugin "${pluginName}": `;
  return new WasmNetworkFilterError(
    WasmNetworkFilterErrorCode.InvalidConfig,
    `${who}${field}: ${problem}`,
    { cause, ...(pluginName === undefined ? {} : { pluginName }) },
  );
}

/** `NUNCIO_ERR_WASM_NETWORK_PLUGIN_LOAD_FAILED` naming the plugin and where it is configured. */
export function pluginLoadFailed(
  where: string,
  pluginName: string,
  cause: unknown,
): WasmNetworkFilterError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const named = reason.includes(`"${pluginName}"`)
    ? reason
    : `Wasm plugin "${pluginName}": ${reason}`;
  return new WasmNetworkFilterError(
    WasmNetworkFilterErrorCode.PluginLoadFailed,
    `${where}: ${named}; it will not serve traffic`,
    { cause, pluginName },
  );
}

/** `NUNCIO_ERR_WASM_NETWORK_PLUGIN_NOT_LOADED` naming the plugin. */
export function pluginNotLoaded(pluginName: string): WasmNetworkFilterError {
  return new WasmNetworkFilterError(
    WasmNetworkFilterErrorCode.PluginNotLoaded,
    `Wasm plugin "${pluginName}" was not loaded on the main thread: pass the listener to the WasmPluginManager (addOrUpdateListener) before the workers build it`,
    { pluginName },
  );
}

/** `NUNCIO_ERR_WASM_NETWORK_MISSING_SINGLETON` naming the singleton. */
export function missingSingleton(name: string): WasmNetworkFilterError {
  return new WasmNetworkFilterError(
    WasmNetworkFilterErrorCode.MissingSingleton,
    `envoy.filters.network.wasm needs the '${name}' singleton (this worker's WasmThreadLocal), which the program did not provide`,
  );
}

/** `NUNCIO_ERR_WASM_NETWORK_SHUT_DOWN`. */
export function shutDown(what: string): WasmNetworkFilterError {
  return new WasmNetworkFilterError(
    WasmNetworkFilterErrorCode.ShutDown,
    `${what}: the WasmPluginManager has been shut down`,
  );
}
