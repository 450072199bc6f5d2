import { createHash } from 'node:crypto';

/**
 * Envoy's `vm_key`: sha256 over `vm_id || configuration || code` (with `||` written between the
 * parts), hex-encoded. VMs with equal keys are the same VM and are shared.
 */
export function makeVmKey(vmId: string, configuration: Uint8Array, code: Uint8Array): string {
  return createHash('sha256')
    .update(vmId)
    .update('||')
    .update(configuration)
    .update('||')
    .update(code)
    .digest('hex');
}

/**
 * The key of a plugin's root context within a VM (proxy-wasm-cpp-host's `makePluginKey`, extended
 * with the settings that change what the plugin sees): plugins with equal keys share a root context.
 */
export function makePluginKey(rootId: string, configuration: Uint8Array, extra: string): string {
  return createHash('sha256')
    .update(rootId)
    .update('||')
    .update(configuration)
    .update('||')
    .update(extra)
    .digest('hex');
}
