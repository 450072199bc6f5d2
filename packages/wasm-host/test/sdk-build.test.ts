// The SDK plugin builder on a machine without the toolchains: it must succeed, build nothing,
// record each SDK as skipped and print one line per SDK saying what to install. Toolchains are
// taken away by running it with a PATH that holds only node and, where a test needs one, a
// stand-in tool (a shell script answering the version questions the builder asks).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const builder = new URL('../scripts/build-sdk-plugins.ts', import.meta.url);
const temporary: string[] = [];
afterEach(() => {
  while (temporary.length > 0) rmSync(temporary.pop() as string, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nuncio-sdk-build-'));
  temporary.push(dir);
  return dir;
}

/** A stand-in tool: a shell script answering what the builder asks it. */
function tool(dir: string, name: string, script: string): void {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
}

function runBuilder(toolsDir?: string): {
  lines: string[];
  status: Record<string, { state: string; reason?: string; plugins: string[] }>;
  out: string;
} {
  const out = tempDir();
  const path = [toolsDir, dirname(process.execPath)].filter(Boolean).join(':');
  const stdout = execFileSync(process.execPath, [builder.pathname], {
    env: { PATH: path, HOME: out, NUNCIO_SDK_PLUGINS_OUT: out },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return {
    lines: stdout.split('\n').filter((l) => l.length > 0),
    status: JSON.parse(readFileSync(join(out, 'status.json'), 'utf8')),
    out,
  };
}

describe.skipIf(process.platform === 'win32')('build-sdk-plugins without toolchains', () => {
  it('skips both SDKs with one line each saying what to install, and builds nothing', () => {
    const { lines, status, out } = runBuilder();
    expect(lines).toEqual([
      'Go SDK plugins skipped: `go` not found; install Go 1.24 or later (https://go.dev/dl/)',
      'Rust SDK plugins skipped: rustc not found; install Rust (https://rustup.rs) and run `rustup target add wasm32-wasip1`',
    ]);
    expect(status.go).toEqual({ state: 'skipped', reason: lines[0], plugins: [] });
    expect(status.rust).toEqual({ state: 'skipped', reason: lines[1], plugins: [] });
    expect(existsSync(join(out, 'go'))).toBe(false);
    expect(existsSync(join(out, 'rust'))).toBe(false);
  });

  it('skips Go older than 1.24 and Rust without the wasm32-wasip1 target', () => {
    const tools = tempDir();
    const sysroot = tempDir(); // a Rust sysroot with no lib/rustlib/wasm32-wasip1
    tool(tools, 'go', 'echo "go version go1.22.5 linux/amd64"');
    tool(
      tools,
      'rustc',
      `if [ "$1" = "--print" ]; then echo "${sysroot}"; else echo "rustc 1.80.0 (stand-in)"; fi`,
    );
    tool(tools, 'cargo', 'echo "cargo 1.80.0 (stand-in)"');
    const { lines, status } = runBuilder(tools);
    expect(lines).toEqual([
      'Go SDK plugins skipped: go version go1.22.5 linux/amd64 is older than Go 1.24 (wasip1 reactors); install Go 1.24 or later',
      'Rust SDK plugins skipped: the wasm32-wasip1 target is not installed; run `rustup target add wasm32-wasip1`',
    ]);
    expect(status.go?.state).toBe('skipped');
    expect(status.rust?.state).toBe('skipped');
  });
});
