import type { AbiVersion } from './abi-version.ts';
import type { MetadataInfo, NodeInfo } from './stream-attributes.ts';
import type { CompiledWasmModule } from './webassembly-api.ts';

/** The runtime names this host accepts in `vm_config.runtime`. */
export const SUPPORTED_RUNTIMES = ['envoy.wasm.runtime.v8'] as const;

/** A VM as configured (Envoy's `VmConfig`), with its code already read. */
export interface WasmVmOptions {
  /** `vm_id`: plugins with the same id (and code and configuration) share one VM per thread. */
  readonly vmId?: string;
  /** `runtime`; only `envoy.wasm.runtime.v8` (the default here). */
  readonly runtime?: string;
  /** The module's bytes. */
  readonly code: Uint8Array;
  /** The VM configuration, given to `proxy_on_vm_start`. */
  readonly configuration?: Uint8Array | string;
  /** Environment variables the module's WASI `environ_*` see (never the host's by default). */
  readonly environment?: Readonly<Record<string, string>>;
}

/** A plugin as configured (Envoy's `PluginConfig`), ready to load. */
export interface WasmPluginOptions {
  /** `name`, used in logs and errors. */
  readonly name: string;
  /** `root_id`: which root context of the module this plugin is. */
  readonly rootId?: string;
  readonly vm: WasmVmOptions;
  /** The plugin configuration, given to `proxy_on_configure`. */
  readonly configuration?: Uint8Array | string;
  /** Pass traffic through untouched when the VM fails, instead of failing the stream. */
  readonly failOpen?: boolean;
  /** Envoy's listener `TrafficDirection` number for `listener_direction` (0, 1 inbound, 2 outbound). */
  readonly listenerDirection?: number;
  readonly listenerMetadata?: MetadataInfo;
  /** The bootstrap's `node`, for the `node` property. */
  readonly node?: NodeInfo;
}

/**
 * A base VM as threads receive it (structured-cloneable: post it to workers). The compiled
 * `WebAssembly.Module` is shared, not copied; each thread instantiates its own copy.
 */
export interface BaseVmDescriptor {
  readonly kind: 'nuncio.wasm-base-vm';
  /** sha256(vm_id || configuration || code), hex. */
  readonly vmKey: string;
  readonly vmId: string;
  readonly runtime: string;
  readonly module: CompiledWasmModule;
  readonly abiVersion: AbiVersion;
  readonly vmConfiguration: Uint8Array;
  readonly environment: readonly (readonly [string, string])[];
}

/** A plugin as threads receive it (structured-cloneable). */
export interface PluginDescriptor {
  readonly kind: 'nuncio.wasm-plugin';
  /** Identifies the plugin's root context within a VM: sha256 of its root id, configuration and settings. */
  readonly key: string;
  readonly name: string;
  readonly rootId: string;
  readonly vmId: string;
  readonly configuration: Uint8Array;
  readonly failOpen: boolean;
  readonly listenerDirection?: number;
  readonly listenerMetadata?: MetadataInfo;
  readonly node?: NodeInfo;
}

/** A loaded plugin as threads receive it: its base VM and itself. */
export interface WasmPluginDescriptor {
  readonly base: BaseVmDescriptor;
  readonly plugin: PluginDescriptor;
}
