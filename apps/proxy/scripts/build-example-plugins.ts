// Compiles the proxy-wasm example plugins (examples/wasm/*.ts, AssemblyScript) into
// examples/wasm/build/*.wasm (git-ignored) with the SDK's own compiler, for the bundled config and
// the tests. Nothing is done when the sources, this script and the compiler versions match the
// last build's stamp.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(appDir, '..', '..', 'examples', 'wasm');
const outDir = join(sourceDir, 'build');
const stampFile = join(outDir, '.stamp');
// The compiler and the SDK are this package's devDependencies; pnpm links them here only.
const require = createRequire(join(appDir, 'package.json'));
const modules = join(appDir, 'node_modules');

const sources = readdirSync(sourceDir).filter((name) => name.endsWith('.ts'));
const hash = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url)));
for (const pkg of ['assemblyscript', '@solo-io/proxy-runtime']) {
  const { version } = require(`${pkg}/package.json`) as { version: string };
  hash.update(`${pkg}@${version}`);
}
for (const name of sources) hash.update(name).update(readFileSync(join(sourceDir, name)));
const stamp = hash.digest('hex');
const outputs = sources.map((name) => join(outDir, name.replace(/\.ts$/, '.wasm')));

const upToDate =
  existsSync(stampFile) &&
  readFileSync(stampFile, 'utf8') === stamp &&
  outputs.every((file) => existsSync(file));
if (!upToDate) {
  mkdirSync(outDir, { recursive: true });
  const asc = join(dirname(require.resolve('assemblyscript/package.json')), 'bin', 'asc');
  sources.forEach((name, i) => {
    execFileSync(
      process.execPath,
      [
        asc,
        join(sourceDir, name),
        '-b',
        outputs[i] as string,
        // The SDK lives in this package's node_modules, not beside the examples.
        '--path',
        modules,
        // proc_exit instead of the SDK's abort import, which proxy-wasm hosts do not provide.
        '--use',
        'abort=abort_proc_exit',
        '--optimize',
        '--noColors',
      ],
      { cwd: appDir, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  });
  writeFileSync(stampFile, stamp);
}
