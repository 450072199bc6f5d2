// The schema and generated types come from Envoy's protos and stay in step with them; importing
// the package loads neither the schema nor the YAML library.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formattedTypes, TYPES_FILE } from '../scripts/generate-types.ts';
import { compileEnvoySchema } from '../src/schema/compile-protos.ts';
import { envoySchema, SOURCE_SCHEMA_PATH } from '../src/schema/load-schema.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('Envoy schema', () => {
  const compiled = compileEnvoySchema();

  it('is compiled from the protos, with the annotations the loader needs', () => {
    expect(compiled.source).toMatch(/^@grpc\/grpc-js-xds@/);
    const cluster = compiled.messages['envoy.config.cluster.v3.Cluster'];
    expect(cluster?.previous).toBe('envoy.api.v2.Cluster');
    expect(cluster?.fields.find((f) => f.name === 'name')?.rules).toEqual({
      string: { min_len: 1 },
    });
    expect(cluster?.fields.find((f) => f.name === 'connect_timeout')?.rules).toEqual({
      duration: { gt: {} },
    });
    const healthCheck = compiled.messages['envoy.config.core.v3.HealthCheck'];
    expect(healthCheck?.oneofs).toContainEqual({ name: 'health_checker', required: true });
    const tls = compiled.messages['envoy.extensions.transport_sockets.tls.v3.TlsCertificate'];
    expect(tls?.fields.find((f) => f.name === 'private_key')?.sensitive).toBe(true);
    expect(
      compiled.messages['envoy.config.listener.v3.Listener']?.fields.find(
        (f) => f.name === 'reuse_port',
      )?.deprecated,
    ).toBe(true);
    expect(compiled.messages['envoy.extensions.filters.network.wasm.v3.Wasm']).toBeDefined();
    expect(compiled.messages['xds.type.v3.TypedStruct']).toBeDefined();
  });

  it('the precompiled file used from source is the one the protos give', () => {
    const path = fileURLToPath(new URL(`../${SOURCE_SCHEMA_PATH}`, import.meta.url));
    expect(existsSync(path)).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(compiled);
    expect(envoySchema().messages.size).toBe(Object.keys(compiled.messages).length);
  });

  it('generated TypeScript types are up to date (run `pnpm generate:types` if not)', () => {
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(formattedTypes(compiled));
  });
});

describe('importing @nuncio/config', () => {
  it('loads no YAML library until a config is read, and the positional one only for errors', () => {
    // A fresh process: import the package, then read a valid and an invalid config, looking at
    // which YAML libraries are loaded at each step.
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const loaded = () => ['/js-yaml/', '/yaml/dist/'].filter((lib) =>
        Object.keys(require.cache).some((k) => k.includes(lib)));
      const config = await import('@nuncio/config');
      const steps = [loaded()];
      const valid = config.validateBootstrap({ text: 'admin: {}' });
      steps.push(loaded());
      const invalid = config.validateBootstrap({ text: 'admin: { nope: 1 }' });
      steps.push(loaded());
      console.log(JSON.stringify({ steps, valid: valid.ok, line: invalid.problems[0].line }));
    `;
    const output = execFileSync(
      process.execPath,
      ['--conditions=@nuncio/source', '--input-type=module', '-e', script],
      { cwd: packageDir, encoding: 'utf8', timeout: 20_000 },
    );
    expect(JSON.parse(output.trim())).toEqual({
      steps: [[], ['/js-yaml/'], ['/js-yaml/', '/yaml/dist/']],
      valid: true,
      line: 1,
    });
  });
});
