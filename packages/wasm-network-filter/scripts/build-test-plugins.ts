// Compiles the AssemblyScript test plugins (test/plugins/as/*.ts) into test/plugins/build/*.wasm
// (git-ignored, never committed) with the SDK's own compiler. Nothing is done when the sources,
// this script and the compiler versions match the last build's stamp.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'test', 'plugins', 'as');
const outDir = join(root, 'test', 'plugins', 'build');
const stampFile = join(outDir, '.stamp');
const require = createRequire(join(root, 'package.json'));

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
        // proc_exit instead of the SDK's abort import, which Envoy does not provide.
        '--use',
        'abort=abort_proc_exit',
        '--optimize',
        '--noColors',
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  });
  writeFileSync(stampFile, stamp);
}
