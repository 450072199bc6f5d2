// Envoy's access-log config (the decoded v3 protos, camelCase as protobuf's JSON mapping spells
// them) checked strictly and turned into a serialisable definition: a sink and a format spec. The
// definition crosses to worker threads by postMessage; each thread compiles its own formatter.
import { readFileSync } from 'node:fs';
import { configInvalidError, unsupportedFieldError } from './errors.ts';
import type { Formatter } from './formatter.ts';
import type { JsonFormatTemplate } from './json-formatter-impl.ts';
import { JsonFormatterImpl } from './json-formatter-impl.ts';
import { compileFormatString, TextFormatterImpl } from './text-formatter-impl.ts';

/** The extension names of the access loggers this package implements. */
export const AccessLoggerName = {
  File: 'envoy.access_loggers.file',
  Stdout: 'envoy.access_loggers.stdout',
  Stderr: 'envoy.access_loggers.stderr',
} as const;

/** One of {@link AccessLoggerName}'s values. */
export type AccessLoggerName = (typeof AccessLoggerName)[keyof typeof AccessLoggerName];

/** The `@type` URLs of the access loggers' typed configs. */
export const AccessLoggerTypeUrl = {
  File: 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
  Stdout: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog',
  Stderr: 'type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog',
} as const;

/**
 * Envoy's default access-log format, used when a logger has no `logFormat`. It is the same for
 * TCP and HTTP; for a TCP connection the HTTP operators print `-` (and the response code 0), e.g.
 * `[2016-04-15T20:17:00.310Z] "- - -" 0 - 154 0 226 - "-" "-" "-" "-" "10.0.2.1:80"`.
 */
export const DEFAULT_ACCESS_LOG_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" ' +
  '%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% ' +
  '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" ' +
  '"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"\n';

/** Envoy's `config.core.v3.DataSource`, as far as a format string needs it. */
export interface DataSourceConfig {
  /** The format string itself. */
  readonly inlineString?: string;
  /** A file holding the format string, read once at config time. */
  readonly filename?: string;
}

/** Envoy's `config.core.v3.SubstitutionFormatString`. Exactly one of the formats must be set. */
export interface SubstitutionFormatStringConfig {
  /** A format string with command operators. */
  readonly textFormatSource?: DataSourceConfig;
  /** A JSON template: one JSON object per line. */
  readonly jsonFormat?: JsonFormatTemplate;
  /** Print unset values as nothing (text) or leave their keys out (JSON). */
  readonly omitEmptyValues?: boolean;
  /** Accepted for compatibility; it has no effect on access logs (as in Envoy). */
  readonly contentType?: string;
  /** JSON output options. */
  readonly jsonFormatOptions?: { readonly sortProperties?: boolean };
}

/** Envoy's `extensions.access_loggers.file.v3.FileAccessLog`. */
export interface FileAccessLogConfig {
  readonly '@type'?: string;
  /** The file to append to (created when missing). */
  readonly path: string;
  /** The line format; Envoy's default format when absent. */
  readonly logFormat?: SubstitutionFormatStringConfig;
}

/** Envoy's `extensions.access_loggers.stream.v3.StdoutAccessLog` / `StderrAccessLog`. */
export interface StreamAccessLogConfig {
  readonly '@type'?: string;
  /** The line format; Envoy's default format when absent. */
  readonly logFormat?: SubstitutionFormatStringConfig;
}

/** Envoy's `config.accesslog.v3.AccessLog`: one entry of an `access_log` list. */
export interface AccessLogConfig {
  /** The extension name, e.g. `envoy.access_loggers.file`; optional when `@type` says it. */
  readonly name?: string;
  readonly typedConfig?: FileAccessLogConfig | StreamAccessLogConfig;
}

/** A compiled-format description that can cross threads: text or JSON, with its options. */
export type FormatSpec =
  | { readonly kind: 'text'; readonly format: string; readonly omitEmptyValues: boolean }
  | {
      readonly kind: 'json';
      readonly template: JsonFormatTemplate;
      readonly omitEmptyValues: boolean;
      readonly sortProperties: boolean;
    };

/** Where an access log's lines go. */
export type AccessLogSinkSpec =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'stdout' }
  | { readonly kind: 'stderr' };

/** A checked access-log config: its sink and its format. Plain data: it can be posted. */
export interface AccessLogDefinition {
  readonly sink: AccessLogSinkSpec;
  readonly format: FormatSpec;
}

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkFields(
  object: Plain,
  where: string,
  allowed: readonly string[],
  refused: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(object)) {
    if (object[key] === undefined || allowed.includes(key)) continue;
    const reason = refused[key];
    throw unsupportedFieldError(
      `${where}.${key}`,
      reason ?? 'field is not supported by Nuncio (a field is never silently ignored)',
    );
  }
}

function readFormatSource(source: unknown, where: string): string {
  if (!isPlainObject(source)) throw configInvalidError(where, 'must be an object (a DataSource)');
  checkFields(source, where, ['inlineString', 'filename'], {
    inlineBytes: 'use inlineString for a format string',
    environmentVariable: 'use inlineString or filename for a format string',
  });
  const { inlineString, filename } = source;
  if ((inlineString === undefined) === (filename === undefined)) {
    throw configInvalidError(where, 'set exactly one of inlineString and filename');
  }
  if (inlineString !== undefined) {
    if (typeof inlineString !== 'string') {
      throw configInvalidError(`${where}.inlineString`, 'must be a string');
    }
    return inlineString;
  }
  if (typeof filename !== 'string' || filename === '') {
    throw configInvalidError(`${where}.filename`, 'must be a non-empty string');
  }
  try {
    return readFileSync(filename, 'utf8');
  } catch (error) {
    throw configInvalidError(
      `${where}.filename`,
      `cannot read ${filename}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Checks a `SubstitutionFormatString` (or its absence, which means Envoy's default format) and
 * returns its spec. The format is compiled once here, so a bad operator fails at config time.
 */
export function parseLogFormat(config: unknown, where = 'logFormat'): FormatSpec {
  if (config === undefined || config === null) {
    return { kind: 'text', format: DEFAULT_ACCESS_LOG_FORMAT, omitEmptyValues: false };
  }
  if (!isPlainObject(config)) throw configInvalidError(where, 'must be an object');
  checkFields(
    config,
    where,
    ['textFormatSource', 'jsonFormat', 'omitEmptyValues', 'contentType', 'jsonFormatOptions'],
    {
      textFormat: 'deprecated in Envoy; use textFormatSource: { inlineString }',
      formatters: 'formatter extensions are not supported',
    },
  );
  const omit = config.omitEmptyValues;
  if (omit !== undefined && typeof omit !== 'boolean') {
    throw configInvalidError(`${where}.omitEmptyValues`, 'must be a boolean');
  }
  const omitEmptyValues = omit === true;
  const hasText = config.textFormatSource !== undefined;
  const hasJson = config.jsonFormat !== undefined;
  if (hasText === hasJson) {
    throw configInvalidError(where, 'set exactly one of textFormatSource and jsonFormat');
  }
  let spec: FormatSpec;
  if (hasText) {
    const format = readFormatSource(config.textFormatSource, `${where}.textFormatSource`);
    spec = { kind: 'text', format, omitEmptyValues };
  } else {
    const template = config.jsonFormat;
    if (!isPlainObject(template)) {
      throw configInvalidError(`${where}.jsonFormat`, 'must be an object');
    }
    let sortProperties = false;
    const options = config.jsonFormatOptions;
    if (options !== undefined) {
      if (!isPlainObject(options)) {
        throw configInvalidError(`${where}.jsonFormatOptions`, 'must be an object');
      }
      checkFields(options, `${where}.jsonFormatOptions`, ['sortProperties']);
      if (options.sortProperties !== undefined && typeof options.sortProperties !== 'boolean') {
        throw configInvalidError(`${where}.jsonFormatOptions.sortProperties`, 'must be a boolean');
      }
      sortProperties = options.sortProperties === true;
    }
    spec = {
      kind: 'json',
      template: template as JsonFormatTemplate,
      omitEmptyValues,
      sortProperties,
    };
  }
  createFormatter(spec, where);
  return spec;
}

/**
 * Compiles a format spec into a formatter. Call it once per thread at config time; the result is
 * used on the data path. Throws an access-log config error naming `where` when the format is bad.
 */
export function createFormatter(spec: FormatSpec, where = 'logFormat'): Formatter {
  if (spec.kind === 'text') {
    return new TextFormatterImpl(
      compileFormatString(spec.format, `${where}.textFormatSource`),
      spec.omitEmptyValues,
    );
  }
  return new JsonFormatterImpl(spec.template, `${where}.jsonFormat`, {
    omitEmptyValues: spec.omitEmptyValues,
    sortProperties: spec.sortProperties,
  });
}

/** A `typed_config` as `@nuncio/config`'s loader gives it: `{ typeUrl, value }`. */
function isDecodedAny(typed: unknown): typed is { typeUrl: string; value?: unknown } {
  return isPlainObject(typed) && typeof typed.typeUrl === 'string' && typed['@type'] === undefined;
}

/** A proto3 default, which in a decoded message means the field was not set. */
function isUnsetDefault(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false ||
    (Array.isArray(value) && value.length === 0)
  );
}

/**
 * A decoded logger config (every scalar present at its default) as the proto3 JSON this parser
 * reads: `@type` inline, and the defaults that mean "not set" left out of the logger's fields and
 * of its `logFormat`. A `jsonFormat` template is user data and is kept whole.
 */
function inlineDecodedAny(typed: { typeUrl: string; value?: unknown }): Plain {
  const out: Plain = { '@type': typed.typeUrl };
  const value = isPlainObject(typed.value) ? typed.value : {};
  for (const [key, field] of Object.entries(value)) {
    if (isUnsetDefault(field)) continue;
    if (key === 'logFormat' && isPlainObject(field)) {
      const format: Plain = {};
      for (const [formatKey, formatField] of Object.entries(field)) {
        if (!isUnsetDefault(formatField)) format[formatKey] = formatField;
      }
      out.logFormat = format;
    } else {
      out[key] = field;
    }
  }
  return out;
}

function loggerKind(config: Plain, where: string): 'file' | 'stdout' | 'stderr' {
  const typed = config.typedConfig;
  const typeUrl = isPlainObject(typed) ? typed['@type'] : undefined;
  const name = config.name;
  if (name !== undefined && typeof name !== 'string') {
    throw configInvalidError(`${where}.name`, 'must be a string');
  }
  if (typeUrl !== undefined) {
    switch (typeUrl) {
      case AccessLoggerTypeUrl.File:
        return 'file';
      case AccessLoggerTypeUrl.Stdout:
        return 'stdout';
      case AccessLoggerTypeUrl.Stderr:
        return 'stderr';
      default:
        throw unsupportedFieldError(
          `${where}.typedConfig.@type`,
          `access logger type ${JSON.stringify(typeUrl)} is not supported (supported: ${Object.values(
            AccessLoggerTypeUrl,
          ).join(', ')})`,
        );
    }
  }
  switch (name) {
    case AccessLoggerName.File:
      return 'file';
    case AccessLoggerName.Stdout:
      return 'stdout';
    case AccessLoggerName.Stderr:
      return 'stderr';
    default:
      throw unsupportedFieldError(
        `${where}.name`,
        `access logger ${JSON.stringify(name)} is not supported (supported: ${Object.values(
          AccessLoggerName,
        ).join(', ')})`,
      );
  }
}

/**
 * Checks one `access_log` entry (Envoy's `config.accesslog.v3.AccessLog`) and returns its sink and
 * format spec. The entry is proto3 JSON (`typedConfig` with `@type` inline), or an entry of a
 * bootstrap decoded by `@nuncio/config` (`typedConfig` as `{ typeUrl, value }`). Throws an access-log config error naming the offending path (prefixed by `where`).
 * Refused: access-log `filter`s, and FileAccessLog's deprecated `format` / `jsonFormat` /
 * `typedJsonFormat` (use `logFormat`).
 */
export function parseAccessLogConfig(input: unknown, where = 'accessLog'): AccessLogDefinition {
  if (!isPlainObject(input)) throw configInvalidError(where, 'must be an object');
  const config = isDecodedAny(input.typedConfig)
    ? { ...input, typedConfig: inlineDecodedAny(input.typedConfig) }
    : input;
  checkFields(config, where, ['name', 'typedConfig'], {
    filter: 'access log filters are not supported yet',
  });
  const kind = loggerKind(config, where);
  const typedWhere = `${where}.typedConfig`;
  const typed = config.typedConfig ?? {};
  if (!isPlainObject(typed)) throw configInvalidError(typedWhere, 'must be an object');
  if (kind === 'file') {
    checkFields(typed, typedWhere, ['@type', 'path', 'logFormat'], {
      format: 'deprecated in Envoy; use logFormat: { textFormatSource: { inlineString } }',
      jsonFormat: 'deprecated in Envoy; use logFormat: { jsonFormat }',
      typedJsonFormat: 'deprecated in Envoy; use logFormat: { jsonFormat }',
    });
    const path = typed.path;
    if (typeof path !== 'string' || path === '') {
      throw configInvalidError(`${typedWhere}.path`, 'must be a non-empty string');
    }
    return {
      sink: { kind: 'file', path },
      format: parseLogFormat(typed.logFormat, `${typedWhere}.logFormat`),
    };
  }
  checkFields(typed, typedWhere, ['@type', 'logFormat']);
  return {
    sink: { kind },
    format: parseLogFormat(typed.logFormat, `${typedWhere}.logFormat`),
  };
}
