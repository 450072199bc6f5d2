import type { EnvoyMessages, ExtensionRegistration } from '@nuncio/config';
import { checkPluginConfig } from './plugin-config.ts';
import { wasmPluginSupportedFields } from './wasm-network-filter-extension.ts';

/** The bootstrap wasm service's Envoy name. */
export const WASM_SERVICE_NAME = 'envoy.bootstrap.wasm';
/** The bootstrap wasm service's config type. */
export const WASM_SERVICE_TYPE_NAME = 'envoy.extensions.wasm.v3.WasmService';
/** Envoy's category of bootstrap extensions. */
export const BOOTSTRAP_EXTENSION_CATEGORY = 'envoy.bootstrap';

/** `envoy.extensions.wasm.v3.WasmService`, decoded. */
export type WasmServiceConfig = EnvoyMessages['envoy.extensions.wasm.v3.WasmService'];

/**
 * What a bootstrap extension's registration carries (Envoy's `BootstrapExtensionFactory`, minus
 * the creation, which the `WasmPluginManager` does on the main thread).
 */
export interface BootstrapExtensionFactory<C = unknown> {
  /** Checks the config without loading anything; throws naming the field. */
  validateConfig(config: C | undefined): void;
}

/**
 * Checks a decoded `WasmService` found at `field` and returns its plugin config with defaults
 * filled in, and whether it is a singleton.
 */
export function checkWasmServiceConfig(
  config: Partial<WasmServiceConfig> | undefined,
  field = 'typed_config',
): { plugin: ReturnType<typeof checkPluginConfig>; singleton: boolean } {
  return {
    plugin: checkPluginConfig(config?.config, `${field}.config`),
    singleton: config?.singleton === true,
  };
}

/** The bootstrap service's factory: config checks only. */
export const wasmServiceFactory: BootstrapExtensionFactory<Partial<WasmServiceConfig>> = {
  validateConfig(config) {
    checkWasmServiceConfig(config);
  },
};

/**
 * The registration of `envoy.bootstrap.wasm` for a `ConfigRegistry` (category `envoy.bootstrap`).
 * Registering it also makes the bootstrap's `bootstrap_extensions` field legal. Start the services
 * with `WasmPluginManager.startBootstrapExtensions`.
 */
export const wasmServiceExtension: ExtensionRegistration<BootstrapExtensionFactory> = {
  name: WASM_SERVICE_NAME,
  typeUrls: [`type.googleapis.com/${WASM_SERVICE_TYPE_NAME}`],
  category: BOOTSTRAP_EXTENSION_CATEGORY,
  factory: wasmServiceFactory as BootstrapExtensionFactory,
  supportedFields: Object.freeze({
    [WASM_SERVICE_TYPE_NAME]: ['config', 'singleton'],
    'envoy.config.bootstrap.v3.Bootstrap': ['bootstrap_extensions'],
    'envoy.config.core.v3.TypedExtensionConfig': ['name', 'typed_config'],
    ...wasmPluginSupportedFields,
  }),
};
