// The proxies proxy-peers.bench.ts compares, each started as a process of its own (pinned with
// `taskset` when it works), with a generated config in a temporary directory, listening on
// 127.0.0.1 and forwarding to the load generator's echo upstream. Every process is started in its
// own process group and stopped by that group's id, so that nginx's worker goes with its master
// and nothing is left running when the benchmark ends or is interrupted.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A proxy under test, ready for connections on `port`. */
export interface Subject {
  /** Short stable key, e.g. `nuncio-1`. */
  readonly key: string;
  /** Name in the tables, e.g. `nuncio, 1 worker`. */
  readonly label: string;
  readonly port: number;
  /** CPUs it is pinned to (`taskset -c` list), or null when not pinned. */
  readonly cpus: string | null;
  /** Stops the process: SIGTERM to its group, SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/** Everything a subject needs to start. */
export interface SubjectContext {
  /** The echo upstream's port (on 127.0.0.1). */
  readonly upstreamPort: number;
  /** A directory of its own for configs, pid and log files. */
  readonly dir: string;
  /** Whether to pin with taskset. */
  readonly pin: boolean;
}

const running = new Set<ChildProcess>();

/** Kills every subject process group still running; synchronous, for exit and signal handlers. */
export function killAllSubjects(): void {
  for (const child of running) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  running.clear();
}

/** Whether `taskset` can pin a process here (it is missing on some systems, refused in some jails). */
export function canPin(): boolean {
  return spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
}

/** A port free on 127.0.0.1 a moment ago (HAProxy and nginx cannot report a port 0 they bound). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

interface Started {
  readonly child: ChildProcess;
  /** The last few KiB of its stderr, for error messages. */
  readonly stderr: () => string;
}

function start(
  cpus: string | null,
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Started {
  const argv = cpus === null ? [command, ...args] : ['taskset', '-c', cpus, command, ...args];
  // taskset execs the command, so the pid (and process group) is the subject's own.
  const child = spawn(argv[0] as string, argv.slice(1), {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: env ?? process.env,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    tail = (tail + text).slice(-4096);
  });
  return { child, stderr: () => tail.trim() };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // the group is gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  // nginx's worker may outlive its master by a moment: make sure the whole group is gone.
  signal('SIGKILL');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function failure(name: string, started: Started, what: string): Error {
  const { exitCode, signalCode } = started.child;
  const status =
    exitCode !== null
      ? `exited with ${exitCode}`
      : signalCode !== null
        ? `killed by ${signalCode}`
        : 'still running';
  return new Error(`${name} ${what} (${status}); its stderr: ${started.stderr() || '(empty)'}`);
}

/** Waits until `port` accepts a connection, or fails when the process exits or 20 s pass. */
async function waitForPort(name: string, started: Started, port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) break;
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  await stopGroup(started.child);
  throw failure(name, started, `did not accept connections on port ${port}`);
}

function subject(
  key: string,
  label: string,
  port: number,
  cpus: string | null,
  started: Started,
): Subject {
  return { key, label, port, cpus, stop: () => stopGroup(started.child) };
}

/** The bare Node `net` pipe proxy (net-pipe-proxy.ts): the baseline. */
export async function startNetPipe(context: SubjectContext): Promise<Subject> {
  const port = await freePort();
  const cpus = context.pin ? '0' : null;
  const script = fileURLToPath(new URL('./net-pipe-proxy.ts', import.meta.url));
  const started = start(cpus, process.execPath, [
    script,
    String(port),
    String(context.upstreamPort),
  ]);
  await waitForPort('the net pipe proxy', started, port);
  return subject('pipe', 'net pipe', port, cpus, started);
}

/**
 * The built `nuncio` binary with one TCP proxy listener, `concurrency` workers and the admin on a
 * free port; ready when the admin's /ready says LIVE. One worker is pinned to core 0 like the
 * others; two workers get both cores (so they share core 1 with the load generator).
 */
export async function startNuncio(
  context: SubjectContext,
  binPath: string,
  concurrency: number,
): Promise<Subject> {
  const port = await freePort();
  const adminPort = await freePort();
  const cpus = context.pin ? (concurrency === 1 ? '0' : '0,1') : null;
  mkdirSync(context.dir, { recursive: true });
  const config = join(context.dir, 'nuncio.yaml');
  writeFileSync(
    config,
    `# Generated by bench/proxy-peers.bench.ts: one TCP proxy listener to the echo upstream.
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: ${adminPort} } }
static_resources:
  listeners:
    - name: bench
      address: { socket_address: { address: 127.0.0.1, port_value: ${port} } }
      filter_chains:
        - filters:
            - name: envoy.filters.network.tcp_proxy
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                stat_prefix: bench
                cluster: echo
  clusters:
    - name: echo
      type: STATIC
      connect_timeout: 5s
      load_assignment:
        cluster_name: echo
        endpoints:
          - lb_endpoints:
              - endpoint:
                  address: { socket_address: { address: 127.0.0.1, port_value: ${context.upstreamPort} } }
`,
  );
  const extra = (process.env.BENCH_NUNCIO_ARGS ?? '').split(/\s+/).filter((arg) => arg !== '');
  // The binary, not the sources: no @nuncio/source condition from the caller's NODE_OPTIONS.
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  const started = start(
    cpus,
    process.execPath,
    [binPath, '-c', config, '--concurrency', String(concurrency), '--drain-time-s', '1', ...extra],
    env,
  );
  const name = `nuncio --concurrency ${concurrency}`;
  const deadline = Date.now() + 30_000;
  let live = false;
  while (!live && Date.now() < deadline) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) break;
    try {
      const response = await fetch(`http://127.0.0.1:${adminPort}/ready`);
      live = (await response.text()).trim() === 'LIVE';
    } catch {
      // the admin is not listening yet
    }
    if (!live) await sleep(100);
  }
  if (!live) {
    await stopGroup(started.child);
    throw failure(name, started, 'did not report LIVE on /ready within 30 s');
  }
  await waitForPort(name, started, port);
  const label = `nuncio, ${concurrency} worker${concurrency === 1 ? '' : 's'}`;
  return subject(`nuncio-${concurrency}`, label, port, cpus, started);
}

/** HAProxy in `mode tcp` with one thread, in the foreground (`-db`). */
export async function startHaproxy(context: SubjectContext, binPath: string): Promise<Subject> {
  const port = await freePort();
  const cpus = context.pin ? '0' : null;
  mkdirSync(context.dir, { recursive: true });
  const config = join(context.dir, 'haproxy.cfg');
  writeFileSync(
    config,
    `# Generated by bench/proxy-peers.bench.ts: a plain TCP proxy to the echo upstream.
global
  nbthread 1
  maxconn 4096

defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s

frontend bench
  bind 127.0.0.1:${port}
  default_backend echo

backend echo
  server echo 127.0.0.1:${context.upstreamPort}
`,
  );
  const started = start(cpus, binPath, ['-db', '-f', config]);
  await waitForPort('haproxy', started, port);
  return subject('haproxy', 'HAProxy', port, cpus, started);
}

/** nginx's stream proxy with one worker process, in the foreground (`daemon off`). */
export async function startNginx(
  context: SubjectContext,
  binPath: string,
  loadModule: string | null,
): Promise<Subject> {
  const port = await freePort();
  const cpus = context.pin ? '0' : null;
  mkdirSync(context.dir, { recursive: true });
  const config = join(context.dir, 'nginx.conf');
  writeFileSync(
    config,
    `# Generated by bench/proxy-peers.bench.ts: a plain TCP (stream) proxy to the echo upstream.
${loadModule === null ? '' : `load_module ${loadModule};\n`}worker_processes 1;
pid ${join(context.dir, 'nginx.pid')};
error_log stderr warn;

events {
  worker_connections 20000;
}

stream {
  upstream echo {
    server 127.0.0.1:${context.upstreamPort};
  }
  server {
    listen 127.0.0.1:${port};
    proxy_pass echo;
    tcp_nodelay on;
  }
}
`,
  );
  // -e: where errors go before the config is read (Debian's default, /var/log/nginx, may not be
  // writable); stderr, so that a failure to start shows in the benchmark's message.
  const started = start(cpus, binPath, [
    '-p',
    context.dir,
    '-c',
    config,
    '-e',
    'stderr',
    '-g',
    'daemon off;',
  ]);
  await waitForPort('nginx', started, port);
  return subject('nginx', 'nginx', port, cpus, started);
}
