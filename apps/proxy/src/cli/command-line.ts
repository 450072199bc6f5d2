import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { badOptionError } from '../errors.ts';

/** `--mode`: serve traffic (default), or check the configuration and exit. */
export type Mode = 'serve' | 'validate';

/** `--drain-strategy`, as Envoy names it. */
export type DrainStrategy = 'gradual' | 'immediate';

/**
 * The command line, parsed and checked (Envoy's `OptionsImpl`). Flags keep Envoy's names; every
 * field holds the value in force, the default when the flag was not given.
 */
export interface CommandLine {
  /** `--help` / `-h`: print the usage and exit. */
  readonly help: boolean;
  /** `--version`: print the version and exit. */
  readonly version: boolean;
  /** `-c` / `--config-path`: the bootstrap file (`.yaml`, `.yml` or `.json`), or null. */
  readonly configPath: string | null;
  /** `--config-yaml`: YAML merged over the file as Envoy merges it, or null. */
  readonly configYaml: string | null;
  /** `--mode`: `serve` (default) or `validate`. */
  readonly mode: Mode;
  /** `--concurrency`: worker threads (default: the number of cores). */
  readonly concurrency: number;
  /** `-l` / `--log-level`: level of every component (default `info`). */
  readonly logLevel: string;
  /** `--component-log-level`: `upstream:debug,connection:trace`, or null. */
  readonly componentLogLevel: string | null;
  /** `--log-path`: the log file, or null for stderr. */
  readonly logPath: string | null;
  /** `--drain-time-s`: how long connections get to finish on shutdown (default 600). */
  readonly drainTimeS: number;
  /** `--drain-strategy`: `gradual` (default) or `immediate`. */
  readonly drainStrategy: DrainStrategy;
  /** `--service-node`: the bootstrap's `node.id`, over the config's. */
  readonly serviceNode: string | null;
  /** `--service-cluster`: the bootstrap's `node.cluster`, over the config's. */
  readonly serviceCluster: string | null;
  /** `--service-zone`: the bootstrap's `node.locality.zone`, over the config's. */
  readonly serviceZone: string | null;
  /** `--file-flush-interval-msec`: longest wait of an access-log line before it is written (10000). */
  readonly fileFlushIntervalMs: number;
  /** `--admin-address-path`: a file to write the admin's bound address to, or null. */
  readonly adminAddressPath: string | null;
}

// Envoy's flags. Values are all read as strings and checked below, so that a bad number is
// reported with its flag instead of turning into NaN.
const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  'config-path': { type: 'string', short: 'c' },
  'config-yaml': { type: 'string' },
  mode: { type: 'string' },
  concurrency: { type: 'string' },
  'log-level': { type: 'string', short: 'l' },
  'component-log-level': { type: 'string' },
  'log-path': { type: 'string' },
  'drain-time-s': { type: 'string' },
  'drain-strategy': { type: 'string' },
  'service-node': { type: 'string' },
  'service-cluster': { type: 'string' },
  'service-zone': { type: 'string' },
  'file-flush-interval-msec': { type: 'string' },
  'admin-address-path': { type: 'string' },
} as const;

/** Envoy's log level names and the aliases `@nuncio/log` accepts. */
const LOG_LEVELS = new Set([
  'trace',
  'debug',
  'info',
  'warning',
  'warn',
  'error',
  'critical',
  'off',
  'fatal',
  'silent',
]);

/**
 * Parses `argv` (without `node` and the script) into a {@link CommandLine}. Unknown flags,
 * positional arguments, missing values and bad values throw `NUNCIO_ERR_PROXY_BAD_OPTION` naming
 * the flag. Loads nothing beyond `node:util`, so `--version` and `--help` stay fast.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw parseError(error);
  }
  const text = (flag: keyof typeof FLAGS): string | null => {
    const value = values[flag];
    if (value === undefined) return null;
    if (typeof value !== 'string') return null;
    return value;
  };
  const mode = text('mode') ?? 'serve';
  if (mode !== 'serve' && mode !== 'validate') {
    throw badOptionError('--mode', `'${mode}' is not a mode (serve or validate)`);
  }
  const drainStrategy = text('drain-strategy') ?? 'gradual';
  if (drainStrategy !== 'gradual' && drainStrategy !== 'immediate') {
    throw badOptionError(
      '--drain-strategy',
      `'${drainStrategy}' is not a drain strategy (gradual or immediate)`,
    );
  }
  const logLevel = text('log-level') ?? 'info';
  if (!LOG_LEVELS.has(logLevel)) {
    throw badOptionError(
      '--log-level',
      `'${logLevel}' is not a log level (${[...LOG_LEVELS].join(', ')})`,
    );
  }
  const configPath = nonEmpty('--config-path', text('config-path'));
  return {
    help: values.help === true,
    version: values.version === true,
    configPath,
    configYaml: text('config-yaml'),
    mode,
    concurrency: integer('--concurrency', text('concurrency'), 1, 1024) ?? availableParallelism(),
    logLevel,
    componentLogLevel: text('component-log-level'),
    logPath: nonEmpty('--log-path', text('log-path')),
    drainTimeS: integer('--drain-time-s', text('drain-time-s'), 0, 2_147_483) ?? 600,
    drainStrategy,
    serviceNode: text('service-node'),
    serviceCluster: text('service-cluster'),
    serviceZone: text('service-zone'),
    fileFlushIntervalMs:
      integer('--file-flush-interval-msec', text('file-flush-interval-msec'), 1, 2_147_483_647) ??
      10_000,
    adminAddressPath: nonEmpty('--admin-address-path', text('admin-address-path')),
  };
}

function nonEmpty(flag: string, value: string | null): string | null {
  if (value === '') throw badOptionError(flag, 'is empty');
  return value;
}

function integer(flag: string, value: string | null, min: number, max: number): number | null {
  if (value === null) return null;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= min && n <= max)) {
    throw badOptionError(flag, `'${value}' is not an integer from ${min} to ${max}`);
  }
  return n;
}

/** Node's parseArgs errors, reworded with the flag first as Envoy's TCLAP does. */
function parseError(error: unknown): Error {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  const flag = /'(-{1,2}[\w-]+)/.exec(message)?.[1] ?? 'command line';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return badOptionError(flag, 'unknown flag (nuncio --help lists the flags)');
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const argument = /'([^']*)'/.exec(message)?.[1] ?? '';
      return badOptionError(
        'command line',
        `unexpected argument '${argument}' (every value follows its flag)`,
      );
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return badOptionError(
        flag,
        message.includes('does not take an argument') ? 'takes no value' : 'needs a value',
      );
    default:
      return badOptionError(flag, message);
  }
}
