import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runInWorker, threadNames, waitFor, withTimeout } from '@nuncio/test-support';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type AccessLogCounter,
  AccessLogErrorCode,
  AccessLoggerTypeUrl,
  type AccessLogManager,
  createAccessLogManager,
  FLUSH_THREAD_NAME,
} from '../src/index.ts';

const fixtures = new URL('./fixtures/writers.ts', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'nuncio-access-log-'));
let managers: AccessLogManager[] = [];
let counter = 0;

function tempPath(name = 'access.log'): string {
  const sub = join(dir, String(counter++));
  mkdirSync(sub);
  return join(sub, name);
}

function manager(options: Parameters<typeof createAccessLogManager>[0] = {}): AccessLogManager {
  const created = createAccessLogManager(options);
  managers.push(created);
  return created;
}

function lines(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

afterEach(async () => {
  await Promise.all(managers.map((m) => withTimeout(m.close(), 10_000, 'close')));
  managers = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the flush thread', () => {
  it('is named AccessLogFlush in /proc and ends on close', async () => {
    const m = manager();
    expect(m.flushThreadName).toBe('AccessLogFlush');
    expect(FLUSH_THREAD_NAME.length).toBeLessThanOrEqual(15);
    await waitFor(() => threadNames().some((t) => t.name === 'AccessLogFlush'), {
      what: 'a thread named AccessLogFlush',
    });
    await m.close();
    await waitFor(() => !threadNames().some((t) => t.name === 'AccessLogFlush'), {
      what: 'the flush thread to end',
    });
  });
});

describe('handing lines over', () => {
  it('writes what a configured access log hands over, on flush()', async () => {
    const path = tempPath();
    const m = manager({ flushIntervalMs: 60_000 });
    const spec = m.createAccessLog({
      name: 'envoy.access_loggers.file',
      typedConfig: {
        '@type': AccessLoggerTypeUrl.File,
        path,
        logFormat: {
          textFormatSource: {
            inlineString: '%DOWNSTREAM_REMOTE_ADDRESS% %UPSTREAM_HOST% %BYTES_SENT% %DURATION%\n',
          },
        },
      },
    });
    const handle = m.registerThread();
    const logged = await runInWorker<number>(fixtures, 'logConnections', [handle, spec, 3, 5]);
    expect(logged).toBe(5);
    await m.flush();
    expect(lines(path)).toEqual([
      '127.0.0.1:40003 127.0.0.2:80 0 0',
      '127.0.0.1:40003 127.0.0.2:80 1 1',
      '127.0.0.1:40003 127.0.0.2:80 2 2',
      '127.0.0.1:40003 127.0.0.2:80 3 3',
      '127.0.0.1:40003 127.0.0.2:80 4 4',
    ]);
  });

  it('writes JSON lines from the main thread and from a worker to the same file', async () => {
    const path = tempPath();
    const m = manager({ flushIntervalMs: 60_000 });
    const config = {
      name: 'envoy.access_loggers.file',
      typedConfig: {
        path,
        logFormat: { jsonFormat: { id: '%CONNECTION_ID%', sent: '%BYTES_SENT%' } },
      },
    };
    const spec = m.createAccessLog(config);
    // The same path twice is the same file, as in Envoy.
    expect(m.createAccessLog(config).fileId).toBe(spec.fileId);
    const local = m.createWriter().createAccessLog(spec);
    expect(local.log({ connectionId: 7, bytesSent: 9 })).toBe(true);
    await runInWorker(fixtures, 'logConnections', [m.registerThread(), spec, 1, 2]);
    await m.flush();
    expect(lines(path).map((l) => JSON.parse(l))).toEqual([
      { id: 7, sent: 9 },
      { id: 0, sent: 0 },
      { id: 1, sent: 1 },
    ]);
  });

  it('flushes on the flush interval without being asked', async () => {
    const path = tempPath();
    const m = manager({ flushIntervalMs: 50 });
    const file = m.createAccessLogFile(path);
    const writer = m.createWriter();
    // Once flush() answers, the flush thread is up and has seen the file and the ring.
    await m.flush();
    expect(writer.write(file.fileId, 'tick\n')).toBe(true);
    await waitFor(() => lines(path).length === 1, { what: 'the timer flush' });
    expect(lines(path)).toEqual(['tick']);
    expect(m.stats().flushed_by_timer).toBeGreaterThanOrEqual(1);
  });

  it('flushes on the size trigger long before the interval', async () => {
    const path = tempPath();
    const m = manager({ flushIntervalMs: 60_000, flushMinSizeBytes: 4096 });
    const file = m.createAccessLogFile(path);
    const writer = m.createWriter();
    await m.flush();
    const line = `${'y'.repeat(99)}\n`;
    for (let i = 0; i < 10; i++) writer.write(file.fileId, line);
    // 1000 bytes, below the trigger: nothing wakes the flush thread.
    await sleep(200);
    expect(statSync(path).size).toBe(0);
    // Records take 112 bytes: the 37th crosses 4096 and wakes the flush thread, which writes at
    // least those 37 lines (more if the rest were in the ring by the time it looked).
    for (let i = 0; i < 40; i++) writer.write(file.fileId, line);
    await waitFor(() => statSync(path).size >= 3700, { what: 'the size-triggered flush' });
    expect(statSync(path).size % 100).toBe(0);
    expect(m.stats().flushed_by_timer).toBe(0);
    await m.flush();
    expect(statSync(path).size).toBe(5000);
  });

  it('loses nothing handed over before close()', async () => {
    const path = tempPath();
    const m = manager({ flushIntervalMs: 60_000 });
    const file = m.createAccessLogFile(path);
    const results = await Promise.all(
      [0, 1].map((worker) =>
        runInWorker<{ accepted: number; refused: number }>(fixtures, 'writeLines', [
          m.registerThread(),
          file.fileId,
          worker,
          10_000,
          { retry: true },
        ]),
      ),
    );
    const main = m.createWriter();
    main.write(file.fileId, 'last\n');
    await m.close();
    const written = lines(path);
    expect(written).toHaveLength(20_001);
    expect(written.filter((l) => l.startsWith('w0 '))).toHaveLength(10_000);
    expect(written.at(-1)).toBe('last');
    const stats = m.stats();
    const refused = results.reduce((sum, r) => sum + r.refused, 0);
    expect(stats.write_buffered).toBe(20_001);
    expect(stats.write_dropped).toBe(refused);
    expect(stats.write_total_buffered).toBe(0);
    // After close, lines are refused and counted.
    expect(main.write(file.fileId, 'late\n')).toBe(false);
    expect(m.stats().write_dropped).toBe(refused + 1);
  });

  it('writes stdout lines through the flush thread', async () => {
    const child = new URL('./fixtures/stdout-child.ts', import.meta.url);
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--conditions=@nuncio/source', child.pathname],
        { timeout: 20_000 },
        (error, out) => (error ? reject(error) : resolve({ stdout: out })),
      );
    });
    const out = stdout.split('\n').filter((l) => l !== '');
    expect(out.filter((l) => l.startsWith('main '))).toHaveLength(100);
    expect(out.filter((l) => l.startsWith('{'))).toHaveLength(100);
    expect(JSON.parse(out.find((l) => l.startsWith('{')) as string)).toMatchObject({ sent: 0 });
  });
});

describe('statistics and failures', () => {
  it('reports into counters under their Envoy names', async () => {
    const path = tempPath();
    const seen: Record<string, number> = {};
    const counterFor = (name: string): AccessLogCounter => ({
      inc: () => {
        seen[name] = (seen[name] ?? 0) + 1;
      },
      add: (n) => {
        seen[name] = (seen[name] ?? 0) + n;
      },
    });
    let gauge = -1;
    const m = manager({
      flushIntervalMs: 60_000,
      stats: {
        write_buffered: counterFor('write_buffered'),
        write_completed: counterFor('write_completed'),
        write_total_buffered: { set: (v) => (gauge = v) },
      },
    });
    const file = m.createAccessLogFile(path);
    const writer = m.createWriter();
    await m.flush();
    writer.write(file.fileId, 'a\n');
    writer.write(file.fileId, 'bc\n');
    m.syncStats();
    expect(seen.write_buffered).toBe(2);
    expect(gauge).toBe(5);
    await m.flush();
    m.syncStats();
    expect(seen.write_buffered).toBe(2);
    expect(seen.write_completed).toBe(1);
    expect(gauge).toBe(0);
  });

  it('counts failed writes (a full disk)', async () => {
    const m = manager({ flushIntervalMs: 60_000 });
    const file = m.createAccessLogFile('/dev/full');
    m.createWriter().write(file.fileId, 'nowhere to go\n');
    await m.flush();
    expect(m.stats().write_failed).toBe(1);
    expect(m.stats().write_completed).toBe(0);
  });

  it('reopens files for rotation, and keeps the old file when reopening fails', async () => {
    const base = tempPath();
    const logDir = join(base, '..', 'logs');
    mkdirSync(logDir);
    const path = join(logDir, 'a.log');
    const m = manager({ flushIntervalMs: 60_000 });
    const file = m.createAccessLogFile(path);
    const writer = m.createWriter();
    writer.write(file.fileId, 'one\n');
    await m.flush();
    renameSync(path, `${path}.1`);
    writer.write(file.fileId, 'two\n');
    await m.reopen();
    writer.write(file.fileId, 'three\n');
    await m.flush();
    expect(lines(`${path}.1`)).toEqual(['one', 'two']);
    expect(lines(path)).toEqual(['three']);
    // The directory goes away: reopen fails, lines keep going to the open file.
    const moved = join(base, '..', 'moved');
    renameSync(logDir, moved);
    await m.reopen();
    expect(m.stats().reopen_failed).toBe(1);
    writer.write(file.fileId, 'four\n');
    await m.flush();
    expect(lines(join(moved, 'a.log'))).toEqual(['three', 'four']);
  });

  it('fails at config time on a file it cannot open', () => {
    const m = manager();
    expect(() => m.createAccessLogFile(join(dir, 'missing', 'dir', 'x.log'))).toThrow(
      expect.objectContaining({ code: AccessLogErrorCode.OpenFailed }),
    );
  });

  it('refuses bad options, a second writer on a ring, and use after close', async () => {
    expect(() => createAccessLogManager({ bufferBytesPerThread: 5000 })).toThrow(
      expect.objectContaining({ code: AccessLogErrorCode.InvalidOption }),
    );
    expect(() => createAccessLogManager({ flushIntervalMs: 0 })).toThrow(
      expect.objectContaining({ code: AccessLogErrorCode.InvalidOption }),
    );
    const m = manager();
    const code = await runInWorker<string>(fixtures, 'claimTwice', [m.registerThread()]);
    expect(code).toBe(AccessLogErrorCode.HandleInUse);
    await m.close();
    expect(() => m.registerThread()).toThrow(
      expect.objectContaining({ code: AccessLogErrorCode.Closed }),
    );
    await expect(m.flush()).rejects.toMatchObject({ code: AccessLogErrorCode.Closed });
  });

  it('writes out and retires a released thread', async () => {
    const path = tempPath();
    const m = manager({ flushIntervalMs: 60_000 });
    const file = m.createAccessLogFile(path);
    const handle = m.registerThread();
    await runInWorker(fixtures, 'writeLines', [handle, file.fileId, 0, 100, { retry: true }]);
    await m.releaseThread(handle);
    expect(lines(path)).toHaveLength(100);
    expect(m.stats().write_buffered).toBe(100);
  });
});
