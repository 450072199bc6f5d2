#!/usr/bin/env node
// `npm start`: builds and starts the proxy on its bundled default config. Runs under Node 24 with
// pnpm on PATH (scripts/setup.mjs sees to that).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const proxyBin = join(root, 'apps', 'proxy', 'dist', 'main.js');

const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], {
  stdio: 'inherit',
  cwd: root,
});
if (build.status !== 0) process.exit(build.status ?? 1);

if (!existsSync(join(root, 'apps', 'proxy', 'package.json'))) {
  console.log('apps/proxy (the nuncio binary) does not exist yet: there is no proxy to start.');
  console.log('What exists is built; run `npm test` to exercise it.');
  process.exit(0);
}
const result = spawnSync(process.execPath, [proxyBin, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(result.status ?? 1);
