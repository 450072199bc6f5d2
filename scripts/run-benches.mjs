#!/usr/bin/env node
// `npm run bench`: builds, then runs every workspace package's `bench` script one after another
// (never in parallel: benchmarks that share two cores disturb each other). Pass a package name to
// run one: `npm run bench -- @nuncio/dispatcher`, and a script name after it to run another script
// than `bench` (`npm run bench:peers` is `... bench @nuncio/bench bench:peers`).
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];
const script = process.argv[3] ?? 'bench';
const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
  stdio: 'inherit',
  cwd: root,
});
if (build.status !== 0) process.exit(build.status ?? 1);
const args = ['--workspace-concurrency=1', '--if-present'];
if (only) args.push('--filter', only);
const result = spawnSync('pnpm', ['-r', ...args, 'run', script], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
