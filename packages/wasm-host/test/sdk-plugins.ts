// Shared by the SDK suites (sdk-*.test.ts): which SDKs' plugins scripts/build-sdk-plugins.ts
// built on this machine, their bytes, and loading one on the main thread as a filter's
// configuration would (base VM compiled here, then posted to workers).
import { existsSync, readFileSync } from 'node:fs';
import type { SharedDataDescriptor } from '@nuncio/shared-data';
import type { StatsStoreDescriptor } from '@nuncio/stats';
import {
  type LoadedWasmPlugin,
  loadWasmPlugin,
  type WasmPluginDescriptor,
  type WasmPluginOptions,
} from '../src/index.ts';
import type { mainEnvironment } from './support/helpers.ts';

/** The SDKs whose plugins the suites run. */
export type Sdk = 'go' | 'rust';

/** One SDK's plugins on this machine. */
export interface SdkPlugins {
  readonly sdk: Sdk;
  /** Display name for test titles. */
  readonly title: string;
  /** False when the toolchain (or target, or registry) is missing: the suite skips. */
  readonly available: boolean;
  /** Why not available: one line saying what to install. */
  readonly reason: string;
  /** The plugin that fails on purpose: `panic` (Go) or `trap` (Rust). */
  readonly failing: string;
  /** The plugin's bytes. */
  code(name: string): Uint8Array;
}

const buildDir = new URL('./plugins/build/sdk/', import.meta.url);

type StatusFile = Record<Sdk, { state: string; reason?: string; plugins: string[] }>;

function readStatus(): StatusFile | undefined {
  const file = new URL('status.json', buildDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StatusFile;
}

const status = readStatus();
const codeCache = new Map<string, Uint8Array>();

/** What the builder recorded for `sdk`. */
export function sdkPlugins(sdk: Sdk): SdkPlugins {
  const entry = status?.[sdk];
  const available = entry?.state === 'built';
  const reason =
    entry === undefined
      ? `${sdk} SDK plugins not built: run \`pnpm --filter @nuncio/wasm-host build:sdk-plugins\``
      : (entry.reason ?? '');
  return {
    sdk,
    title: sdk === 'go' ? 'Go SDK' : 'Rust SDK',
    available,
    reason,
    failing: sdk === 'go' ? 'panic' : 'trap',
    code(name: string): Uint8Array {
      const key = `${sdk}/${name}`;
      let code = codeCache.get(key);
      if (code === undefined) {
        code = readFileSync(new URL(`${key}.wasm`, buildDir));
        codeCache.set(key, code);
      }
      return code;
    },
  };
}

/** Both SDKs, for `describe.each`. */
export const SDKS: readonly SdkPlugins[] = [sdkPlugins('go'), sdkPlugins('rust')];

/** Options for SDK plugin `name` of `sdk`. */
export function sdkPluginOptions(
  sdk: SdkPlugins,
  name: string,
  options: Partial<Omit<WasmPluginOptions, 'vm'>> & {
    vmId?: string;
    vmConfiguration?: string;
  } = {},
): WasmPluginOptions {
  const { vmId, vmConfiguration, ...rest } = options;
  return {
    name: `${sdk.sdk}-${name}`,
    rootId: '',
    failOpen: false,
    ...rest,
    vm: {
      vmId: vmId ?? `${sdk.sdk}-${name}`,
      code: sdk.code(name),
      ...(vmConfiguration === undefined ? {} : { configuration: vmConfiguration }),
    },
  };
}

/** The stores a worker opens: the process's shared data and stats. */
export type Stores = [SharedDataDescriptor, StatsStoreDescriptor];

/** Loads plugins on the main thread and releases them when the test is over. */
export class MainThreadPlugins {
  readonly env: ReturnType<typeof mainEnvironment>;
  private readonly loaded: LoadedWasmPlugin[] = [];

  constructor(env: ReturnType<typeof mainEnvironment>) {
    this.env = env;
  }

  /** Compiles and checks the plugin here; returns what workers are given. */
  load(options: WasmPluginOptions): WasmPluginDescriptor {
    const plugin = loadWasmPlugin(options, this.env);
    this.loaded.push(plugin);
    return plugin.descriptor;
  }

  stores(): Stores {
    return [this.env.sharedData.descriptor(), this.env.stats.descriptor];
  }

  counter(name: string): number | undefined {
    return this.env.stats.counters().find((c) => c.name === name)?.value;
  }

  gauge(name: string): number | undefined {
    return this.env.stats.gauges().find((g) => g.name === name)?.value;
  }

  shared(vmId: string, key: string): string | undefined {
    return this.env.sharedData.getString(vmId, key).value;
  }

  release(): void {
    while (this.loaded.length > 0) this.loaded.pop()?.release();
  }
}
