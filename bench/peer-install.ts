// Finds HAProxy and nginx (with its stream module) for proxy-peers.bench.ts and, when one is
// missing, installs the Debian packages with apt-get. Whatever cannot be found or installed is
// reported as unavailable with the reason: the benchmark then runs without it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A peer proxy's executable, or why there is none. */
export type PeerBinary =
  | { readonly available: true; readonly path: string }
  | { readonly available: false; readonly reason: string };

/** nginx, plus the `load_module` line its config needs when the stream module is dynamic. */
export type NginxBinary =
  | { readonly available: true; readonly path: string; readonly loadModule: string | null }
  | { readonly available: false; readonly reason: string };

export interface Peers {
  readonly haproxy: PeerBinary;
  readonly nginx: NginxBinary;
}

// Debian installs both daemons in /usr/sbin, which is not on every user's PATH.
const extraDirs = ['/usr/sbin', '/usr/local/sbin', '/sbin'];
// Debian's nginx builds its stream module as a separate package (libnginx-mod-stream).
const streamModulePaths = [
  '/usr/lib/nginx/modules/ngx_stream_module.so',
  '/usr/share/nginx/modules/ngx_stream_module.so',
];

function which(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function findHaproxy(): PeerBinary {
  const path = which('haproxy');
  return path === null
    ? { available: false, reason: 'haproxy is not installed' }
    : { available: true, path };
}

function findNginx(): NginxBinary {
  const path = which('nginx');
  if (path === null) return { available: false, reason: 'nginx is not installed' };
  // `nginx -V` prints its configure arguments on stderr.
  const version = spawnSync(path, ['-V'], { encoding: 'utf8', timeout: 10_000 });
  const configure = `${version.stdout ?? ''}${version.stderr ?? ''}`;
  if (/--with-stream(\s|$)/.test(configure)) return { available: true, path, loadModule: null };
  if (configure.includes('--with-stream=dynamic')) {
    const module = streamModulePaths.find((candidate) => existsSync(candidate));
    return module === undefined
      ? { available: false, reason: 'the nginx stream module (libnginx-mod-stream) is missing' }
      : { available: true, path, loadModule: module };
  }
  return { available: false, reason: 'this nginx is built without the stream module' };
}

/** Runs apt-get (through `sudo -n` when not root); returns null on success or what went wrong. */
function aptGet(args: string[]): string | null {
  const root = process.getuid?.() === 0;
  if (!root && which('sudo') === null) return 'not root and no sudo';
  const command = root ? 'apt-get' : 'sudo';
  // `sudo -n` fails at once instead of waiting for a password nobody is there to type.
  const argv = root ? args : ['-n', 'apt-get', ...args];
  const result = spawnSync(command, argv, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  });
  if (result.error) return result.error.message;
  if (result.status === 0) return null;
  const tail = `${result.stderr ?? ''}`.trim().split('\n').slice(-3).join(' / ');
  return `apt-get ${args.join(' ')} exited with ${result.status}: ${tail}`;
}

/**
 * Finds HAProxy and nginx with its stream module; installs the missing Debian packages unless
 * `install` is false. `progress` receives one line per step.
 */
export function ensurePeers(install: boolean, progress: (line: string) => void): Peers {
  let haproxy = findHaproxy();
  let nginx = findNginx();
  const packages: string[] = [];
  if (!haproxy.available) packages.push('haproxy');
  if (!nginx.available) packages.push('nginx', 'libnginx-mod-stream');
  if (packages.length === 0 || !install) return { haproxy, nginx };
  if (which('apt-get') === null) {
    progress(`cannot install ${packages.join(' ')}: no apt-get on this machine`);
    return { haproxy, nginx };
  }
  progress(`installing ${packages.join(' ')} with apt-get (once; this can take a minute) ...`);
  let failure = aptGet(['install', '-y', '-q', ...packages]);
  if (failure !== null) {
    progress(`apt-get install failed (${failure}); updating the package lists and trying again`);
    failure = aptGet(['update', '-q']) ?? aptGet(['install', '-y', '-q', ...packages]);
  }
  if (failure !== null) progress(`could not install ${packages.join(' ')}: ${failure}`);
  else if (existsSync('/run/systemd/system'))
    progress(
      'note: Debian starts the haproxy and nginx services after installing them; this benchmark ' +
        'runs its own instances and does not use them (`systemctl disable --now haproxy nginx`)',
    );
  haproxy = findHaproxy();
  nginx = findNginx();
  if (!haproxy.available && failure !== null)
    haproxy = { available: false, reason: `install failed: ${failure}` };
  if (!nginx.available && failure !== null)
    nginx = { available: false, reason: `install failed: ${failure}` };
  return { haproxy, nginx };
}
