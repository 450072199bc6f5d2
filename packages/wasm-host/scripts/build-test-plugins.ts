// Builds the test plugins into test/plugins/build/ (git-ignored, never committed): the
// AssemblyScript ones with the SDK's compiler, the WebAssembly text ones with wabt. Skips the work
// when the sources and compiler versions are those of the last build (turbo also caches the task).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asDir = join(root, 'test', 'plugins', 'as');
const watDir = join(root, 'test', 'plugins', 'wat');
const outDir = join(root, 'test', 'plugins', 'build');
const stampFile = join(outDir, '.stamp');
const require = createRequire(join(root, 'package.json'));

const asSources = readdirSync(asDir).filter((f) => f.endsWith('.ts'));
const watSources = readdirSync(watDir).filter((f) => f.endsWith('.wat'));

const hash = createHash('sha256');
hash.update(readFileSync(fileURLToPath(import.meta.url)));
for (const pkg of ['assemblyscript', '@solo-io/proxy-runtime', 'wabt']) {
  hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}`);
}
for (const f of asSources) hash.update(f).update(readFileSync(join(asDir, f)));
for (const f of watSources) hash.update(f).update(readFileSync(join(watDir, f)));
const stamp = hash.digest('hex');

const outputs = [
  ...asSources.map((f) => join(outDir, f.replace(/\.ts$/, '.wasm'))),
  ...watSources.map((f) => join(outDir, f.replace(/\.wat$/, '.wasm'))),
];
if (
  existsSync(stampFile) &&
  readFileSync(stampFile, 'utf8') === stamp &&
  outputs.every((f) => existsSync(f))
) {
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc');
for (const f of asSources) {
  const out = join(outDir, f.replace(/\.ts$/, '.wasm'));
  execFileSync(
    process.execPath,
    [asc, join(asDir, f), '-b', out, '--use', 'abort=abort_proc_exit', '--optimize', '--noColors'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
const wabt = await (
  require('wabt') as () => Promise<{
    parseWat(
      name: string,
      text: string,
      features?: Record<string, boolean>,
    ): { toBinary(options: object): { buffer: Uint8Array }; destroy(): void };
  }>
)();
for (const f of watSources) {
  const module = wabt.parseWat(f, readFileSync(join(watDir, f), 'utf8'));
  writeFileSync(join(outDir, f.replace(/\.wat$/, '.wasm')), module.toBinary({}).buffer);
  module.destroy();
}
writeFileSync(stampFile, stamp);
