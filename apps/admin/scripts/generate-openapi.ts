// Writes the admin's OpenAPI document to docs/admin-openapi.json (run `pnpm --filter
// @nuncio/admin generate:openapi` after changing a route schema; a test fails until you do).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adminOpenApiDocument } from '../src/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const OPENAPI_PATH = fileURLToPath(
  new URL('../../../docs/admin-openapi.json', import.meta.url),
);

const document = await adminOpenApiDocument();
writeFileSync(OPENAPI_PATH, `${JSON.stringify(document, null, 2)}\n`);
// Keep the file as the repository's formatter wants it.
const biome = spawnSync('pnpm', ['exec', 'biome', 'format', '--write', OPENAPI_PATH], {
  cwd: root,
  stdio: 'inherit',
});
if (biome.status !== 0) process.exitCode = 1;
console.log(`wrote ${OPENAPI_PATH}`);
