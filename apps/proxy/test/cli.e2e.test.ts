// The built binary's command line: --version, --help, unknown flags, --mode validate, and a serve
// that cannot start because of its configuration.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_VERSION } from '../src/index.ts';
import { appDir, defaultConfigPath, runNuncio } from './helpers/proxy-process.ts';

const examplesDir = join(appDir, '..', '..', 'examples');
const examples = readdirSync(examplesDir).filter((name) => name.endsWith('.yaml'));

let dir: string;
let badConfig: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nuncio-cli-'));
  badConfig = join(dir, 'bad.yaml');
  // Three problems of three kinds: a misspelt field, a broken rule, a field Nuncio lacks.
  writeFileSync(
    badConfig,
    [
      'admin:',
      '  adress: {socket_address: {address: 127.0.0.1, port_value: 9901}}',
      'static_resources:',
      '  clusters:',
      '  - name: ""',
      '  - name: b',
      '    type: EDS',
      '',
    ].join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nuncio (built binary)', () => {
  it('--version prints the version and exits 0', async () => {
    const result = await runNuncio(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `nuncio  version: nuncio/${PROXY_VERSION}/Clean/RELEASE/Node.js ${process.versions.node}\n`,
    );
  });

  it('--help lists every flag and exits 0', async () => {
    const result = await runNuncio(['--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--config-path',
      '--config-yaml',
      '--mode',
      '--concurrency',
      '--log-level',
      '--component-log-level',
      '--log-path',
      '--drain-time-s',
      '--drain-strategy',
      '--service-node',
      '--service-cluster',
      '--version',
      '--help',
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it('refuses an unknown flag with exit 1', async () => {
    const result = await runNuncio(['--config', defaultConfigPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--config: unknown flag');
  });

  it('--mode validate says OK for a good file and exits 0', async () => {
    const result = await runNuncio(['--mode', 'validate', '-c', defaultConfigPath]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`configuration '${defaultConfigPath}' OK\n`);
    expect(result.code).toBe(0);
  });

  it('--mode validate prints every problem of a bad file and exits 1', async () => {
    const result = await runNuncio(['--mode', 'validate', '-c', badConfig]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${badConfig}:2:3: admin\\.adress: Cannot find field`)),
      expect.stringMatching(
        new RegExp(`^${badConfig}:5:\\d+: static_resources\\.clusters\\[0\\]\\.name: `),
      ),
      expect.stringMatching(
        new RegExp(`^${badConfig}:7:\\d+: static_resources\\.clusters\\[1\\]\\.type: .*EDS`),
      ),
      `configuration '${badConfig}': 3 problems`,
    ]);
  });

  it('--mode validate checks the file with --config-yaml merged over it', async () => {
    const result = await runNuncio([
      '--mode',
      'validate',
      '-c',
      defaultConfigPath,
      '--config-yaml',
      'admin: {address: {socket_address: {port_value: 0}}}',
    ]);
    expect(result.stdout).toBe(`configuration '${defaultConfigPath} + --config-yaml' OK\n`);
    expect(result.code).toBe(0);
  });

  it('--mode validate builds the listeners too, as Envoy does: ambiguous chains are refused', async () => {
    const ambiguous = join(dir, 'ambiguous.yaml');
    const echo = `- filters:
      - name: envoy.filters.network.echo
        typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo}`;
    writeFileSync(
      ambiguous,
      `static_resources:
  listeners:
  - name: twice
    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
    filter_chains:
    ${echo}
    ${echo}
`,
    );
    const result = await runNuncio(['--mode', 'validate', '-c', ambiguous]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `${ambiguous}: static_resources.listeners[0]: error adding listener '127.0.0.1:0': filter chain 'filter_chains[1]' has the same matching rules defined as 'filter_chains[0]'`,
    );
    expect(result.stderr).toContain(`configuration '${ambiguous}': 1 problem`);
  });

  it.each(examples)('examples/%s is a valid configuration', async (name) => {
    const path = join(examplesDir, name);
    const result = await runNuncio(['--mode', 'validate', '-c', path]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`configuration '${path}' OK\n`);
  });

  it('serving a bad file exits 1 naming the file, before starting anything', async () => {
    const result = await runNuncio(['-c', badConfig, '--concurrency', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${badConfig}:2:3: admin.adress`);
    expect(result.stderr).toContain(`error initializing configuration '${badConfig}': 3 problems`);
  });

  it('serving a missing file exits 1 naming the file', async () => {
    const missing = join(dir, 'missing.yaml');
    const result = await runNuncio(['-c', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot read config file ${missing}`);
  });
});
