import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileEnvoySchema } from './compile-protos.ts';
import type { EnvoySchema } from './schema.ts';
import { SchemaIndex } from './schema-index.ts';

/** File name of the precompiled schema, beside the built code in `dist/`. */
export const SCHEMA_FILE = 'envoy-schema.json';

let loaded: SchemaIndex | undefined;

/** Where the test and bench scripts generate the schema for runs from source (not in git). */
export const SOURCE_SCHEMA_PATH = `node_modules/.cache/nuncio-config/${SCHEMA_FILE}`;

// Run from source (tests, `--conditions=@nuncio/source`), this file is src/schema/load-schema.ts
// and the schema is generated under the package's node_modules/.cache; built, the code is bundled
// into dist/ and the schema sits beside it.
function schemaPath(): string {
  const url = import.meta.url.endsWith('.ts')
    ? new URL(`../../${SOURCE_SCHEMA_PATH}`, import.meta.url)
    : new URL(`./${SCHEMA_FILE}`, import.meta.url);
  return fileURLToPath(url);
}

/**
 * The Envoy API schema, loaded on first use: the precompiled `envoy-schema.json` (a few
 * milliseconds), or, when the package runs from source before the schema was generated, compiled
 * from the protos there and then (a few hundred milliseconds). Importing the package loads nothing.
 */
export function envoySchema(): SchemaIndex {
  if (loaded) return loaded;
  const path = schemaPath();
  const schema: EnvoySchema = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as EnvoySchema)
    : compileEnvoySchema();
  loaded = new SchemaIndex(schema);
  return loaded;
}
