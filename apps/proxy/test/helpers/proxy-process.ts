// Runs the BUILT `nuncio` binary (dist/main.js) as a child process on loopback, the way a user
// runs it. NODE_OPTIONS is cleared so that the child resolves @nuncio/* to the packages' dist/,
// not to their sources as the test runner does.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor, withTimeout } from '@nuncio/test-support';

export const appDir = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = join(appDir, 'dist', 'main.js');
export const defaultConfigPath = join(appDir, 'config', 'default.yaml');
export const repoRoot = join(appDir, '..', '..');

/** `--config-yaml` that moves the admin to a port the OS picks. */
export const ADMIN_ON_PORT_0 = 'admin: {address: {socket_address: {port_value: 0}}}';

/**
 * The bundled default config as it is, but on free ports instead of its fixed 9901 (admin) and
 * 10000 (TCP proxy listener), written into `dir`. Returns its path and the ports.
 */
export async function defaultConfigOnFreePorts(
  dir: string,
): Promise<{ path: string; adminPort: number; proxyPort: number; wasmPort: number }> {
  const adminPort = await freePort();
  const proxyPort = await freePort();
  const wasmPort = await freePort();
  const path = join(dir, `default-${adminPort}.yaml`);
  writeFileSync(
    path,
    readFileSync(defaultConfigPath, 'utf8')
      .replaceAll('port_value: 9901', `port_value: ${adminPort}`)
      .replaceAll('port_value: 10000', `port_value: ${proxyPort}`)
      .replaceAll('port_value: 10001', `port_value: ${wasmPort}`)
      // The plugin's path is relative to the repository's root, where `npm start` runs.
      .replaceAll('filename: examples/', `filename: ${join(repoRoot, 'examples')}/`),
  );
  return { path, adminPort, proxyPort, wasmPort };
}

/** What a finished `nuncio` run printed and how it ended. */
export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `nuncio` with `args` to completion (bounded by `timeoutMs`). */
export async function runNuncio(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  const child = spawnNuncio(args, options.env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    const [code, signal] = await withTimeout(exitOf(child), options.timeoutMs ?? 15_000, 'nuncio');
    return { code, signal, stdout, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function spawnNuncio(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [binPath, ...args], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve([child.exitCode, child.signalCode]);
      return;
    }
    child.once('exit', (code, signal) => resolve([code, signal]));
  });
}

/** A `nuncio` serving in the background. */
export class ProxyProcess {
  readonly child: ChildProcess;
  readonly dir: string;
  /** `http://127.0.0.1:<port>` of its admin, once started. */
  adminUrl: string;
  private out: string;
  private err: string;
  private readonly exit: Promise<[number | null, NodeJS.Signals | null]>;

  constructor(args: readonly string[], dir: string, env?: NodeJS.ProcessEnv) {
    this.dir = dir;
    this.adminUrl = '';
    this.out = '';
    this.err = '';
    this.child = spawnNuncio(args, env);
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.out += chunk.toString();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.err += chunk.toString();
    });
    this.exit = exitOf(this.child);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** The JSON log lines written to stderr so far (other lines skipped). */
  logLines(): Record<string, unknown>[] {
    const lines: Record<string, unknown>[] = [];
    for (const line of this.err.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line cut in the middle by the read
      }
    }
    return lines;
  }

  /** Resolves with the first log line whose message matches. */
  waitForLog(pattern: RegExp, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    return waitFor(() => this.logLines().find((line) => pattern.test(String(line.msg))), {
      timeoutMs,
      intervalMs: 25,
      what: `a log line matching ${pattern}`,
    });
  }

  /** GET (or POST) on the admin; resolves with status and body. */
  async admin(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
    const response = await fetch(`${this.adminUrl}${path}`, { method });
    return { status: response.status, body: await response.text() };
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the exit code and signal, or rejects after `timeoutMs`. */
  exited(timeoutMs = 15_000): Promise<[number | null, NodeJS.Signals | null]> {
    return withTimeout(this.exit, timeoutMs, 'nuncio to exit');
  }

  /** Ends it whatever its state, and removes its directory. */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Starts `nuncio` with `args` plus `--admin-address-path`, and resolves once its admin answers
 * `/ready` with LIVE.
 */
export async function startNuncio(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'nuncio-e2e-'));
  const addressFile = join(dir, 'admin-address');
  const proxy = new ProxyProcess([...args, '--admin-address-path', addressFile], dir, options.env);
  try {
    const address = await waitFor(
      () => {
        if (proxy.child.exitCode !== null) {
          throw new Error(`nuncio exited with ${proxy.child.exitCode}: ${proxy.stderr}`);
        }
        return existsSync(addressFile) ? readFileSync(addressFile, 'utf8') : '';
      },
      { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 25, what: 'the admin address file' },
    );
    proxy.adminUrl = `http://${address}`;
    await waitFor(async () => (await proxy.admin('/ready')).body.trim() === 'LIVE', {
      timeoutMs: 5000,
      intervalMs: 25,
      what: '/ready to say LIVE',
    });
    return proxy;
  } catch (error) {
    await proxy.dispose();
    throw error;
  }
}
