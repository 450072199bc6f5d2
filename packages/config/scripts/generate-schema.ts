// Compiles Envoy's API protos (from @grpc/grpc-js-xds) into the compact schema the loader reads.
// Usage: node scripts/generate-schema.ts <output.json> [--if-missing]
// (--if-missing keeps an existing file compiled from the same protos version.)
// The build writes dist/envoy-schema.json; the test script writes generated/envoy-schema.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compileEnvoySchema, findProtoSources } from '../src/schema/compile-protos.ts';

const output = process.argv[2];
if (!output) {
  console.error('usage: node scripts/generate-schema.ts <output.json> [--if-missing]');
  process.exit(2);
}
const target = resolve(output);
// --if-missing: keep an existing schema compiled from the same version of the protos.
if (process.argv.includes('--if-missing') && existsSync(target)) {
  const existing = JSON.parse(readFileSync(target, 'utf8')) as { source?: string };
  if (existing.source === findProtoSources().version) process.exit(0);
}
const started = performance.now();
const schema = compileEnvoySchema();
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify(schema));
console.log(
  `wrote ${target}: ${Object.keys(schema.messages).length} messages, ${Object.keys(schema.enums).length} enums from ${schema.source} in ${Math.round(performance.now() - started)} ms`,
);
