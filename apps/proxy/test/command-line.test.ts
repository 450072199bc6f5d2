import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ProxyErrorCode, parseCommandLine } from '../src/index.ts';

function failure(argv: string[]): { code: string; message: string } {
  try {
    parseCommandLine(argv);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error(`parsed: ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('gives Envoy defaults when no flag is set', () => {
    const cl = parseCommandLine([]);
    expect(cl).toMatchObject({
      help: false,
      version: false,
      configPath: null,
      configYaml: null,
      mode: 'serve',
      concurrency: availableParallelism(),
      logLevel: 'info',
      componentLogLevel: null,
      logPath: null,
      drainTimeS: 600,
      drainStrategy: 'gradual',
      serviceNode: null,
      serviceCluster: null,
      serviceZone: null,
      fileFlushIntervalMs: 10_000,
      adminAddressPath: null,
    });
  });

  it("reads Envoy's flags, short and long, with a space or '='", () => {
    const cl = parseCommandLine([
      '-c',
      'envoy.yaml',
      '--config-yaml=node: {id: a}',
      '--mode',
      'validate',
      '--concurrency',
      '3',
      '-l',
      'debug',
      '--component-log-level',
      'upstream:trace',
      '--log-path',
      '/tmp/n.log',
      '--drain-time-s',
      '0',
      '--drain-strategy',
      'immediate',
      '--service-node',
      'n1',
      '--service-cluster',
      'c1',
      '--service-zone',
      'z1',
      '--file-flush-interval-msec',
      '250',
    ]);
    expect(cl).toMatchObject({
      configPath: 'envoy.yaml',
      configYaml: 'node: {id: a}',
      mode: 'validate',
      concurrency: 3,
      logLevel: 'debug',
      componentLogLevel: 'upstream:trace',
      logPath: '/tmp/n.log',
      drainTimeS: 0,
      drainStrategy: 'immediate',
      serviceNode: 'n1',
      serviceCluster: 'c1',
      serviceZone: 'z1',
      fileFlushIntervalMs: 250,
    });
    expect(parseCommandLine(['--config-path', 'x.json']).configPath).toBe('x.json');
    expect(parseCommandLine(['--log-level', 'warning']).logLevel).toBe('warning');
    expect(parseCommandLine(['-h']).help).toBe(true);
    expect(parseCommandLine(['--version']).version).toBe(true);
  });

  it('refuses unknown flags and stray arguments, naming them', () => {
    expect(failure(['--config', 'x.yaml'])).toMatchObject({
      code: ProxyErrorCode.BadOption,
      message: expect.stringContaining('--config: unknown flag'),
    });
    expect(failure(['-x']).message).toContain('-x: unknown flag');
    expect(failure(['envoy.yaml']).message).toContain("unexpected argument 'envoy.yaml'");
  });

  it('refuses a flag without its value', () => {
    expect(failure(['-c']).message).toContain('-c: needs a value');
    expect(failure(['--mode']).message).toContain('--mode: needs a value');
    expect(failure(['--version=1']).message).toContain('--version: takes no value');
  });

  it.each([
    [['--mode', 'init_only'], '--mode'],
    [['--concurrency', '0'], '--concurrency'],
    [['--concurrency', 'two'], '--concurrency'],
    [['--concurrency', '1.5'], '--concurrency'],
    [['--drain-time-s', '-1'], '--drain-time-s'],
    [['--drain-strategy', 'slow'], '--drain-strategy'],
    [['-l', 'loud'], '--log-level'],
    [['--file-flush-interval-msec', '0'], '--file-flush-interval-msec'],
    [['-c', ''], '--config-path'],
  ])('refuses %j, naming %s', (argv, flag) => {
    const error = failure(argv);
    expect(error.code).toBe(ProxyErrorCode.BadOption);
    expect(error.message.startsWith(`${flag}: `)).toBe(true);
  });
});
