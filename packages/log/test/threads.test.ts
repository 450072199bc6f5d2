import { execFile } from 'node:child_process';
import { renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInWorker, waitFor, withTimeout } from '@nuncio/test-support';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createLogRegistry,
  LogErrorCode,
  type LogRegistry,
  type LogRegistryOptions,
} from '../src/index.ts';
import { parseLines, readLines, TempDir } from './helpers.ts';

const fixtures = new URL('./fixtures/worker-logging.ts', import.meta.url);
const temp = new TempDir();
let registries: LogRegistry[] = [];

function registry(options: LogRegistryOptions = {}): LogRegistry {
  const created = createLogRegistry({ logPath: temp.file(), ...options });
  registries.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(registries.map((r) => withTimeout(r.close(), 5000, 'close')));
  registries = [];
});
afterAll(() => temp.remove());

describe('levels across threads', () => {
  it("reach a worker's next log call with no message (the worker is blocked meanwhile)", async () => {
    const r = registry({ level: 'info' });
    const control = new Int32Array(new SharedArrayBuffer(4));
    const done = runInWorker<{ levelBefore: string; levelAfter: string }>(
      fixtures,
      'logAroundLevelChange',
      [r.descriptor(), control.buffer, 'wrk:worker_0'],
      { name: 'wrk:worker_0' },
    );
    await waitFor(() => Atomics.load(control, 0) === 1, { what: 'the worker to log "before"' });
    r.setComponentLevel('upstream', 'debug');
    Atomics.store(control, 0, 2);
    Atomics.notify(control, 0);
    const seen = await done;
    expect(seen).toEqual({ levelBefore: 'info', levelAfter: 'debug' });
    const lines = readLines(r.logPath as string);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 20,
      thread: 'wrk:worker_0',
      component: 'upstream',
      step: 'after',
      msg: 'debug after the change',
    });
  });

  it('can be changed from a worker and are seen on main', async () => {
    const r = registry();
    const log = r.getLogger('dns');
    expect(log.isLevelEnabled('trace')).toBe(false);
    await runInWorker(fixtures, 'setLevelFromWorker', [r.descriptor(), 'dns', 'trace']);
    expect(r.componentLevel('dns')).toBe('trace');
    expect(log.isLevelEnabled('trace')).toBe(true);
  });
});

describe('output across threads', () => {
  it('keeps every line of several workers and main, each tagged with its thread', async () => {
    const r = registry();
    const perWorker = 3000;
    const names = ['wrk:worker_0', 'wrk:worker_1', 'wrk:worker_2'];
    const dropped = await Promise.all(
      names.map((name) =>
        runInWorker<number>(fixtures, 'logLines', [r.descriptor(), name, perWorker], {
          name,
          timeoutMs: 20_000,
        }),
      ),
    );
    expect(dropped).toEqual([0, 0, 0]);
    r.getLogger('connection').info('main says bye');
    await r.close();
    const lines = readLines(r.logPath as string);
    expect(lines).toHaveLength(names.length * perWorker + 1);
    for (const name of names) {
      const own = lines.filter((l) => l.thread === name);
      // Each thread's lines arrive whole and in its own order.
      expect(own.map((l) => l.seq)).toEqual(Array.from({ length: perWorker }, (_, i) => i));
      expect(own[7]).toMatchObject({ component: 'connection', msg: `line 7 of ${name}` });
    }
    expect(lines.filter((l) => l.thread === 'main_thread').map((l) => l.msg)).toEqual([
      'main says bye',
    ]);
  });

  it("reopens a worker's file at its next line after reopen() on main", async () => {
    const r = registry();
    const logPath = r.logPath as string;
    const control = new Int32Array(new SharedArrayBuffer(4));
    const done = runInWorker(fixtures, 'logAroundReopen', [
      r.descriptor(),
      control.buffer,
      'wrk:worker_0',
    ]);
    await waitFor(() => Atomics.load(control, 0) === 1, { what: 'the worker to log "before"' });
    renameSync(logPath, `${logPath}.1`);
    await r.reopen();
    Atomics.store(control, 0, 2);
    Atomics.notify(control, 0);
    await done;
    await r.close();
    expect(readLines(`${logPath}.1`).map((l) => [l.thread, l.step])).toEqual([
      ['wrk:worker_0', 'before'],
    ]);
    expect(readLines(logPath).map((l) => [l.thread, l.step])).toEqual([['wrk:worker_0', 'after']]);
  });

  it('goes to stderr by default, from main and from workers', async () => {
    const child = fileURLToPath(new URL('./fixtures/stderr-child.ts', import.meta.url));
    const stderr = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--conditions=@nuncio/source', child],
        { timeout: 20_000 },
        (error, _stdout, stderrText) => (error ? reject(error) : resolve(stderrText)),
      );
    });
    const lines = parseLines(stderr);
    expect(lines.map((l) => [l.thread, l.component, l.level, l.msg]).sort()).toEqual([
      ['main_thread', 'admin', 20, 'from main'],
      ['wrk:worker_0', 'upstream', 30, 'from the worker'],
    ]);
  });
});

describe('openLogRegistry', () => {
  it('refuses what is not a descriptor, and a missing thread name', async () => {
    const r = registry();
    const good = r.descriptor();
    const cases: [unknown, unknown, string][] = [
      [null, 'w', LogErrorCode.BadDescriptor],
      [{ ...good, version: 2 }, 'w', LogErrorCode.BadDescriptor],
      [{ ...good, levels: new ArrayBuffer(8) }, 'w', LogErrorCode.BadDescriptor],
      [{ ...good, levels: new SharedArrayBuffer(8) }, 'w', LogErrorCode.BadDescriptor],
      [{ ...good, components: ['admin'] }, 'w', LogErrorCode.BadDescriptor],
      [{ ...good, logPath: 3 }, 'w', LogErrorCode.BadDescriptor],
      [good, '', LogErrorCode.InvalidOption],
      [good, 'wrk:worker_0', 'opened'],
    ];
    const outcomes = await runInWorker<string[]>(
      new URL('./fixtures/open-cases.ts', import.meta.url),
      'openAll',
      [cases.map(([descriptor, threadName]) => [descriptor, threadName])],
    );
    expect(outcomes).toEqual(cases.map(([, , expected]) => expected));
  });
});
