#!/usr/bin/env node
// The README's two commands (`npm start`, `npm test`) land here. This file runs under whatever Node
// the machine has (Node 20 on our machines and CI), so it uses nothing but Node's own modules.
//
// It makes sure three things are in place, each only when missing or out of date, so that a second
// run spends its time on the work and not on set-up:
//   1. Node 24: the system Node when it is new enough, otherwise the pinned one in .toolchain/
//      (installed from the npm registry's `node` package, which carries the official binary).
//   2. pnpm: always the pinned one in .toolchain/ (corepack cannot verify signatures here).
//   3. The workspace's node_modules, installed by pnpm from pnpm-lock.yaml.
// Then it runs the task with Node 24 and pnpm first on PATH.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolchainDir = join(root, '.toolchain');
const toolchainBin = join(toolchainDir, 'node_modules', '.bin');
const MIN_NODE_MAJOR = 24;

const tasks = {
  test: ['node', [join(root, 'scripts', 'run-tests.mjs')]],
  start: ['node', [join(root, 'scripts', 'start.mjs'), ...process.argv.slice(3)]],
  bench: ['node', [join(root, 'scripts', 'run-benches.mjs'), ...process.argv.slice(3)]],
  build: ['pnpm', ['exec', 'turbo', 'run', 'build']],
};

function log(message) {
  process.stderr.write(`[setup] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[setup] error: ${message}\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function sha256(paths) {
  const hash = createHash('sha256');
  for (const path of paths) {
    hash.update(path);
    hash.update(existsSync(path) ? readFileSync(path) : '');
  }
  return hash.digest('hex');
}

/** Install .toolchain/ (pinned Node 24 and pnpm) unless its lockfile is already what is installed. */
function ensureToolchain() {
  const stampPath = join(toolchainDir, 'node_modules', '.nuncio-stamp');
  const want = sha256([join(toolchainDir, 'package-lock.json')]);
  const have = existsSync(stampPath) ? readFileSync(stampPath, 'utf8') : '';
  if (have === want && existsSync(join(toolchainBin, 'pnpm'))) return;
  log('installing the pinned Node 24 and pnpm into .toolchain/ (once) ...');
  const status = run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: toolchainDir,
  });
  if (status !== 0) fail('npm ci in .toolchain/ failed; see the output above');
  writeFileSync(stampPath, want);
}

function systemNodeIsNewEnough() {
  return Number(process.versions.node.split('.')[0]) >= MIN_NODE_MAJOR;
}

/** Every package.json of the workspace plus the lockfile: what decides whether to reinstall. */
function workspaceManifests() {
  const paths = [join(root, 'package.json'), join(root, 'pnpm-lock.yaml')];
  paths.push(join(root, 'pnpm-workspace.yaml'));
  for (const group of ['packages', 'apps', 'bench']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    if (existsSync(join(dir, 'package.json'))) paths.push(join(dir, 'package.json'));
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const manifest = join(dir, entry.name, 'package.json');
      if (entry.isDirectory() && existsSync(manifest)) paths.push(manifest);
    }
  }
  return paths;
}

function ensureWorkspaceInstalled(env) {
  const stampPath = join(root, 'node_modules', '.nuncio-stamp');
  const want = sha256(workspaceManifests());
  const have = existsSync(stampPath) ? readFileSync(stampPath, 'utf8') : '';
  if (have === want) return;
  log('installing workspace dependencies with pnpm ...');
  const args = ['install', '--prefer-offline'];
  if (process.env.CI) args.push('--frozen-lockfile');
  const status = run('pnpm', args, { env });
  if (status !== 0) fail('pnpm install failed; see the output above');
  writeFileSync(stampPath, sha256(workspaceManifests()));
}

const taskName = process.argv[2];
const task = tasks[taskName];
if (!task) fail(`unknown task "${taskName}"; expected one of: ${Object.keys(tasks).join(', ')}`);

ensureToolchain();
const pathEntries = [toolchainBin];
if (systemNodeIsNewEnough()) {
  // The system Node is recent: keep it first so that `node` is the machine's own.
  pathEntries.unshift(dirname(process.execPath));
} else {
  log(`system Node is ${process.version}; using the pinned Node 24 from .toolchain/`);
}
const env = {
  ...process.env,
  PATH: [...pathEntries, join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter),
  // Our own messages say what is happening; update notices and telemetry notices only add noise.
  NO_UPDATE_NOTIFIER: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
};
ensureWorkspaceInstalled(env);

const [command, args] = task;
process.exitCode = run(command, args, { env });
