import type { ListenerInput, TypedConfigInput } from '@nuncio/network-filter';
import type { SlotRef } from '@nuncio/thread-local';
import type { WasmThreadLocal, WasmThreadLocalSnapshot } from './wasm-thread-local.ts';

/** A plugin the main thread holds loaded, as {@link WasmPluginManager.plugins} lists it. */
export interface WasmPluginSummary {
  /** The plugin's `name`. */
  readonly name: string;
  readonly rootId: string;
  readonly vmId: string;
  /** The config key workers find it by. */
  readonly key: string;
  /** `network_filter` (a listener's filter), `service` (per-thread service) or `singleton`. */
  readonly kind: 'network_filter' | 'service' | 'singleton';
  /** Who uses it: `listener:<name>` entries, or `bootstrap`. */
  readonly users: readonly string[];
}

/** A bootstrap extension as `@nuncio/config` decodes `bootstrap_extensions` entries. */
export interface BootstrapExtensionInput {
  readonly name?: string;
  readonly typedConfig?: TypedConfigInput;
}

/**
 * The main thread's side of proxy-wasm for L4 and bootstrap services (Envoy's `createWasm` on the
 * main thread plus the TLS slot it fills): it loads every plugin once on main (the base VM is
 * compiled once per vm_key, the plugin is tried on a throwaway VM copy), so that a plugin that
 * cannot load refuses its listener there, naming it, and never serves; it publishes the loaded
 * plugins to every thread's {@link WasmThreadLocal}; and it runs singleton services on main.
 *
 * Call `addOrUpdateListener` before handing a listener to the listener manager, and give workers
 * `getSlot(manager.slotRef).get()` as the `WASM_THREAD_LOCAL_SINGLETON` singleton.
 */
export interface WasmPluginManager {
  /** The slot holding each thread's {@link WasmThreadLocal}; post it to workers. */
  readonly slotRef: SlotRef<WasmThreadLocal, WasmThreadLocalSnapshot>;

  /**
   * Loads the plugins of every `envoy.filters.network.wasm` filter of `listener` (replacing those
   * of the listener's previous version) and resolves once every thread holds them. Rejects with a
   * `WasmNetworkFilterError` naming the listener, the filter's path and the plugin when a config is
   * invalid or a plugin fails to load, start or configure; nothing changes then, and the program
   * must refuse the listener.
   */
  addOrUpdateListener(listener: ListenerInput): Promise<void>;

  /**
   * Forgets the plugins of listener `name` (a plugin no other listener uses is dropped: each thread
   * releases it once its last connection ends). Resolves to false when the listener had none.
   */
  removeListener(name: string): Promise<boolean>;

  /**
   * Starts the `envoy.bootstrap.wasm` services among the bootstrap's `bootstrap_extensions` (other
   * extensions are skipped): a `singleton` service runs once, here on the main thread, with its
   * ticks and queues; any other runs on every thread holding the slot (main and each worker), as
   * Envoy does. All or nothing: rejects naming the extension and the plugin when one fails to load
   * or start. Resolves to the number of services started.
   */
  startBootstrapExtensions(
    extensions: readonly BootstrapExtensionInput[] | undefined,
  ): Promise<number>;

  /** The plugins loaded now. */
  plugins(): WasmPluginSummary[];

  /**
   * Stops the singleton services, frees the slot (each thread releases its plugins) and drops the
   * main thread's plugins. Call it before shutting the workers down. Idempotent.
   */
  shutdown(): void;
}
