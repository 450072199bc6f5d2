// The Go and Rust SDK plugins that @nuncio/wasm-host's scripts/build-sdk-plugins.ts built on this
// machine (this package's `test` script runs it first): where each SDK's modules are, and, when
// its toolchain is missing, the one line the builder wrote saying what to install.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The SDKs whose plugins the suites run. */
export type Sdk = 'go' | 'rust';

/** One SDK's plugins on this machine. */
export interface SdkPlugins {
  readonly sdk: Sdk;
  /** Display name for test titles. */
  readonly title: string;
  /** False when the builder skipped the SDK (toolchain, target or registry missing). */
  readonly available: boolean;
  /** Why not available: one line saying what to install. */
  readonly reason: string;
  /** The file of plugin `name`, for `vm_config.code.local.filename`. */
  path(name: string): string;
}

// The builder's output stays in wasm-host's tree, so one build serves both packages' suites; it
// moves where the builder's own NUNCIO_SDK_PLUGINS_OUT moves it.
const outDir = process.env.NUNCIO_SDK_PLUGINS_OUT;
const buildDir =
  outDir === undefined || outDir === ''
    ? new URL('../../../wasm-host/test/plugins/build/sdk/', import.meta.url)
    : new URL(`${pathToFileURL(resolve(outDir)).href}/`);

type StatusFile = Partial<Record<Sdk, { state: string; reason?: string; plugins: string[] }>>;

function readStatus(): StatusFile | undefined {
  const file = new URL('status.json', buildDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StatusFile;
}

const status = readStatus();

/** What the builder recorded for `sdk`; a plugin it did not build makes the SDK unavailable. */
export function sdkPlugins(sdk: Sdk, needs: readonly string[]): SdkPlugins {
  const entry = status?.[sdk];
  const title = sdk === 'go' ? 'Go SDK' : 'Rust SDK';
  const missing = needs.filter((name) => !(entry?.plugins.includes(name) ?? false));
  let reason = '';
  if (entry === undefined) {
    reason = `${title} plugins not built: run \`pnpm --filter @nuncio/wasm-host build:sdk-plugins\``;
  } else if (entry.state !== 'built') {
    reason = entry.reason ?? `${title} plugins skipped by the builder`;
  } else if (missing.length > 0) {
    reason = `${title} plugins built without ${missing.join(', ')}: run \`pnpm --filter @nuncio/wasm-host build:sdk-plugins\``;
  }
  return {
    sdk,
    title,
    available: reason === '',
    reason,
    path: (name) => fileURLToPath(new URL(`${sdk}/${name}.wasm`, buildDir)),
  };
}
