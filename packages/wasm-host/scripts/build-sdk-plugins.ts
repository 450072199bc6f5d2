// Builds Nuncio's proxy-wasm test plugins written with the Go SDK (test/plugins/go, one main
// package per plugin) and the Rust SDK (test/plugins/rust, one cdylib example per plugin) into
// test/plugins/build/sdk/{go,rust}/<name>.wasm (git-ignored, never committed), and records in
// test/plugins/build/sdk/status.json what was built or why not.
//
// A missing toolchain, target or module registry is not an error: that SDK is recorded as
// skipped with one line saying what to install, and its tests skip. A plugin that does not
// compile is an error. Builds are skipped when the sources, this script and the toolchain
// versions are those of the last build (turbo caches the task on the sources as well).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// Every output is written under a name of this process's own, then renamed into place: wasm-host's
// and wasm-network-filter's tests both run this script, and two runs at once must neither trip
// over each other's temporary files nor leave a half-written plugin where a test would load it.
const tmpSuffix = `.${process.pid}.tmp`;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const goDir = join(root, 'test', 'plugins', 'go');
const rustDir = join(root, 'test', 'plugins', 'rust');
// The output directory can be moved for the builder's own tests.
const outDir = process.env.NUNCIO_SDK_PLUGINS_OUT ?? join(root, 'test', 'plugins', 'build', 'sdk');
const statusFile = join(outDir, 'status.json');
const cargoTarget = join(root, 'node_modules', '.cache', 'nuncio-sdk-plugins', 'cargo-target');
const RUST_TARGET = 'wasm32-wasip1';
const MIN_GO = [1, 24] as const;
/** Module downloads and first builds (the Go standard library for wasip1) take a while on 2 cores. */
const STEP_TIMEOUT_MS = 10 * 60_000;

/** One SDK's entry in status.json. */
interface SdkStatus {
  readonly state: 'built' | 'skipped';
  /** Why the SDK was skipped: one line saying what to install. */
  readonly reason?: string;
  /** The toolchain that built the plugins. */
  readonly toolchain?: string;
  readonly plugins: readonly string[];
  /** Wall time of the last real build (not of a cache hit). */
  readonly buildMs?: number;
  readonly stamp?: string;
}

type Status = { go: SdkStatus; rust: SdkStatus };

function previousStatus(): Partial<Status> {
  try {
    return JSON.parse(readFileSync(statusFile, 'utf8')) as Partial<Status>;
  } catch {
    return {};
  }
}

/** Runs a tool; returns its stdout, or the error with stderr attached. */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; stdout: string } | { ok: false; missing: boolean; message: string } {
  try {
    const stdout = execFileSync(command, args, {
      cwd,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: STEP_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: true, stdout };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string; signal?: string };
    if (e.code === 'ENOENT') return { ok: false, missing: true, message: `${command} not found` };
    const stderr = (e.stderr ?? '').trim();
    const reason = e.signal === 'SIGTERM' ? `timed out after ${STEP_TIMEOUT_MS / 1000} s` : '';
    return { ok: false, missing: false, message: stderr || reason || String(e.message) };
  }
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? text
  );
}

/** Every file under `dir` (sorted, relative), skipping build output folders. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current).sort()) {
      if (entry === 'target' || entry.startsWith('.')) continue;
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out;
}

function sourceStamp(dir: string, toolchain: string): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(toolchain);
  for (const file of filesUnder(dir)) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex');
}

function upToDate(previous: SdkStatus | undefined, stamp: string, sdk: string): boolean {
  return (
    previous?.state === 'built' &&
    previous.stamp === stamp &&
    previous.plugins.every((name) => existsSync(join(outDir, sdk, `${name}.wasm`)))
  );
}

function skipped(reason: string): SdkStatus {
  return { state: 'skipped', reason, plugins: [] };
}

function buildGo(previous: SdkStatus | undefined): SdkStatus {
  const version = run('go', ['version'], goDir);
  if (!version.ok) {
    return skipped(
      version.missing
        ? 'Go SDK plugins skipped: `go` not found; install Go 1.24 or later (https://go.dev/dl/)'
        : `Go SDK plugins skipped: \`go version\` failed: ${firstLine(version.message)}`,
    );
  }
  const toolchain = version.stdout.trim();
  const match = /go(\d+)\.(\d+)/.exec(toolchain);
  const major = Number(match?.[1] ?? 0);
  const minor = Number(match?.[2] ?? 0);
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    return skipped(
      `Go SDK plugins skipped: ${toolchain} is older than Go 1.24 (wasip1 reactors); install Go 1.24 or later`,
    );
  }
  const plugins = readdirSync(goDir)
    .filter((entry) => existsSync(join(goDir, entry, 'main.go')))
    .sort();
  const stamp = sourceStamp(goDir, toolchain);
  if (upToDate(previous, stamp, 'go')) return { ...(previous as SdkStatus), plugins };

  // Never let the go command fetch another toolchain: the one on PATH builds or we skip.
  const env = { ...process.env, GOTOOLCHAIN: 'local' };
  const download = run('go', ['mod', 'download'], goDir, env);
  if (!download.ok) {
    return skipped(
      `Go SDK plugins skipped: could not download the Go SDK module (check GOPROXY): ${firstLine(download.message)}`,
    );
  }
  const started = performance.now();
  mkdirSync(join(outDir, 'go'), { recursive: true });
  const buildEnv = { ...env, GOOS: 'wasip1', GOARCH: 'wasm' };
  for (const name of plugins) {
    const out = join(outDir, 'go', `${name}.wasm`);
    const built = run(
      'go',
      ['build', '-buildmode=c-shared', '-trimpath', '-o', `${out}${tmpSuffix}`, `./${name}`],
      goDir,
      buildEnv,
    );
    if (!built.ok) throw new Error(`Go SDK plugin "${name}" failed to build:\n${built.message}`);
    renameSync(`${out}${tmpSuffix}`, out);
  }
  return { state: 'built', toolchain, plugins, buildMs: performance.now() - started, stamp };
}

function buildRust(previous: SdkStatus | undefined): SdkStatus {
  const rustc = run('rustc', ['-vV'], rustDir);
  const cargo = run('cargo', ['--version'], rustDir);
  if (!rustc.ok || !cargo.ok) {
    return skipped(
      `Rust SDK plugins skipped: ${!rustc.ok ? 'rustc' : 'cargo'} not found; install Rust (https://rustup.rs) and run \`rustup target add ${RUST_TARGET}\``,
    );
  }
  const sysroot = run('rustc', ['--print', 'sysroot'], rustDir);
  if (!sysroot.ok || !existsSync(join(sysroot.stdout.trim(), 'lib', 'rustlib', RUST_TARGET))) {
    return skipped(
      `Rust SDK plugins skipped: the ${RUST_TARGET} target is not installed; run \`rustup target add ${RUST_TARGET}\``,
    );
  }
  const toolchain = firstLine(rustc.stdout);
  const plugins = [
    ...readFileSync(join(rustDir, 'Cargo.toml'), 'utf8').matchAll(/^name = "(\w+)"$/gm),
  ]
    .map((m) => m[1] as string)
    .filter((name) => existsSync(join(rustDir, 'plugins', `${name}.rs`)))
    .sort();
  const stamp = sourceStamp(rustDir, rustc.stdout);
  if (upToDate(previous, stamp, 'rust')) return { ...(previous as SdkStatus), plugins };

  const env = { ...process.env, CARGO_TARGET_DIR: cargoTarget };
  const fetched = run('cargo', ['fetch', '--locked', '--target', RUST_TARGET], rustDir, env);
  if (!fetched.ok) {
    return skipped(
      `Rust SDK plugins skipped: could not fetch the proxy-wasm crate from the registry: ${firstLine(fetched.message)}`,
    );
  }
  const started = performance.now();
  const built = run(
    'cargo',
    ['build', '--release', '--locked', '--offline', '--target', RUST_TARGET, '--examples'],
    rustDir,
    env,
  );
  if (!built.ok) throw new Error(`Rust SDK plugins failed to build:\n${built.message}`);
  mkdirSync(join(outDir, 'rust'), { recursive: true });
  for (const name of plugins) {
    const out = join(outDir, 'rust', `${name}.wasm`);
    copyFileSync(
      join(cargoTarget, RUST_TARGET, 'release', 'examples', `${name}.wasm`),
      `${out}${tmpSuffix}`,
    );
    renameSync(`${out}${tmpSuffix}`, out);
  }
  return { state: 'built', toolchain, plugins, buildMs: performance.now() - started, stamp };
}

const previous = previousStatus();
const status: Status = { go: buildGo(previous.go), rust: buildRust(previous.rust) };
mkdirSync(outDir, { recursive: true });
writeFileSync(`${statusFile}${tmpSuffix}`, `${JSON.stringify(status, null, 2)}\n`);
renameSync(`${statusFile}${tmpSuffix}`, statusFile);

for (const [sdk, entry] of Object.entries(status) as [string, SdkStatus][]) {
  if (entry.state === 'skipped') console.log(entry.reason);
  else if (entry.stamp !== previous[sdk as keyof Status]?.stamp) {
    const seconds = ((entry.buildMs ?? 0) / 1000).toFixed(1);
    console.log(
      `${sdk} SDK plugins: built ${entry.plugins.length} with ${entry.toolchain} in ${seconds} s`,
    );
  }
}
