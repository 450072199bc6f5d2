import { readFileSync } from 'node:fs';
import type { AnyValue, WasmPluginConfig } from '@nuncio/config';
import { invalidConfigError } from './errors.ts';
import { SUPPORTED_RUNTIMES, type WasmPluginOptions } from './plugin-options.ts';
import type { MetadataInfo, NodeInfo } from './stream-attributes.ts';

/** Options of {@link wasmPluginOptionsFromConfig}. */
export interface FromConfigOptions {
  /** Reads `code.local.filename` (default: `fs.readFileSync`). */
  readonly readFile?: (path: string) => Uint8Array;
  /** Environment lookup for `environment_variables.host_env_keys` (default: `process.env`). */
  readonly hostEnvironment?: Readonly<Record<string, string | undefined>>;
  /** The bootstrap's `node`. */
  readonly node?: NodeInfo;
  /** The listener's traffic direction: 'INBOUND', 'OUTBOUND' or 'UNSPECIFIED'. */
  readonly listenerDirection?: 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';
  readonly listenerMetadata?: MetadataInfo;
}

const STRING_VALUE = 'type.googleapis.com/google.protobuf.StringValue';
const BYTES_VALUE = 'type.googleapis.com/google.protobuf.BytesValue';
const DIRECTIONS = { UNSPECIFIED: 0, INBOUND: 1, OUTBOUND: 2 } as const;

/**
 * Envoy's `configuration` `Any` as the bytes a plugin reads (Envoy's `anyToBytes`): a
 * `StringValue`'s string or a `BytesValue`'s bytes. Other types would be the packed protobuf,
 * which Nuncio does not re-serialize: they are refused, naming the path.
 */
export function configurationBytes(
  any: AnyValue | undefined,
  path: string,
  pluginName: string,
): Uint8Array {
  if (any === undefined || any.typeUrl === '') return new Uint8Array(0);
  const url = any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1);
  if (`type.googleapis.com/${url}` === STRING_VALUE) {
    return new TextEncoder().encode(String(any.value ?? ''));
  }
  if (`type.googleapis.com/${url}` === BYTES_VALUE) {
    return any.value instanceof Uint8Array ? any.value : new Uint8Array(0);
  }
  throw invalidConfigError(
    `Wasm plugin "${pluginName}": ${path} holds ${url}; Nuncio supports google.protobuf.StringValue and google.protobuf.BytesValue`,
    pluginName,
  );
}

/**
 * Turns Envoy's decoded `PluginConfig` (from `@nuncio/config`) into {@link WasmPluginOptions},
 * reading the code. Refuses, naming the field: a missing `vm_config`, a runtime other than V8,
 * `code.remote` (fetching is not there yet), and configurations that are not strings or bytes.
 */
export function wasmPluginOptionsFromConfig(
  config: WasmPluginConfig,
  options: FromConfigOptions = {},
): WasmPluginOptions {
  const name = config.name;
  const vmConfig = config.vmConfig;
  if (vmConfig === undefined) {
    throw invalidConfigError(`Wasm plugin "${name}": vm_config is required`, name);
  }
  const runtime = vmConfig.runtime;
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) {
    throw invalidConfigError(
      `Wasm plugin "${name}": vm_config.runtime "${runtime}" is not supported (supported: ${SUPPORTED_RUNTIMES.join(', ')})`,
      name,
    );
  }
  const code = vmConfig.code;
  if (code?.remote !== undefined) {
    throw invalidConfigError(
      `Wasm plugin "${name}": vm_config.code.remote is not supported yet; use code.local`,
      name,
    );
  }
  const local = code?.local;
  let bytes: Uint8Array;
  if (local?.filename !== undefined) {
    bytes = (options.readFile ?? ((path) => readFileSync(path)))(local.filename);
  } else if (local?.inlineBytes !== undefined) {
    bytes = local.inlineBytes;
  } else if (local?.inlineString !== undefined) {
    bytes = new TextEncoder().encode(local.inlineString);
  } else {
    throw invalidConfigError(
      `Wasm plugin "${name}": vm_config.code.local needs filename, inline_bytes or inline_string`,
      name,
    );
  }
  const environment: Record<string, string> = {};
  const hostEnv = options.hostEnvironment ?? process.env;
  for (const key of vmConfig.environmentVariables?.hostEnvKeys ?? []) {
    const value = hostEnv[key];
    if (value !== undefined) environment[key] = value;
  }
  Object.assign(environment, vmConfig.environmentVariables?.keyValues ?? {});
  return {
    name,
    rootId: config.rootId,
    vm: {
      vmId: vmConfig.vmId,
      runtime,
      code: bytes,
      configuration: configurationBytes(vmConfig.configuration, 'vm_config.configuration', name),
      environment,
    },
    configuration: configurationBytes(config.configuration, 'configuration', name),
    failOpen: config.failOpen,
    ...(options.node === undefined ? {} : { node: options.node }),
    ...(options.listenerDirection === undefined
      ? {}
      : { listenerDirection: DIRECTIONS[options.listenerDirection] }),
    ...(options.listenerMetadata === undefined
      ? {}
      : { listenerMetadata: options.listenerMetadata }),
  };
}
