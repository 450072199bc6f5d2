import type {
  AccessLog,
  AccessLogConfig,
  AccessLogManager,
  AccessLogSpec,
  AccessLogWriter,
} from '@nuncio/access-log';
import { unknownAccessLog } from './errors.ts';

/**
 * Turns an `access_log` entry into this thread's access log. Access-log files are opened by the
 * main thread's `AccessLogManager`, but filter factories run on the workers, so the assembler
 * provides one of these to each worker under {@link ACCESS_LOG_RESOLVER_SINGLETON}.
 */
export interface AccessLogResolver {
  /** The access log for `config` on this thread; throws when it cannot be made (`where` names it). */
  resolve(config: AccessLogConfig, where: string): AccessLog;
}

/** The singleton name the TCP proxy looks its {@link AccessLogResolver} up by. */
export const ACCESS_LOG_RESOLVER_SINGLETON = 'nuncio.access_log_resolver';

/** Specs the main thread prepared, by entry: plain data to post to the workers. */
export interface AccessLogSpecTable {
  readonly entries: readonly (readonly [key: string, spec: AccessLogSpec])[];
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const entry = (value as Record<string, unknown>)[key];
      if (entry !== undefined) out[key] = canonical(entry);
    }
    return out;
  }
  return value;
}

/** The key an entry is found by: its JSON with sorted keys. */
export function accessLogKey(config: AccessLogConfig): string {
  return JSON.stringify(canonical(config));
}

/**
 * On the main thread: checks each entry and opens its file with `manager` (throwing an access-log
 * config error naming the entry), and returns the table to give every worker's
 * {@link createAccessLogResolver}. Identical entries share one spec.
 */
export function prepareAccessLogs(
  manager: Pick<AccessLogManager, 'createAccessLog'>,
  configs: readonly AccessLogConfig[],
): AccessLogSpecTable {
  const specs = new Map<string, AccessLogSpec>();
  configs.forEach((config, i) => {
    const key = accessLogKey(config);
    if (!specs.has(key)) specs.set(key, manager.createAccessLog(config, `access_log[${i}]`));
  });
  return { entries: [...specs] };
}

/**
 * On a worker: a resolver that binds the prepared specs to this thread's writer. An entry that was
 * not prepared throws `NUNCIO_ERR_TCP_PROXY_UNKNOWN_ACCESS_LOG` (the listener is then refused).
 */
export function createAccessLogResolver(
  writer: AccessLogWriter,
  table: AccessLogSpecTable,
): AccessLogResolver {
  const specs = new Map(table.entries);
  const logs = new Map<string, AccessLog>();
  return {
    resolve(config, where) {
      const key = accessLogKey(config);
      let log = logs.get(key);
      if (log === undefined) {
        const spec = specs.get(key);
        if (spec === undefined) throw unknownAccessLog(where);
        log = writer.createAccessLog(spec);
        logs.set(key, log);
      }
      return log;
    },
  };
}
