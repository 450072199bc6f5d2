// How long loading a config takes: the cold paths (import, schema, first load) in fresh processes,
// and a bootstrap with 100 listeners and 1,000 clusters against plain YAML / JSON parsing of the
// same text (the baselines), all measured in this run.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, reportBench, summarizeLatencies } from '@nuncio/bench-support';
import { fastParse } from '../src/decode/fast-yaml.ts';
import { createConfigRegistry, validateBootstrap } from '../src/index.ts';

const LISTENERS = 100;
const CLUSTERS = 1000;
const packageDir = fileURLToPath(new URL('..', import.meta.url));

function bigBootstrap(): string {
  const lines = [
    'admin:',
    '  address: { socket_address: { address: 127.0.0.1, port_value: 9901 } }',
  ];
  lines.push('static_resources:', '  listeners:');
  for (let i = 0; i < LISTENERS; i++) {
    lines.push(
      `  - name: listener_${i}`,
      `    address: { socket_address: { address: 0.0.0.0, port_value: ${10000 + i} } }`,
      '    filter_chains:',
      '    - filter_chain_match: { server_names: [a.example.com], transport_protocol: tls }',
      '      filters:',
      '      - name: envoy.filters.network.tcp_proxy',
      '        typed_config:',
      '          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
      `          stat_prefix: tcp_${i}`,
      `          cluster: cluster_${i % CLUSTERS}`,
      '          idle_timeout: 30s',
      '    - filters:',
      '      - name: envoy.filters.network.tcp_proxy',
      '        typed_config:',
      '          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy',
      `          stat_prefix: plain_${i}`,
      `          cluster: cluster_${(i + 1) % CLUSTERS}`,
    );
  }
  lines.push('  clusters:');
  for (let i = 0; i < CLUSTERS; i++) {
    lines.push(
      `  - name: cluster_${i}`,
      '    type: STATIC',
      '    connect_timeout: 0.25s',
      '    lb_policy: ROUND_ROBIN',
      '    health_checks:',
      '    - { timeout: 1s, interval: 5s, unhealthy_threshold: 3, healthy_threshold: 2, tcp_health_check: {} }',
      '    load_assignment:',
      `      cluster_name: cluster_${i}`,
      '      endpoints:',
      '      - lb_endpoints:',
      `        - endpoint: { address: { socket_address: { address: 10.0.${i >> 8}.${i & 255}, port_value: 8080 } } }`,
      `        - endpoint: { address: { socket_address: { address: 10.1.${i >> 8}.${i & 255}, port_value: 8080 } } }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function registry() {
  return createConfigRegistry().registerExtension({
    name: 'envoy.filters.network.tcp_proxy',
    typeUrls: ['type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy'],
    supportedFields: {
      'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy': [
        'stat_prefix',
        'cluster',
        'idle_timeout',
      ],
    },
  });
}

/** Median wall time of `fn` over `runs` runs, after one warm-up run. */
function medianMs(runs: number, fn: () => unknown): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return summarizeLatencies(samples).p50;
}

/** Median of a figure a fresh Node process prints (ms), over `runs` processes. */
function coldMs(runs: number, script: string, conditions = true): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const args = [
      ...(conditions ? ['--conditions=@nuncio/source'] : []),
      '--input-type=module',
      '-e',
      script,
    ];
    const out = execFileSync(process.execPath, args, {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    samples.push(Number(out.trim().split('\n').pop()));
  }
  return summarizeLatencies(samples).p50;
}

const yamlText = bigBootstrap();
const require = createRequire(import.meta.url);
const YAML = require('yaml') as typeof import('yaml');
const jsonText = JSON.stringify(YAML.parse(yamlText));
const reg = registry();
const check = validateBootstrap({ text: yamlText }, { registry: reg });
if (!check.ok) throw new Error(`benchmark config is invalid: ${JSON.stringify(check.problems[0])}`);

const figures: BenchFigure[] = [];
const loadYaml = medianMs(7, () => validateBootstrap({ text: yamlText }, { registry: reg }));
const parseYaml = medianMs(7, () => YAML.parse(yamlText));
figures.push({
  name: `load ${LISTENERS} listeners + ${CLUSTERS} clusters (YAML, full checks)`,
  unit: 'ms',
  value: loadYaml,
  baseline: parseYaml,
  baselineName: 'yaml.parse',
});
const fastYaml = medianMs(7, () => fastParse(yamlText));
figures.push({
  name: '  of which: js-yaml parse with Envoy scalar rules',
  unit: 'ms',
  value: fastYaml,
  baseline: null,
});
// One unknown field: the text is read a second time, with positions, to report line and column.
const badText = yamlText.replace(
  '    lb_policy: ROUND_ROBIN\n',
  '    lb_policy: ROUND_ROBIN\n    nope: 1\n',
);
const loadBad = medianMs(5, () => validateBootstrap({ text: badText }, { registry: reg }));
figures.push({
  name: 'same with one unknown field (second read, with positions)',
  unit: 'ms',
  value: loadBad,
  baseline: parseYaml,
  baselineName: 'yaml.parse',
});
const loadJson = medianMs(7, () => validateBootstrap({ text: jsonText }, { registry: reg }));
const parseJson = medianMs(7, () => JSON.parse(jsonText));
figures.push({
  name: `load ${LISTENERS} listeners + ${CLUSTERS} clusters (JSON, full checks)`,
  unit: 'ms',
  value: loadJson,
  baseline: parseJson,
  baselineName: 'JSON.parse',
});

const timed = (body: string) =>
  `const t0 = performance.now(); ${body}; console.log(performance.now() - t0);`;
// Cold figures are of the built package (dist/), as users get it: run `pnpm build` first.
const importMs = coldMs(5, timed("await import('@nuncio/config')"), false);
const bareImportMs = coldMs(5, timed("await import('node:fs')"), false);
figures.push({
  name: 'cold: import @nuncio/config (dist)',
  unit: 'ms',
  value: importMs,
  baseline: bareImportMs,
  baselineName: "import('node:fs')",
});
const firstLoadMs = coldMs(
  5,
  timed("const c = await import('@nuncio/config'); c.validateBootstrap({ text: 'admin: {}' })"),
  false,
);
figures.push({
  name: 'cold: import + schema + first small load (dist)',
  unit: 'ms',
  value: firstLoadMs,
  baseline: null,
});
const schemaMs = coldMs(
  5,
  timed(
    "const fs = await import('node:fs'); const s = await import('./src/schema/schema-index.ts'); new s.SchemaIndex(JSON.parse(fs.readFileSync('dist/envoy-schema.json', 'utf8')))",
  ),
);
figures.push({
  name: 'cold: read precompiled envoy-schema.json + index (from source)',
  unit: 'ms',
  value: schemaMs,
  baseline: null,
});
const compileMs = coldMs(
  3,
  timed("const c = await import('./src/schema/compile-protos.ts'); c.compileEnvoySchema()"),
);
figures.push({
  name: 'cold: compile schema from .proto files (no precompiled file)',
  unit: 'ms',
  value: compileMs,
  baseline: schemaMs,
  baselineName: 'precompiled',
});

reportBench('config-load', figures);
