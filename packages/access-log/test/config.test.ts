import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBootstrap } from '@nuncio/config';
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

describe('parseAccessLogConfig on a bootstrap decoded by @nuncio/config', () => {
  const text = `
admin:
  address: { socket_address: { address: 127.0.0.1, port_value: 9901 } }
  access_log:
    - name: envoy.access_loggers.file
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
        path: /var/log/admin.log
        log_format: { json_format: { empty: "", start: "%START_TIME%", nested: { host: "%UPSTREAM_HOST%" } } }
    - name: envoy.access_loggers.stdout
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
    - name: envoy.access_loggers.stderr
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog
        log_format: { text_format_source: { inline_string: "%DURATION%\\n" }, omit_empty_values: true }
`;
  // The loader gives every typed_config as { typeUrl, value } with each scalar at its default.
  const entries = loadBootstrap({ text, name: 'admin.yaml' }, { checkSubset: false }).admin
    ?.accessLog as unknown[];

  it('reads each entry as it reads the proto3 JSON form, keeping a JSON template whole', () => {
    expect(entries).toHaveLength(3);
    expect(parseAccessLogConfig(entries[0], 'admin.access_log[0]')).toEqual({
      sink: { kind: 'file', path: '/var/log/admin.log' },
      format: {
        kind: 'json',
        template: { empty: '', start: '%START_TIME%', nested: { host: '%UPSTREAM_HOST%' } },
        omitEmptyValues: false,
        sortProperties: false,
      },
    });
    expect(parseAccessLogConfig(entries[1])).toEqual({
      sink: { kind: 'stdout' },
      format: { kind: 'text', format: DEFAULT_ACCESS_LOG_FORMAT, omitEmptyValues: false },
    });
    expect(parseAccessLogConfig(entries[2])).toEqual({
      sink: { kind: 'stderr' },
      format: { kind: 'text', format: '%DURATION%\n', omitEmptyValues: true },
    });
  });

  it('still names the field of a decoded entry it cannot serve', () => {
    const decoded = loadBootstrap(
      {
        text: `
admin:
  access_log:
    - name: envoy.access_loggers.stdout
      filter: { status_code_filter: { comparison: { op: GE, value: { default_value: 500, runtime_key: k } } } }
      typed_config:
        "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
`,
        name: 'bad.yaml',
      },
      { checkSubset: false },
    ).admin?.accessLog as unknown[];
    const error = failure(decoded[0]);
    expect(error.code).toBe(AccessLogErrorCode.ConfigUnsupportedField);
    expect(error.message).toContain('listeners[0].accessLog[0].filter');
  });
});
