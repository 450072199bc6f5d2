// Builds the AssemblyScript test plugins into test/plugins/build/ (git-ignored, never committed)
// with the SDK's compiler. Skips the work when the sources and compiler versions are those of the
// last build (turbo also caches the task). The hand-written WebAssembly text modules of the edge
// case tests are compiled by the tests themselves, with wabt.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asDir = join(root, 'test', 'plugins', 'as');
const outDir = join(root, 'test', 'plugins', 'build');
const stampFile = join(outDir, '.stamp');
const require = createRequire(join(root, 'package.json'));

const asSources = readdirSync(asDir).filter((f) => f.endsWith('.ts'));

const hash = createHash('sha256');
hash.update(readFileSync(fileURLToPath(import.meta.url)));
for (const pkg of ['assemblyscript', '@solo-io/proxy-runtime']) {
  hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}`);
}
for (const f of asSources) hash.update(f).update(readFileSync(join(asDir, f)));
const stamp = hash.digest('hex');

const outputs = asSources.map((f) => join(outDir, f.replace(/\.ts$/, '.wasm')));
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
writeFileSync(stampFile, stamp);
