import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  AccessLogErrorCode,
  createFormatter,
  DEFAULT_ACCESS_LOG_FORMAT,
  type HeaderLookup,
  ResponseFlag,
  type StreamInfo,
  supportedCommandOperators,
} from '../src/index.ts';

// 2016-04-15T20:17:00.310Z, the time of Envoy's documented example line.
const START = Date.UTC(2016, 3, 15, 20, 17, 0, 310);

function headers(values: Record<string, string>): HeaderLookup {
  const map = new Map(Object.entries(values));
  return { get: (name) => map.get(name) };
}

const tcp: StreamInfo = {
  startTimeMs: START,
  durationMs: 226.9,
  bytesReceived: 154,
  bytesSent: 0,
  downstreamRemoteAddress: { address: '10.0.35.28', port: 51234 },
  downstreamLocalAddress: { address: '::1', port: 10000 },
  upstreamHost: { address: '10.0.2.1', port: 80 },
  upstreamCluster: 'locations',
  upstreamLocalAddress: { address: '10.0.0.5', port: 40000 },
  responseFlags: 0,
  connectionId: 42,
};

function text(format: string, omitEmptyValues = false) {
  return createFormatter({ kind: 'text', format, omitEmptyValues });
}

function json(template: Record<string, unknown>, options: { omit?: boolean; sort?: boolean } = {}) {
  return createFormatter({
    kind: 'json',
    template: template as never,
    omitEmptyValues: options.omit === true,
    sortProperties: options.sort === true,
  });
}

function configError(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a config error');
}

describe('text formats', () => {
  it("prints Envoy's default format for a TCP connection", () => {
    expect(text(DEFAULT_ACCESS_LOG_FORMAT).format(tcp)).toBe(
      '[2016-04-15T20:17:00.310Z] "- - -" 0 - 154 0 226 - "-" "-" "-" "-" "10.0.2.1:80"\n',
    );
  });

  it("prints Envoy's default format for an HTTP request", () => {
    const http: StreamInfo = {
      ...tcp,
      protocol: 'HTTP/2',
      responseCode: 204,
      durationMs: 226,
      requestHeaders: headers({
        ':method': 'POST',
        ':path': '/api/v1/locations',
        'x-forwarded-for': '10.0.35.28',
        'user-agent': 'nsq2http',
        'x-request-id': 'cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2',
        ':authority': 'locations',
      }),
      responseHeaders: headers({ 'x-envoy-upstream-service-time': '100' }),
    };
    expect(text(DEFAULT_ACCESS_LOG_FORMAT).format(http)).toBe(
      '[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 ' +
        '"10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "10.0.2.1:80"\n',
    );
  });

  it('prints the TCP operators', () => {
    const f = text(
      '%DOWNSTREAM_REMOTE_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% ' +
        '%DOWNSTREAM_REMOTE_PORT% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT% ' +
        '%UPSTREAM_HOST% %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %BYTES_RECEIVED% ' +
        '%BYTES_SENT% %DURATION% %CONNECTION_ID% %HOSTNAME%',
    );
    expect(f.format(tcp)).toBe(
      `10.0.35.28:51234 10.0.35.28 51234 [::1]:10000 ::1 10.0.2.1:80 locations 10.0.0.5:40000 154 0 226 42 ${hostname()}`,
    );
  });

  it('prints - for unset values, or nothing with omitEmptyValues', () => {
    const format =
      '%UPSTREAM_HOST%|%UPSTREAM_CLUSTER%|%DURATION%|%START_TIME%|%CONNECTION_TERMINATION_DETAILS%|%BYTES_SENT%';
    expect(text(format).format({})).toBe('-|-|-|-|-|0');
    expect(text(format, true).format({})).toBe('|||||0');
    expect(
      text('%CONNECTION_TERMINATION_DETAILS%').format({ connectionTerminationDetails: 'idle' }),
    ).toBe('idle');
  });

  it('prints response flags in Envoy order, short and long', () => {
    const info = {
      responseFlags:
        ResponseFlag.UpstreamRetryLimitExceeded | ResponseFlag.UpstreamConnectionFailure,
    };
    expect(text('%RESPONSE_FLAGS%').format(info)).toBe('UF,URX');
    expect(text('%RESPONSE_FLAGS_LONG%').format(info)).toBe(
      'UpstreamConnectionFailure,UpstreamRetryLimitExceeded',
    );
    expect(text('%RESPONSE_FLAGS%').format({ responseFlags: ResponseFlag.NoHealthyUpstream })).toBe(
      'UH',
    );
    expect(text('%RESPONSE_FLAGS%').format({})).toBe('-');
  });

  it('keeps literal text, the %% escape, and truncation', () => {
    expect(text('100%% of %UPSTREAM_CLUSTER:3% %%done').format(tcp)).toBe('100% of loc %done');
    expect(
      text('%REQ(USER-AGENT):4%').format({ requestHeaders: headers({ 'user-agent': 'curl/8' }) }),
    ).toBe('curl');
  });

  it('takes the alternative header when the main one is absent', () => {
    const f = text('%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%');
    expect(f.format({ requestHeaders: headers({ ':path': '/a' }) })).toBe('/a');
    expect(
      f.format({ requestHeaders: headers({ ':path': '/a', 'x-envoy-original-path': '/b' }) }),
    ).toBe('/b');
    expect(f.format({})).toBe('-');
  });

  it('formats START_TIME with strftime specifiers and fractions, in UTC', () => {
    const at = START + 0.123456; // 20:17:00.310123456 (to the precision a double carries)
    const info = { startTimeMs: at };
    expect(text('%START_TIME(%Y/%m/%dT%H:%M:%S%z)%').format(info)).toBe('2016/04/15T20:17:00+0000');
    expect(text('%START_TIME(%s.%3f)%').format(info)).toBe('1460751420.310');
    expect(text('%START_TIME(%s.%6f)%').format(info)).toBe('1460751420.310123');
    expect(text('%START_TIME(%f)%').format({ startTimeMs: START })).toBe('310000000');
    expect(text('%START_TIME(%a %b %e %j %I%p %F %T %y %E6S)%').format(info)).toBe(
      'Fri Apr 15 106 08PM 2016-04-15 20:17:00 16 00.310123',
    );
    expect(text('%START_TIME(%E*S)%').format({ startTimeMs: START })).toBe('00.31');
    expect(text('%START_TIME()%').format({ startTimeMs: START })).toBe('2016-04-15T20:17:00.310Z');
  });

  it('renders a new second after a cached one', () => {
    const f = text('%START_TIME%');
    expect(f.format({ startTimeMs: START })).toBe('2016-04-15T20:17:00.310Z');
    expect(f.format({ startTimeMs: START + 5 })).toBe('2016-04-15T20:17:00.315Z');
    expect(f.format({ startTimeMs: START + 1000 })).toBe('2016-04-15T20:17:01.310Z');
  });

  it('refuses unknown operators, naming them', () => {
    const error = configError(() => text('%START_TIME% %NOPE%'));
    expect(error.code).toBe(AccessLogErrorCode.UnknownOperator);
    expect(error.message).toContain('%NOPE%');
  });

  it('refuses malformed format strings, naming the position', () => {
    for (const bad of ['50% done', '%DURATION', '%REQ(A%', '%DURATION:%', 'end%']) {
      const error = configError(() => text(bad));
      expect(error.code, bad).toBe(AccessLogErrorCode.FormatSyntax);
      expect(error.message).toMatch(/position \d+/);
    }
  });

  it('refuses bad operator arguments', () => {
    for (const bad of ['%DURATION(x)%', '%REQ%', '%REQ(a?b?c)%', '%START_TIME(%Q)%']) {
      expect(configError(() => text(bad)).code, bad).toBe(AccessLogErrorCode.BadOperatorArgument);
    }
  });

  it('lists its operators', () => {
    expect(supportedCommandOperators()).toEqual(
      expect.arrayContaining([
        'START_TIME',
        'DOWNSTREAM_REMOTE_ADDRESS',
        'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT',
        'DOWNSTREAM_LOCAL_ADDRESS',
        'UPSTREAM_HOST',
        'UPSTREAM_CLUSTER',
        'UPSTREAM_LOCAL_ADDRESS',
        'BYTES_RECEIVED',
        'BYTES_SENT',
        'DURATION',
        'RESPONSE_FLAGS',
        'CONNECTION_ID',
        'CONNECTION_TERMINATION_DETAILS',
        'HOSTNAME',
      ]),
    );
  });
});

describe('json formats', () => {
  it('types numbers as Envoy does, one object per line', () => {
    const f = json({
      start: '%START_TIME%',
      client: '%DOWNSTREAM_REMOTE_ADDRESS%',
      port: '%DOWNSTREAM_REMOTE_PORT%',
      bytes: { in: '%BYTES_RECEIVED%', out: '%BYTES_SENT%' },
      duration: '%DURATION%',
      id: '%CONNECTION_ID%',
      flags: '%RESPONSE_FLAGS%',
      code: '%RESPONSE_CODE%',
      mixed: '%DURATION%ms',
      constant: 'tcp',
    });
    const line = f.format(tcp);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual({
      start: '2016-04-15T20:17:00.310Z',
      client: '10.0.35.28:51234',
      port: 51234,
      bytes: { in: 154, out: 0 },
      duration: 226,
      id: 42,
      flags: '-',
      code: 0,
      mixed: '226ms',
      constant: 'tcp',
    });
  });

  it('renders unset values as null, or leaves their keys out with omitEmptyValues', () => {
    const template = {
      host: '%UPSTREAM_HOST%',
      duration: '%DURATION%',
      text: 'at %UPSTREAM_HOST%',
    };
    expect(JSON.parse(json(template).format({}))).toEqual({
      host: null,
      duration: null,
      text: 'at -',
    });
    expect(JSON.parse(json(template, { omit: true }).format({}))).toEqual({ text: 'at ' });
  });

  it('escapes values and keys, and sorts keys when asked', () => {
    const f = json({ 'b"key': '%UPSTREAM_CLUSTER%', a: 'x' }, { sort: true });
    const line = f.format({ upstreamCluster: 'quote" and \n newline' });
    expect(line).toBe('{"a":"x","b\\"key":"quote\\" and \\n newline"}\n');
  });

  it('refuses non-string leaves and bad operators, naming the key', () => {
    const leaf = configError(() => json({ a: { b: 3 } }));
    expect(leaf.code).toBe(AccessLogErrorCode.ConfigInvalid);
    expect(leaf.message).toContain('.a.b');
    const op = configError(() => json({ a: '%WHAT%' }));
    expect(op.code).toBe(AccessLogErrorCode.UnknownOperator);
    expect(op.message).toContain('.a');
  });
});
