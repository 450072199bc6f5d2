// The main thread's side of a plugin (Envoy's `createWasm`): compile the base VM once per vm_key,
// validate it against the ABI, try the plugin on a throwaway copy (Envoy's canary), and hand out a
// descriptor that worker threads instantiate from.
import { ABI_VERSION_MARKERS, type AbiVersion } from './abi-version.ts';
import {
  importTypeMismatchError,
  invalidConfigError,
  invalidModuleError,
  missingExportError,
  missingImportError,
  releasedError,
  unknownAbiVersionError,
  WasmHostError,
  WasmHostErrorCode,
} from './errors.ts';
import type { WasmHostEnvironment } from './host-environment.ts';
import { hostSignature } from './host-signatures.ts';
import { readModuleInfo } from './module-info.ts';
import {
  type BaseVmDescriptor,
  type PluginDescriptor,
  SUPPORTED_RUNTIMES,
  type WasmPluginDescriptor,
  type WasmPluginOptions,
} from './plugin-options.ts';
import { hostFor } from './thread-host.ts';
import { makePluginKey, makeVmKey } from './vm-key.ts';
import { WasmVm } from './wasm-vm.ts';
import { type CompiledWasmModule, WasmApi } from './webassembly-api.ts';

/** A plugin loaded on the main thread; post `descriptor` to the threads that run it. */
export interface LoadedWasmPlugin {
  /** What threads need to run the plugin (structured-cloneable). */
  readonly descriptor: WasmPluginDescriptor;
  /** The plugin's name. */
  readonly name: string;
  /**
   * Drops this reference to the base VM. When no plugin holds a base VM any more it leaves the
   * cache, and when no base VM of its vm_id is left, the vm_id's shared data and queues are deleted
   * (Envoy's `deleteByVmId`). Call it once the threads have dropped the plugin.
   */
  release(): void;
}

interface BaseEntry {
  readonly descriptor: BaseVmDescriptor;
  refs: number;
  /** Canary outcome per plugin key: null when the plugin started and configured. */
  readonly canaries: Map<string, WasmHostError | null>;
}

// The base VM cache of this thread (normally the main thread), by vm_key.
const baseVms = new Map<string, BaseEntry>();

function bytes(value: Uint8Array | string | undefined): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  return typeof value === 'string' ? new TextEncoder().encode(value) : value;
}

/**
 * Compiles and validates a module: a known ABI version marker, the exports the host needs, and
 * only imports the host provides with the host's signatures. Throws a `WasmHostError` naming what
 * is wrong.
 */
export function compileBaseVm(
  code: Uint8Array,
  vmId: string,
  runtime: string,
  vmConfiguration: Uint8Array,
  environment: readonly (readonly [string, string])[],
): BaseVmDescriptor {
  let module: CompiledWasmModule;
  try {
    module = new WasmApi.Module(code);
  } catch (error) {
    throw invalidModuleError(error instanceof Error ? error.message : String(error), error);
  }
  const info = readModuleInfo(code);
  let abiVersion: AbiVersion | undefined;
  for (const e of info.exports) {
    if (e.kind === 'function' && Object.hasOwn(ABI_VERSION_MARKERS, e.name)) {
      abiVersion = ABI_VERSION_MARKERS[e.name];
      break;
    }
  }
  if (abiVersion === undefined) throw unknownAbiVersionError();
  const exported = new Map(info.exports.map((e) => [e.name, e.kind]));
  const missingExports: string[] = [];
  if (exported.get('memory') !== 'memory') missingExports.push('memory');
  if (
    exported.get('proxy_on_memory_allocate') !== 'function' &&
    exported.get('malloc') !== 'function'
  ) {
    missingExports.push('proxy_on_memory_allocate (or malloc)');
  }
  if (missingExports.length > 0) throw missingExportError(missingExports);
  const missingImports: string[] = [];
  const mismatched: string[] = [];
  for (const fn of info.functionImports) {
    const expected = hostSignature(abiVersion, fn.module, fn.name);
    const full = `${fn.module}.${fn.name}`;
    if (expected === undefined) missingImports.push(full);
    else if (fn.signature !== null && fn.signature !== expected) {
      mismatched.push(`${full} (module: ${fn.signature}, host: ${expected})`);
    }
  }
  for (const other of info.otherImports)
    missingImports.push(`${other.module}.${other.name} (${other.kind})`);
  if (missingImports.length > 0) throw missingImportError(missingImports, abiVersion);
  if (mismatched.length > 0) throw importTypeMismatchError(mismatched);
  return {
    kind: 'nuncio.wasm-base-vm',
    vmKey: makeVmKey(vmId, vmConfiguration, code),
    vmId,
    runtime,
    module,
    abiVersion,
    vmConfiguration,
    environment,
  };
}

/** The plugin's descriptor from its options. */
export function pluginDescriptor(options: WasmPluginOptions): PluginDescriptor {
  const configuration = bytes(options.configuration);
  const rootId = options.rootId ?? '';
  const vmId = options.vm.vmId ?? '';
  const extra = JSON.stringify([
    options.name,
    options.failOpen === true,
    options.listenerDirection ?? null,
    options.listenerMetadata ?? null,
    options.node ?? null,
  ]);
  return {
    kind: 'nuncio.wasm-plugin',
    key: makePluginKey(rootId, configuration, extra),
    name: options.name,
    rootId,
    vmId,
    configuration,
    failOpen: options.failOpen === true,
    ...(options.listenerDirection === undefined
      ? {}
      : { listenerDirection: options.listenerDirection }),
    ...(options.listenerMetadata === undefined
      ? {}
      : { listenerMetadata: options.listenerMetadata }),
    ...(options.node === undefined ? {} : { node: options.node }),
  };
}

/**
 * Loads a plugin on this thread (the main thread, as Envoy's `createWasm`): the base VM is compiled
 * once per vm_key and cached while any plugin holds it; each new plugin is started and configured
 * on a throwaway VM copy first, so that a plugin whose module is broken, or whose
 * `proxy_on_vm_start` or `proxy_on_configure` refuses, fails here, naming it, instead of on every
 * worker. Throws a `WasmHostError` (with `pluginName` set).
 */
export function loadWasmPlugin(
  options: WasmPluginOptions,
  env: WasmHostEnvironment,
): LoadedWasmPlugin {
  const runtime = options.vm.runtime ?? SUPPORTED_RUNTIMES[0];
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) {
    throw invalidConfigError(
      `Wasm plugin "${options.name}": runtime "${runtime}" is not supported (supported: ${SUPPORTED_RUNTIMES.join(', ')})`,
      options.name,
    );
  }
  const vmId = options.vm.vmId ?? '';
  const vmConfiguration = bytes(options.vm.configuration);
  const vmKey = makeVmKey(vmId, vmConfiguration, options.vm.code);
  let entry = baseVms.get(vmKey);
  if (entry === undefined) {
    let descriptor: BaseVmDescriptor;
    try {
      descriptor = compileBaseVm(
        options.vm.code,
        vmId,
        runtime,
        vmConfiguration,
        Object.entries(options.vm.environment ?? {}),
      );
    } catch (error) {
      throw withPlugin(error, options.name);
    }
    entry = { descriptor, refs: 0, canaries: new Map() };
    baseVms.set(vmKey, entry);
  }
  const plugin = pluginDescriptor(options);
  let canary = entry.canaries.get(plugin.key);
  if (canary === undefined) {
    canary = runCanary(entry.descriptor, plugin, env);
    entry.canaries.set(plugin.key, canary);
  }
  if (canary !== null) {
    if (entry.refs === 0) baseVms.delete(vmKey);
    throw canary;
  }
  entry.refs++;
  const held = entry;
  let released = false;
  return {
    descriptor: { base: entry.descriptor, plugin },
    name: options.name,
    release() {
      if (released) throw releasedError(`Wasm plugin "${options.name}"`);
      released = true;
      held.refs--;
      if (held.refs > 0) return;
      baseVms.delete(vmKey);
      for (const other of baseVms.values()) if (other.descriptor.vmId === vmId) return;
      env.sharedData.deleteByVmId(vmId);
    },
  };
}

/** Starts and configures `plugin` on a VM copy that is then dropped; returns the error, if any. */
function runCanary(
  base: BaseVmDescriptor,
  plugin: PluginDescriptor,
  env: WasmHostEnvironment,
): WasmHostError | null {
  const vm = new WasmVm(base, hostFor(env, base.runtime));
  try {
    vm.initialize();
    const root = vm.startPlugin(plugin);
    vm.configurePlugin(root, plugin);
    return null;
  } catch (error) {
    return withPlugin(error, plugin.name);
  } finally {
    // Envoy kills the canary without shutting its contexts down.
    vm.dispose();
  }
}

function withPlugin(error: unknown, pluginName: string): WasmHostError {
  if (error instanceof WasmHostError) {
    if (error.pluginName !== undefined) return error;
    const message = error.message.startsWith('Wasm plugin')
      ? error.message
      : `Wasm plugin "${pluginName}": ${error.message}`;
    return new WasmHostError(error.code, message, {
      pluginName,
      names: error.names,
      cause: error.cause,
    });
  }
  return new WasmHostError(
    WasmHostErrorCode.InitializeFailed,
    `Wasm plugin "${pluginName}": ${error instanceof Error ? error.message : String(error)}`,
    { pluginName, cause: error },
  );
}

/** Number of base VMs cached on this thread (for tests and the admin). */
export function cachedBaseVmCount(): number {
  return baseVms.size;
}
