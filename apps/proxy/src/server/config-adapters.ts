// The decoded bootstrap (`@nuncio/config`: every scalar present at its default, `typed_config` as
// `{ typeUrl, value }`) turned into the plain configs `@nuncio/access-log` and `@nuncio/stats`
// read (proto3 JSON in camelCase, `@type` inline, only what is set). Only fields the binary's
// supported subset allows are carried: anything else was already refused by validation.
import type { AccessLogConfig } from '@nuncio/access-log';
import type { AccessLog, AnyValue } from '@nuncio/config';
import type { StatsSinkConfig } from '@nuncio/stats';

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One decoded `access_log` entry as `AccessLogManager.createAccessLog` reads it. */
export function accessLogConfig(entry: AccessLog): AccessLogConfig {
  const typed = entry.typedConfig as AnyValue | undefined;
  if (typed === undefined) return { name: entry.name };
  const value = isPlain(typed.value) ? typed.value : {};
  const out: Plain = { '@type': typed.typeUrl };
  if (typeof value.path === 'string' && value.path !== '') out.path = value.path;
  const format = logFormat(value.logFormat);
  if (format !== undefined) out.logFormat = format;
  return { name: entry.name, typedConfig: out as unknown as AccessLogConfig['typedConfig'] };
}

function logFormat(format: unknown): Plain | undefined {
  if (!isPlain(format)) return undefined;
  const out: Plain = {};
  const source = format.textFormatSource;
  if (isPlain(source)) {
    const text: Plain = {};
    if (typeof source.inlineString === 'string' && source.inlineString !== '') {
      text.inlineString = source.inlineString;
    }
    if (typeof source.filename === 'string' && source.filename !== '') {
      text.filename = source.filename;
    }
    out.textFormatSource = text;
  }
  if (isPlain(format.jsonFormat)) out.jsonFormat = format.jsonFormat;
  if (format.omitEmptyValues === true) out.omitEmptyValues = true;
  if (typeof format.contentType === 'string' && format.contentType !== '') {
    out.contentType = format.contentType;
  }
  const options = format.jsonFormatOptions;
  if (isPlain(options) && options.sortProperties === true) {
    out.jsonFormatOptions = { sortProperties: true };
  }
  return out;
}

/** One decoded `stats_sinks` entry as `createStatsSink` reads it. */
export function statsSinkConfig(entry: {
  name: string;
  typedConfig?: AnyValue | undefined;
}): StatsSinkConfig {
  const value = isPlain(entry.typedConfig?.value) ? entry.typedConfig.value : {};
  const out: Plain = {};
  if (typeof value.prefix === 'string' && value.prefix !== '') out.prefix = value.prefix;
  const socket = isPlain(value.address) ? value.address.socketAddress : undefined;
  if (isPlain(socket)) {
    // The address's protocol is left out: a statsd sink speaks UDP whatever the enum's default.
    out.address = { socketAddress: { address: socket.address, portValue: socket.portValue } };
  }
  return { name: entry.name, typedConfig: out };
}
