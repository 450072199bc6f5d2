import { unknownLevelError } from './errors.ts';

/**
 * Envoy's log levels, as `-l`, `--component-log-level` and `/logging` name them (spdlog's names).
 * Each maps onto a pino level: `warning` is pino's `warn`, `critical` is pino's `fatal`, `off` is
 * pino's `silent`.
 */
export const LogLevel = {
  Trace: 'trace',
  Debug: 'debug',
  Info: 'info',
  Warning: 'warning',
  Error: 'error',
  Critical: 'critical',
  Off: 'off',
} as const;

/** One of {@link LogLevel}'s values: the canonical (Envoy) name of a level. */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/**
 * Every name a level is accepted under: Envoy's names, Envoy's `warn` alias, and pino's names for
 * the levels Envoy spells differently (`fatal`, `silent`), so Fastify and pino users need not learn
 * new ones.
 */
export type LogLevelName = LogLevel | 'warn' | 'fatal' | 'silent';

/** Pino's numeric level values; `off` is stored as the largest Int32 (pino uses Infinity). */
export const pinoLevelValue = {
  trace: 10,
  debug: 20,
  info: 30,
  warning: 40,
  error: 50,
  critical: 60,
  off: 0x7fffffff,
} as const satisfies Record<LogLevel, number>;

const byName: ReadonlyMap<string, LogLevel> = new Map<string, LogLevel>([
  ['trace', 'trace'],
  ['debug', 'debug'],
  ['info', 'info'],
  ['warning', 'warning'],
  ['warn', 'warning'],
  ['error', 'error'],
  ['critical', 'critical'],
  ['fatal', 'critical'],
  ['off', 'off'],
  ['silent', 'off'],
]);

const byValue: ReadonlyMap<number, LogLevel> = new Map(
  (Object.entries(pinoLevelValue) as [LogLevel, number][]).map(([name, value]) => [value, name]),
);

const pinoNameByLevel: Readonly<Record<LogLevel, string>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'fatal',
  off: 'silent',
};

/** The accepted names, for error messages. */
export const levelNamesForHelp: readonly string[] = [
  'trace',
  'debug',
  'info',
  'warning (or warn)',
  'error',
  'critical (or fatal)',
  'off (or silent)',
];

/**
 * Reads a level name as `-l` / `--log-level` and `/logging?level=` take it: Envoy's names
 * (`trace`, `debug`, `info`, `warning`, `warn`, `error`, `critical`, `off`) or pino's (`fatal`,
 * `silent`). Throws a `LogError` (`NUNCIO_ERR_LOG_UNKNOWN_LEVEL`) listing the valid names otherwise.
 */
export function parseLogLevel(name: string): LogLevel {
  const level = typeof name === 'string' ? byName.get(name) : undefined;
  if (level === undefined) throw unknownLevelError(name, levelNamesForHelp);
  return level;
}

/** The level for a stored value, or undefined for a value no level has. */
export function levelOfValue(value: number): LogLevel | undefined {
  return byValue.get(value);
}

/** Pino's name for a level (`warning` is `warn`, `critical` is `fatal`, `off` is `silent`). */
export function pinoLevelName(level: LogLevel): string {
  return pinoNameByLevel[level];
}

/** The stored value for an accepted level name, or undefined when the name is not a level. */
export function valueOfLevelName(name: unknown): number | undefined {
  const level = typeof name === 'string' ? byName.get(name) : undefined;
  return level === undefined ? undefined : pinoLevelValue[level];
}
