import { describe, expect, it } from 'vitest';
import {
  componentIds,
  isComponentId,
  LogErrorCode,
  parseComponentLogLevel,
  parseLogLevel,
} from '../src/index.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('componentIds', () => {
  it("are Envoy's logger ids, each once, in Envoy's order", () => {
    expect(new Set(componentIds).size).toBe(componentIds.length);
    for (const id of [
      'admin',
      'assert',
      'backtrace',
      'client',
      'config',
      'connection',
      'conn_handler',
      'dns',
      'filter',
      'forward_proxy',
      'grpc',
      'hc',
      'health_checker',
      'http',
      'http2',
      'init',
      'io',
      'jwt',
      'kafka',
      'lua',
      'main',
      'misc',
      'pool',
      'router',
      'runtime',
      'stats',
      'secret',
      'tap',
      'testing',
      'thrift',
      'tracing',
      'upstream',
      'udp',
      'wasm',
    ]) {
      expect(isComponentId(id), id).toBe(true);
    }
    expect(componentIds[0]).toBe('admin');
    expect(componentIds.indexOf('quic')).toBeLessThan(componentIds.indexOf('pool'));
    expect(isComponentId('http1')).toBe(false);
    expect(isComponentId('Upstream')).toBe(false);
  });
});

describe('parseLogLevel', () => {
  it("takes Envoy's level names and the warn alias", () => {
    expect(
      ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'].map(parseLogLevel),
    ).toEqual(['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off']);
    expect(parseLogLevel('warn')).toBe('warning');
  });

  it("takes pino's names for the levels Envoy spells differently", () => {
    expect(parseLogLevel('fatal')).toBe('critical');
    expect(parseLogLevel('silent')).toBe('off');
  });

  it('rejects anything else, listing the valid levels', () => {
    expect(codeOf(() => parseLogLevel('verbose'))).toBe(LogErrorCode.UnknownLevel);
    expect(codeOf(() => parseLogLevel('INFO'))).toBe(LogErrorCode.UnknownLevel);
    expect(codeOf(() => parseLogLevel(''))).toBe(LogErrorCode.UnknownLevel);
    const message = messageOf(() => parseLogLevel('verbose'));
    expect(message).toContain("'verbose'");
    expect(message).toContain('trace, debug, info, warning (or warn), error, critical');
  });
});

describe('parseComponentLogLevel', () => {
  it('reads <component>:<level> pairs separated by commas', () => {
    expect(parseComponentLogLevel('upstream:debug,connection:trace')).toEqual({
      upstream: 'debug',
      connection: 'trace',
    });
  });

  it('ignores spaces, gives nothing for an empty string and keeps the last of a repeat', () => {
    expect(parseComponentLogLevel(' upstream : warn , admin:off ')).toEqual({
      upstream: 'warning',
      admin: 'off',
    });
    expect(parseComponentLogLevel('')).toEqual({});
    expect(parseComponentLogLevel('http:debug,http:error')).toEqual({ http: 'error' });
  });

  it('names an unknown component and lists the valid ones', () => {
    const fn = () => parseComponentLogLevel('upstream:debug,upstreams:trace');
    expect(codeOf(fn)).toBe(LogErrorCode.UnknownComponent);
    const message = messageOf(fn);
    expect(message).toContain("'upstreams'");
    expect(message).toContain(componentIds.join(', '));
  });

  it('names an unknown level and lists the valid ones', () => {
    const fn = () => parseComponentLogLevel('upstream:loud');
    expect(codeOf(fn)).toBe(LogErrorCode.UnknownLevel);
    expect(messageOf(fn)).toContain("'loud'");
    expect(messageOf(fn)).toContain('critical (or fatal)');
  });

  it('rejects entries that are not one pair', () => {
    for (const spec of ['upstream', 'upstream:debug:x', ':debug', 'upstream:', 'upstream:debug,']) {
      expect(
        codeOf(() => parseComponentLogLevel(spec)),
        spec,
      ).toBe(LogErrorCode.BadComponentLogLevel);
    }
    expect(messageOf(() => parseComponentLogLevel('admin:info,upstream'))).toContain("'upstream'");
  });
});
