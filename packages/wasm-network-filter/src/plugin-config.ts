// Envoy's `PluginConfig` as the network filter and the bootstrap service take it: checked without
// reading any file (workers check it too), and keyed so that a worker finds the plugin the main
// thread loaded for the same config.
import { createHash } from 'node:crypto';
import type { WasmPluginConfig } from '@nuncio/config';
import { configurationBytes, SUPPORTED_RUNTIMES } from '@nuncio/wasm-host';
import { invalidConfig } from './errors.ts';

/**
 * Checks a decoded `PluginConfig` found at `field` and returns it with proto3 defaults filled in.
 * Refuses, naming the field: a missing config or `vm_config`, a runtime other than V8, `code.remote`
 * (Nuncio does not fetch code yet), code with no local source, and a `configuration` that is not a
 * `google.protobuf.StringValue` or `BytesValue`. Files are not read here.
 */
export function checkPluginConfig(
  config: Partial<WasmPluginConfig> | undefined,
  field: string,
): WasmPluginConfig {
  if (config === undefined || config === null || typeof config !== 'object') {
    throw invalidConfig(field, 'a PluginConfig is required');
  }
  const name = typeof config.name === 'string' ? config.name : '';
  const vm = config.vmConfig;
  if (vm === undefined || vm === null) {
    throw invalidConfig(`${field}.vm_config`, 'is required', name);
  }
  const runtime = vm.runtime ?? '';
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) {
    throw invalidConfig(
      `${field}.vm_config.runtime`,
      `"${runtime}" is not supported (supported: ${SUPPORTED_RUNTIMES.join(', ')})`,
      name,
    );
  }
  const code = vm.code;
  if (code?.remote !== undefined && code.remote !== null) {
    throw invalidConfig(
      `${field}.vm_config.code.remote`,
      'remote code is not supported yet (Nuncio does not fetch plugins); use code.local.filename or code.local.inline_bytes',
      name,
    );
  }
  const local = code?.local;
  if (
    local?.filename === undefined &&
    local?.inlineBytes === undefined &&
    local?.inlineString === undefined
  ) {
    throw invalidConfig(
      `${field}.vm_config.code.local`,
      'needs filename, inline_bytes or inline_string',
      name,
    );
  }
  for (const [path, any] of [
    [`${field}.configuration`, config.configuration],
    [`${field}.vm_config.configuration`, vm.configuration],
  ] as const) {
    try {
      configurationBytes(any, path, name);
    } catch (error) {
      throw invalidConfig(
        path,
        error instanceof Error ? error.message : String(error),
        name,
        error,
      );
    }
  }
  return {
    name,
    rootId: config.rootId ?? '',
    vmConfig: {
      vmId: vm.vmId ?? '',
      runtime,
      code,
      ...(vm.configuration === undefined ? {} : { configuration: vm.configuration }),
      allowPrecompiled: vm.allowPrecompiled ?? false,
      nackOnCodeCacheMiss: vm.nackOnCodeCacheMiss ?? false,
      ...(vm.environmentVariables === undefined
        ? {}
        : { environmentVariables: vm.environmentVariables }),
    },
    ...(config.configuration === undefined ? {} : { configuration: config.configuration }),
    failOpen: config.failOpen ?? false,
  };
}

/**
 * The key under which the main thread publishes the plugin a config names, and a worker looks it
 * up: a hash of the whole config (inline code hashed on its own, not stringified).
 */
export function pluginConfigKey(config: WasmPluginConfig): string {
  const json = JSON.stringify(config, (_key, value: unknown) =>
    value instanceof Uint8Array
      ? { sha256: createHash('sha256').update(value).digest('hex') }
      : typeof value === 'bigint'
        ? value.toString()
        : value,
  );
  return createHash('sha256').update(json).digest('hex');
}
