import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { withTimeout } from '@nuncio/test-support';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  componentIds,
  createLogRegistry,
  currentLogRegistry,
  formatActiveLoggers,
  getLogger,
  LogErrorCode,
  type LogRegistry,
  type LogRegistryOptions,
  parseComponentLogLevel,
} from '../src/index.ts';
import { readLines, TempDir } from './helpers.ts';

const temp = new TempDir();
let registries: LogRegistry[] = [];

function registry(options: LogRegistryOptions = {}): LogRegistry {
  const created = createLogRegistry({ logPath: temp.file(), ...options });
  registries.push(created);
  return created;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

afterEach(async () => {
  await Promise.all(registries.map((r) => withTimeout(r.close(), 5000, 'close')));
  registries = [];
});
afterAll(() => temp.remove());

describe('createLogRegistry', () => {
  it("starts every component at info, as Envoy's -l default", () => {
    const r = registry();
    expect(r.threadName).toBe('main_thread');
    expect(r.levels().map((l) => l.component)).toEqual([...componentIds]);
    expect(new Set(r.levels().map((l) => l.level))).toEqual(new Set(['info']));
  });

  it('applies componentLevels over level', () => {
    const r = registry({
      level: 'warn',
      componentLevels: parseComponentLogLevel('upstream:debug,connection:trace'),
    });
    expect(r.componentLevel('upstream')).toBe('debug');
    expect(r.componentLevel('connection')).toBe('trace');
    expect(r.componentLevel('admin')).toBe('warning');
  });

  it('rejects bad options before opening anything', () => {
    const logPath = temp.file();
    expect(codeOf(() => createLogRegistry({ logPath, level: 'loud' }))).toBe(
      LogErrorCode.UnknownLevel,
    );
    expect(
      codeOf(() => createLogRegistry({ logPath, componentLevels: { upstreams: 'info' } })),
    ).toBe(LogErrorCode.UnknownComponent);
    expect(codeOf(() => createLogRegistry({ logPath, componentLevels: { upstream: 'x' } }))).toBe(
      LogErrorCode.UnknownLevel,
    );
    expect(codeOf(() => createLogRegistry({ logPath, threadName: '' }))).toBe(
      LogErrorCode.InvalidOption,
    );
    expect(codeOf(() => createLogRegistry({ logPath, maxBufferBytes: 10 }))).toBe(
      LogErrorCode.InvalidOption,
    );
    expect(codeOf(() => createLogRegistry({ logPath: '' }))).toBe(LogErrorCode.InvalidOption);
    expect(readLines(logPath)).toEqual([]);
  });

  it('fails at once, naming the path, when the log file cannot be opened', () => {
    const directory = temp.file('a-directory');
    mkdirSync(directory);
    let error: { code?: string; message?: string } = {};
    try {
      createLogRegistry({ logPath: directory });
    } catch (caught) {
      error = caught as typeof error;
    }
    expect(error.code).toBe(LogErrorCode.OpenFailed);
    expect(error.message).toContain(directory);
  });

  it('creates the directories of the log path', async () => {
    const logPath = join(temp.file('nested'), 'deeper', 'envoy.log');
    const r = registry({ logPath });
    r.getLogger('main').info('hello');
    await r.close();
    expect(readLines(logPath).map((l) => l.msg)).toEqual(['hello']);
  });
});

describe('component loggers', () => {
  it('write pino JSON lines with thread and component bound', async () => {
    const r = registry({ threadName: 'main_thread', componentLevels: { upstream: 'debug' } });
    const upstream = r.getLogger('upstream');
    upstream.debug({ host: '10.0.0.1:80' }, 'adding host %s to %s', 'h1', 'cluster_0');
    upstream.trace('below debug');
    r.getLogger('connection').info('connection info');
    r.getLogger('connection').debug('below info');
    await r.close();
    const lines = readLines(r.logPath as string);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 20,
      pid: process.pid,
      thread: 'main_thread',
      component: 'upstream',
      host: '10.0.0.1:80',
      msg: 'adding host h1 to cluster_0',
    });
    expect(lines[1]).toMatchObject({ level: 30, component: 'connection', msg: 'connection info' });
  });

  it('are one per component per thread', () => {
    const r = registry();
    expect(r.getLogger('pool')).toBe(r.getLogger('pool'));
    expect(r.getLogger('pool')).not.toBe(r.getLogger('router'));
  });

  it('map every Envoy level onto pino', async () => {
    const r = registry({ level: 'trace' });
    const log = r.getLogger('misc');
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.fatal('c');
    r.setLevel('off');
    log.fatal('not even critical');
    await r.close();
    expect(readLines(r.logPath as string).map((l) => [l.level, l.msg])).toEqual([
      [10, 't'],
      [20, 'd'],
      [30, 'i'],
      [40, 'w'],
      [50, 'e'],
      [60, 'c'],
    ]);
  });

  it('refuse an unknown component, listing the valid ones', () => {
    const r = registry();
    let message = '';
    try {
      r.getLogger('upstreams' as 'upstream');
    } catch (error) {
      expect((error as { code: string }).code).toBe(LogErrorCode.UnknownComponent);
      message = (error as Error).message;
    }
    expect(message).toContain("'upstreams'");
    expect(message).toContain('upstream, udp, wasm');
  });

  it('report and set their level in pino terms, for the whole process', () => {
    const r = registry({ level: 'info' });
    const log = r.getLogger('router');
    expect(log.level).toBe('info');
    expect(log.levelVal).toBe(30);
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(log.isLevelEnabled('warning')).toBe(true);
    r.setComponentLevel('router', 'critical');
    expect(log.level).toBe('fatal');
    log.level = 'debug';
    expect(r.componentLevel('router')).toBe('debug');
    expect(log.isLevelEnabled('debug')).toBe(true);
    log.level = 'silent';
    expect(r.componentLevel('router')).toBe('off');
    expect(log.levelVal).toBe(Number.POSITIVE_INFINITY);
    expect(log.isLevelEnabled('fatal')).toBe(false);
    expect(codeOf(() => (log.level = 'loud'))).toBe(LogErrorCode.UnknownLevel);
  });

  it("give children that follow the component's level", async () => {
    const r = registry({ level: 'info' });
    const child = r.getLogger('http').child({ stream: 42 });
    child.debug('hidden');
    r.setComponentLevel('http', 'debug');
    child.debug('shown');
    child.child({ filter: 'router' }).debug('grandchild');
    await r.close();
    expect(readLines(r.logPath as string).map((l) => [l.msg, l.stream, l.component])).toEqual([
      ['shown', 42, 'http'],
      ['grandchild', 42, 'http'],
    ]);
  });

  it('give a child made with a level of its own that level, as pino does', async () => {
    const r = registry({ level: 'info' });
    const log = r.getLogger('http');
    // Fastify passes level '' for routes without logLevel: that child follows the component.
    const following = log.child({ route: 'follows' }, { level: '' as 'info' });
    const fixed = log.child({ route: 'fixed' }, { level: 'debug' });
    expect(fixed.level).toBe('debug');
    expect(fixed.isLevelEnabled('debug')).toBe(true);
    following.debug('hidden: http is at info');
    fixed.debug('shown: the child is at debug');
    fixed.child({ inner: true }).debug('and so is its child');
    r.setComponentLevel('http', 'error');
    fixed.debug('still shown');
    following.warn('hidden: http is at error');
    fixed.level = 'warn';
    expect(r.componentLevel('http')).toBe('error');
    fixed.debug('hidden: the child is at warn now');
    r.setComponentLevel('http', 'trace');
    following.trace('shown: http is at trace');
    await r.close();
    expect(readLines(r.logPath as string).map((l) => [l.route, l.msg])).toEqual([
      ['fixed', 'shown: the child is at debug'],
      ['fixed', 'and so is its child'],
      ['fixed', 'still shown'],
      ['follows', 'shown: http is at trace'],
    ]);
  });

  it('format nothing for a disabled level', async () => {
    const r = registry({ level: 'info' });
    const log = r.getLogger('filter');
    let serialised = 0;
    let stringified = 0;
    const payload = {
      get expensive() {
        serialised++;
        return 'value';
      },
    };
    const interpolated = {
      toString() {
        stringified++;
        return 'interpolated';
      },
      toJSON() {
        stringified++;
        return 'interpolated';
      },
    };
    for (let i = 0; i < 1000; i++) {
      log.debug(payload, 'debug %s', interpolated);
      log.trace(payload, 'trace %s', interpolated);
    }
    expect(serialised).toBe(0);
    expect(stringified).toBe(0);
    // The same calls at an enabled level do format: the counters can move.
    r.setComponentLevel('filter', 'trace');
    log.debug(payload, 'debug %s', interpolated);
    expect(serialised).toBe(1);
    expect(stringified).toBeGreaterThan(0);
  });
});

describe('levels', () => {
  it('change with setLevel, setComponentLevel and setComponentLevels, bumping the generation', () => {
    const r = registry();
    const start = r.generation();
    r.setLevel('error');
    expect(new Set(r.levels().map((l) => l.level))).toEqual(new Set(['error']));
    r.setComponentLevel('upstream', 'trace');
    r.setComponentLevels({ admin: 'debug', hc: 'warn' });
    expect(r.componentLevel('upstream')).toBe('trace');
    expect(r.componentLevel('admin')).toBe('debug');
    expect(r.componentLevel('hc')).toBe('warning');
    expect(r.generation()).toBe(start + 3);
  });

  it('are left alone when any entry of setComponentLevels is bad', () => {
    const r = registry();
    const start = r.generation();
    expect(codeOf(() => r.setComponentLevels({ admin: 'debug', nope: 'trace' }))).toBe(
      LogErrorCode.UnknownComponent,
    );
    expect(codeOf(() => r.setComponentLevels({ admin: 'debug', hc: 'loud' }))).toBe(
      LogErrorCode.UnknownLevel,
    );
    expect(codeOf(() => r.setComponentLevel('nope', 'debug'))).toBe(LogErrorCode.UnknownComponent);
    expect(codeOf(() => r.setLevel('nope'))).toBe(LogErrorCode.UnknownLevel);
    expect(r.componentLevel('admin')).toBe('info');
    expect(r.generation()).toBe(start);
  });

  it("format as Envoy's /logging body", () => {
    const r = registry({ componentLevels: { aws: 'off', admin: 'warning' } });
    const text = formatActiveLoggers(r.levels());
    expect(
      text.startsWith(
        'active loggers:\n  admin: warning\n  alternate_protocols_cache: info\n  aws: off\n',
      ),
    ).toBe(true);
    expect(text.endsWith('  golang: info\n\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(componentIds.length + 3);
  });
});

describe('output', () => {
  it('is all written once flush() resolves', async () => {
    const r = registry();
    const log = r.getLogger('stats');
    for (let i = 0; i < 2000; i++) log.info({ i }, 'flushed line');
    await withTimeout(r.flush(), 5000, 'flush');
    const lines = readLines(r.logPath as string);
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it("answers pino's logger.flush(cb)", async () => {
    const r = registry();
    const log = r.getLogger('stats');
    log.info('through pino');
    await withTimeout(new Promise<void>((resolve) => log.flush(() => resolve())), 5000, 'flush');
    expect(readLines(r.logPath as string).map((l) => l.msg)).toEqual(['through pino']);
  });

  it('drops and counts lines beyond maxBufferBytes rather than grow without bound', async () => {
    const r = registry({ maxBufferBytes: 1024 });
    const log = r.getLogger('io');
    // One synchronous burst: no write can complete meanwhile, so the buffer fills.
    for (let i = 0; i < 1000; i++) log.info({ i }, 'a line of about a hundred characters');
    const dropped = r.droppedLines();
    await r.close();
    const written = readLines(r.logPath as string);
    expect(dropped).toBeGreaterThan(900);
    expect(written.length + dropped).toBe(1000);
    expect(written[0]?.i).toBe(0);
  });

  it('drops and counts lines logged after close()', async () => {
    const r = registry();
    const log = r.getLogger('init');
    log.info('kept');
    await r.close();
    log.info('dropped');
    log.error('dropped too');
    await r.close();
    expect(readLines(r.logPath as string).map((l) => l.msg)).toEqual(['kept']);
    expect(r.droppedLines()).toBe(2);
    expect(codeOf(() => r.getLogger('tap'))).toBe(LogErrorCode.Closed);
    await expect(r.reopen()).rejects.toMatchObject({ code: LogErrorCode.Closed });
    await expect(r.flush()).resolves.toBeUndefined();
  });

  it('reopens the file after rotation', async () => {
    const r = registry();
    const logPath = r.logPath as string;
    const log = r.getLogger('main');
    log.info('before rotation');
    await r.flush();
    renameSync(logPath, `${logPath}.1`);
    log.info('still to the rotated file');
    await withTimeout(r.reopen(), 5000, 'reopen');
    log.info('after reopen');
    await r.close();
    expect(readLines(`${logPath}.1`).map((l) => l.msg)).toEqual([
      'before rotation',
      'still to the rotated file',
    ]);
    expect(readLines(logPath).map((l) => l.msg)).toEqual(['after reopen']);
  });

  it('reopen() rejects, naming the path, when the file cannot be reopened', async () => {
    const r = registry();
    const logPath = r.logPath as string;
    r.getLogger('main').info('first');
    await r.flush();
    renameSync(logPath, `${logPath}.1`);
    mkdirSync(logPath);
    const error = await r.reopen().then(
      () => null,
      (caught: unknown) => caught as { code: string; message: string },
    );
    expect(error?.code).toBe(LogErrorCode.OpenFailed);
    expect(error?.message).toContain(logPath);
    // The thread keeps writing to the file it had.
    r.getLogger('main').info('second');
    await r.close();
    expect(readLines(`${logPath}.1`).map((l) => l.msg)).toEqual(['first', 'second']);
  });
});

describe('getLogger', () => {
  it("uses this thread's latest registry until it is closed", async () => {
    const r = registry();
    expect(currentLogRegistry()).toBe(r);
    expect(getLogger('runtime')).toBe(r.getLogger('runtime'));
    await r.close();
    expect(currentLogRegistry()).toBe(null);
    expect(codeOf(() => getLogger('runtime'))).toBe(LogErrorCode.NoRegistry);
  });
});
