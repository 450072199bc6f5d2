import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AccessLogConfigError,
  AccessLogErrorCode,
  AccessLoggerTypeUrl,
  DEFAULT_ACCESS_LOG_FORMAT,
  parseAccessLogConfig,
} from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'nuncio-access-log-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(config: unknown): AccessLogConfigError {
  try {
    parseAccessLogConfig(config, 'listeners[0].accessLog[0]');
  } catch (error) {
    if (error instanceof AccessLogConfigError) return error;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('parseAccessLogConfig', () => {
  it('reads a file logger with a text format', () => {
    const definition = parseAccessLogConfig({
      name: 'envoy.access_loggers.file',
      typedConfig: {
        '@type': AccessLoggerTypeUrl.File,
        path: '/var/log/x.log',
        logFormat: { textFormatSource: { inlineString: '%DURATION%\n' }, omitEmptyValues: true },
      },
    });
    expect(definition).toEqual({
      sink: { kind: 'file', path: '/var/log/x.log' },
      format: { kind: 'text', format: '%DURATION%\n', omitEmptyValues: true },
    });
  });

  it("uses Envoy's default format when there is no logFormat, and takes the kind from @type alone", () => {
    expect(parseAccessLogConfig({ typedConfig: { '@type': AccessLoggerTypeUrl.Stdout } })).toEqual({
      sink: { kind: 'stdout' },
      format: { kind: 'text', format: DEFAULT_ACCESS_LOG_FORMAT, omitEmptyValues: false },
    });
    expect(parseAccessLogConfig({ name: 'envoy.access_loggers.stderr' }).sink).toEqual({
      kind: 'stderr',
    });
  });

  it('reads a JSON format with its options', () => {
    const definition = parseAccessLogConfig({
      name: 'envoy.access_loggers.file',
      typedConfig: {
        path: 'x.log',
        logFormat: {
          jsonFormat: { d: '%DURATION%', nested: { h: '%UPSTREAM_HOST%' } },
          jsonFormatOptions: { sortProperties: true },
        },
      },
    });
    expect(definition.format).toEqual({
      kind: 'json',
      template: { d: '%DURATION%', nested: { h: '%UPSTREAM_HOST%' } },
      omitEmptyValues: false,
      sortProperties: true,
    });
  });

  it('reads a format string from a file at config time', () => {
    const file = join(dir, 'format.txt');
    writeFileSync(file, '%BYTES_SENT%\n');
    const definition = parseAccessLogConfig({
      name: 'envoy.access_loggers.stdout',
      typedConfig: { logFormat: { textFormatSource: { filename: file } } },
    });
    expect(definition.format).toEqual({
      kind: 'text',
      format: '%BYTES_SENT%\n',
      omitEmptyValues: false,
    });
  });

  it('refuses deprecated and unsupported fields, naming their path', () => {
    const deprecated = failure({
      name: 'envoy.access_loggers.file',
      typedConfig: { path: 'x', format: '%DURATION%' },
    });
    expect(deprecated.code).toBe(AccessLogErrorCode.ConfigUnsupportedField);
    expect(deprecated.where).toBe('listeners[0].accessLog[0].typedConfig.format');
    expect(deprecated.message).toContain('logFormat');

    const filter = failure({
      name: 'envoy.access_loggers.file',
      filter: {},
      typedConfig: { path: 'x' },
    });
    expect(filter.where).toBe('listeners[0].accessLog[0].filter');

    const unknown = failure({
      name: 'envoy.access_loggers.stdout',
      typedConfig: { logFormat: { textFormatSource: { inlineString: 'x' }, extra: 1 } },
    });
    expect(unknown.where).toBe('listeners[0].accessLog[0].typedConfig.logFormat.extra');

    const textFormat = failure({
      name: 'envoy.access_loggers.stdout',
      typedConfig: { logFormat: { textFormat: 'x' } },
    });
    expect(textFormat.code).toBe(AccessLogErrorCode.ConfigUnsupportedField);
  });

  it('refuses unknown loggers and missing or double formats', () => {
    expect(failure({ name: 'envoy.access_loggers.http_grpc' }).code).toBe(
      AccessLogErrorCode.ConfigUnsupportedField,
    );
    expect(failure({ name: 'envoy.access_loggers.file', typedConfig: {} }).where).toBe(
      'listeners[0].accessLog[0].typedConfig.path',
    );
    const both = failure({
      name: 'envoy.access_loggers.stdout',
      typedConfig: { logFormat: { textFormatSource: { inlineString: 'x' }, jsonFormat: {} } },
    });
    expect(both.code).toBe(AccessLogErrorCode.ConfigInvalid);
  });

  it('fails at config time on a bad operator, naming where it is', () => {
    const error = failure({
      name: 'envoy.access_loggers.stdout',
      typedConfig: { logFormat: { textFormatSource: { inlineString: '%BYTES%' } } },
    });
    expect(error.code).toBe(AccessLogErrorCode.UnknownOperator);
    expect(error.where).toBe('listeners[0].accessLog[0].typedConfig.logFormat.textFormatSource');
  });
});
