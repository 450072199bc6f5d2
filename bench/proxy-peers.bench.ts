// The assembled `nuncio` binary's TCP proxy (1 and 2 workers) against a bare Node `net` pipe
// proxy, HAProxy (mode tcp, one thread) and nginx (stream, one worker), in one run. Each proxy is
// a process of its own pinned to core 0; the echo upstream and the load generator (tcp-load.ts)
// share core 1, and so does this coordinator, which only waits. Nuncio with 2 workers is pinned to
// both cores, so its second worker competes with the load generator. For every subject: bulk echo
// throughput, connection rate (connect, 1 KiB each way, close) and 1-byte ping-pong p50/p99.
// Subjects take turns within each round, in a rotating order; medians over the rounds are reported.
//
//   npm run bench:peers                        (from the repository's root)
//   BENCH_ROUNDS=3 BENCH_DURATION_MS=1000 ...  (shorter)
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, reportBench, summarizeLatencies } from '@nuncio/bench-support';
import { ensurePeers } from './peer-install.ts';
import {
  canPin,
  killAllSubjects,
  type Subject,
  startHaproxy,
  startNetPipe,
  startNginx,
  startNuncio,
} from './peer-subjects.ts';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 1500);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const streams = Number(process.env.BENCH_STREAMS ?? 4);
const iterations = Number(process.env.BENCH_PINGS ?? 5000);
const connConcurrency = Number(process.env.BENCH_CONN_CONCURRENCY ?? 8);
const install = process.env.BENCH_NO_INSTALL !== '1';
/** Comma-separated subset of pipe,nuncio-1,nuncio-2,haproxy,nginx (the pipe always runs). */
const only = process.env.BENCH_SUBJECTS?.split(',').map((key) => key.trim());

const progress = (line: string) => process.stderr.write(`[peers] ${line}\n`);
const wanted = (key: string) => key === 'pipe' || only === undefined || only.includes(key);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const binPath = join(repoRoot, 'apps', 'proxy', 'dist', 'main.js');
const loadAtStart = loadavg()[0] ?? 0;

// ---- Clean-up: nothing this benchmark starts may outlive it. ----
const workDir = mkdtempSync(join(tmpdir(), 'nuncio-peers-'));
let load: ChildProcess | null = null;
function cleanUp(): void {
  killAllSubjects();
  if (load?.connected) load.disconnect();
  rmSync(workDir, { recursive: true, force: true });
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    progress(`${signal}: stopping every proxy this benchmark started`);
    process.exit(130);
  });
}

// ---- Set-up ----
const pin = canPin();
if (pin) spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
else progress('taskset is unavailable: processes are not pinned, figures are less comparable');

if ((wanted('nuncio-1') || wanted('nuncio-2')) && !existsSync(binPath)) {
  // The binary imports the other packages' dist/ builds: build its dependencies too.
  progress('apps/proxy/dist/main.js is missing: building @nuncio/proxy and its dependencies ...');
  const build = spawnSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@nuncio/proxy...'], {
    cwd: repoRoot,
    stdio: ['ignore', 2, 2],
  });
  if (build.status !== 0) throw new Error('building @nuncio/proxy failed (see above)');
}

const peers = ensurePeers(install && (wanted('haproxy') || wanted('nginx')), progress);

function startLoad(): ChildProcess {
  const script = fileURLToPath(new URL('./tcp-load.ts', import.meta.url));
  const args = ['--conditions=@nuncio/source', script];
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  return pin
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio })
    : spawn(process.execPath, args, { stdio });
}

/** Sends a command to the load generator and waits for its reply (or fails if it exits). */
async function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  const abort = new AbortController();
  const reply = once(child, 'message', { signal: abort.signal });
  const exit = once(child, 'exit', { signal: abort.signal }).then(() => {
    throw new Error('the load generator exited');
  });
  child.send(message as object);
  try {
    return (await Promise.race([reply, exit]))[0] as T;
  } finally {
    abort.abort();
    exit.catch(() => {});
  }
}

load = startLoad();
const { port: upstreamPort } = await ask<{ port: number }>(load, { cmd: 'start' });
const context = (name: string) => ({ upstreamPort, dir: join(workDir, name), pin });

/** Subjects in table order; an unavailable one carries the reason instead. */
const subjects: { key: string; label: string; subject: Subject | null; reason: string }[] = [];
async function add(key: string, label: string, starter: () => Promise<Subject>, reason = '') {
  if (!wanted(key)) return;
  if (reason !== '') {
    subjects.push({ key, label, subject: null, reason });
    return;
  }
  progress(`starting ${label}`);
  try {
    subjects.push({ key, label, subject: await starter(), reason: '' });
  } catch (error) {
    // The pipe and nuncio must start; a peer that does not is reported as not available.
    if (key === 'pipe' || key.startsWith('nuncio')) throw error;
    progress(`${label} did not start: ${(error as Error).message}`);
    subjects.push({ key, label, subject: null, reason: 'did not start' });
  }
}
await add('pipe', 'net pipe', () => startNetPipe(context('pipe')));
await add('nuncio-1', 'nuncio, 1 worker', () => startNuncio(context('nuncio-1'), binPath, 1));
await add('nuncio-2', 'nuncio, 2 workers', () => startNuncio(context('nuncio-2'), binPath, 2));
const { haproxy, nginx } = peers;
await add(
  'haproxy',
  'HAProxy',
  () => startHaproxy(context('haproxy'), haproxy.available ? haproxy.path : ''),
  haproxy.available ? '' : haproxy.reason,
);
await add(
  'nginx',
  'nginx',
  () =>
    startNginx(
      context('nginx'),
      nginx.available ? nginx.path : '',
      nginx.available ? nginx.loadModule : null,
    ),
  nginx.available ? '' : nginx.reason,
);

// ---- Measurement ----
interface RoundFigures {
  mibPerSecond: number;
  connectionsPerSecond: number;
  failedConnections: number;
  p50: number;
  p99: number;
}
type Metric = 'mibPerSecond' | 'connectionsPerSecond' | 'p50' | 'p99';

async function measure(subject: Subject): Promise<RoundFigures> {
  const client = load as ChildProcess;
  const { bytes, ms } = await ask<{ bytes: number; ms: number }>(client, {
    cmd: 'throughput',
    port: subject.port,
    streams,
    durationMs,
  });
  const rate = await ask<{ connections: number; failed: number; ms: number }>(client, {
    cmd: 'connrate',
    port: subject.port,
    concurrency: connConcurrency,
    payloadBytes: 1024,
    durationMs,
  });
  const { samples } = await ask<{ samples: number[] }>(client, {
    cmd: 'pingpong',
    port: subject.port,
    iterations,
  });
  const latency = summarizeLatencies(samples);
  return {
    mibPerSecond: bytes / (1024 * 1024) / (ms / 1000),
    connectionsPerSecond: rate.connections / (rate.ms / 1000),
    failedConnections: rate.failed,
    p50: latency.p50,
    p99: latency.p99,
  };
}

const live = subjects.flatMap((entry) => (entry.subject === null ? [] : [entry.subject]));
const results = new Map<string, RoundFigures[]>(live.map((subject) => [subject.key, []]));
for (let round = 0; round < rounds; round++) {
  // Rotate the order, so that no subject always runs first (or right after the same neighbour).
  const order = live.map((_, i) => live[(i + round) % live.length] as Subject);
  for (const subject of order) {
    progress(`round ${round + 1}/${rounds}: ${subject.label}`);
    const figures = await measure(subject);
    results.get(subject.key)?.push(figures);
    progress(
      `  ${figures.mibPerSecond.toFixed(0)} MiB/s, ${figures.connectionsPerSecond.toFixed(0)} conn/s` +
        `${figures.failedConnections > 0 ? ` (${figures.failedConnections} failed)` : ''}, ` +
        `p50 ${figures.p50.toFixed(0)} µs, p99 ${figures.p99.toFixed(0)} µs`,
    );
  }
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
const figure = (key: string, metric: Metric): number | null => {
  const list = results.get(key);
  return list === undefined ? null : median(list.map((round) => round[metric]));
};

// ---- Report ----
const metrics: { metric: Metric; name: string; unit: string; lowerIsBetter: boolean }[] = [
  {
    metric: 'mibPerSecond',
    name: `bulk echo, ${streams} streams`,
    unit: 'MiB/s',
    lowerIsBetter: false,
  },
  {
    metric: 'connectionsPerSecond',
    name: `connection rate, ${connConcurrency} at a time`,
    unit: 'conn/s',
    lowerIsBetter: false,
  },
  { metric: 'p50', name: '1-byte ping-pong p50', unit: 'µs', lowerIsBetter: true },
  { metric: 'p99', name: '1-byte ping-pong p99', unit: 'µs', lowerIsBetter: true },
];
/** Nuncio's figure relative to another's, above 1 meaning Nuncio is better (latency inverted). */
const ratio = (value: number | null, other: number | null, lowerIsBetter: boolean) =>
  value === null || other === null || value === 0 || other === 0
    ? null
    : lowerIsBetter
      ? other / value
      : value / other;
const show = (value: number | null) =>
  value === null || Number.isNaN(value)
    ? '-'
    : value >= 100
      ? Math.round(value).toLocaleString('en-US')
      : value.toPrecision(3);
const labelOf = (key: string) => subjects.find((entry) => entry.key === key)?.label ?? key;

const lines: string[] = [];
const pinning = pin
  ? 'proxies pinned to core 0 (nuncio with 2 workers: cores 0 and 1); echo upstream and load generator on core 1'
  : 'not pinned (taskset unavailable)';
lines.push(
  `proxy-peers: ${rounds} rounds of ${durationMs} ms per figure, medians; ${pinning}; ` +
    `load average ${loadAtStart.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end`,
);
lines.push('');
lines.push(`| figure | ${subjects.map((entry) => entry.label).join(' | ')} |`);
lines.push(`| --- |${subjects.map(() => ' ---: |').join('')}`);
for (const { metric, name, unit } of metrics) {
  const cells = subjects.map((entry) =>
    entry.subject === null ? `not available (${entry.reason})` : show(figure(entry.key, metric)),
  );
  lines.push(`| ${name} (${unit}) | ${cells.join(' | ')} |`);
}
const nuncioKeys = ['nuncio-1', 'nuncio-2'].filter((key) => results.has(key));
const otherKeys = ['pipe', 'haproxy', 'nginx'].filter((key) =>
  subjects.some((entry) => entry.key === key),
);
const pairs = nuncioKeys.flatMap((nuncio) => otherKeys.map((other) => [nuncio, other] as const));
if (pairs.length > 0) {
  lines.push('');
  lines.push(
    `| nuncio relative to (above 1: nuncio better; latency as other/nuncio) | ${pairs
      .map(
        ([nuncio, other]) =>
          `${nuncio === 'nuncio-1' ? '1 worker' : '2 workers'} / ${labelOf(other)}`,
      )
      .join(' | ')} |`,
  );
  lines.push(`| --- |${pairs.map(() => ' ---: |').join('')}`);
  for (const { metric, name, lowerIsBetter } of metrics) {
    const cells = pairs.map(([nuncio, other]) => {
      const value = ratio(figure(nuncio, metric), figure(other, metric), lowerIsBetter);
      if (value === null) return results.has(other) ? '-' : 'n/a';
      const target = nuncio === 'nuncio-1' && other === 'pipe' ? (value >= 0.9 ? ' ✓' : ' ✗') : '';
      return `${value.toFixed(2)}x${target}`;
    });
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push(
    '✓/✗: the target, nuncio with 1 worker at >= 0.90x of the bare Node pipe on every figure.',
  );
}
lines.push('');
lines.push('Per round (MiB/s, conn/s, p50 µs, p99 µs):');
for (const [key, list] of results) {
  lines.push(
    `  ${labelOf(key)}: ${list
      .map(
        (r) =>
          `${r.mibPerSecond.toFixed(0)}, ${r.connectionsPerSecond.toFixed(0)}, ${r.p50.toFixed(0)}, ${r.p99.toFixed(0)}`,
      )
      .join(' | ')}`,
  );
  const failed = list.reduce((sum, r) => sum + r.failedConnections, 0);
  if (failed > 0) lines.push(`    ${failed} connections failed during the connection-rate runs`);
}
console.log(lines.join('\n'));

// The same comparisons as JSON in bench/results/, one row per nuncio figure and peer.
const benchFigures: BenchFigure[] = [];
for (const [nuncio, other] of pairs) {
  // A peer that is not available is in the table above, with the reason; it has no figures here.
  if (!results.has(other)) continue;
  for (const { metric, name, unit, lowerIsBetter } of metrics) {
    const value = figure(nuncio, metric);
    if (value === null) continue;
    const baseline = figure(other, metric);
    benchFigures.push({
      name: `${labelOf(nuncio)}: ${name}${lowerIsBetter ? ' (ratio = baseline/value)' : ''}`,
      unit,
      value,
      baseline,
      baselineName: labelOf(other),
      ratio: ratio(value, baseline, lowerIsBetter),
      ...(nuncio === 'nuncio-1' && other === 'pipe' ? { target: '>= 0.90x' } : {}),
    });
  }
}
reportBench('proxy-peers', benchFigures);

// ---- Tear-down ----
for (const subject of live) await subject.stop();
(load as ChildProcess).disconnect();
