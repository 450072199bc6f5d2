#!/usr/bin/env node
// `npm start`: builds and starts the proxy. Without arguments it runs on the bundled default
// config (apps/proxy/config/default.yaml); with arguments (`npm start -- -c envoy.yaml`) they are
// the `nuncio` binary's own. Runs under Node 24 with pnpm on PATH (scripts/setup.mjs sees to that).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const proxyDir = join(root, 'apps', 'proxy');
const proxyBin = join(proxyDir, 'dist', 'main.js');
const defaultConfig = join(proxyDir, 'config', 'default.yaml');

if (!existsSync(join(proxyDir, 'package.json'))) {
  console.log('apps/proxy (the nuncio binary) does not exist yet: there is no proxy to start.');
  process.exit(0);
}

// Only what the proxy needs is built (turbo builds its dependencies first).
const build = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--filter=@nuncio/proxy...', '--output-logs=errors-only'],
  { stdio: 'inherit', cwd: root },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const args = process.argv.slice(2);
// On the bundled config, access-log lines are written every second instead of Envoy's 10 s, so
// the line of each `curl` shows up while one watches.
const proxyArgs =
  args.length > 0 ? args : ['-c', defaultConfig, '--file-flush-interval-msec', '1000'];
if (args.length === 0) {
  console.log(`Starting nuncio on ${defaultConfig}`);
  console.log('  through the proxy:  curl localhost:10000/ready    (TCP proxy to the admin)');
  console.log('  through a plugin:   curl localhost:10001/ready    (proxy-wasm byte counter)');
  console.log('  the admin:          curl localhost:9901/threads');
  console.log('  stop with Ctrl-C (drains, flushes the logs, exits)');
}
const proxy = spawn(process.execPath, [proxyBin, ...proxyArgs], { stdio: 'inherit', cwd: root });
// Ctrl-C reaches the proxy itself (same process group); a signal sent to this script alone is
// passed on. Either way this script waits for the proxy's drain and exits with its code.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGUSR1']) {
  process.on(signal, () => {
    if (signal !== 'SIGINT') proxy.kill(signal);
  });
}
proxy.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)));
