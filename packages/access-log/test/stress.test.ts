// Several worker threads hand numbered lines over at once, through small rings that fill up, while
// the file is rotated: every line must end up on disk exactly once, whole, and in its thread's
// order.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInWorker, waitFor, withTimeout } from '@nuncio/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccessLogManager } from '../src/index.ts';

const fixtures = new URL('./fixtures/writers.ts', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'nuncio-access-log-stress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINE = /^w(\d+) (\d+) x+$/;

/**
 * Checks that every line is whole and that worker w wrote exactly seq 0..counts[w]-1, each once and
 * in order (across files: the old file first). Collects problems rather than asserting per line.
 */
function checkExactlyOnce(texts: string[], counts: number[]): void {
  const next = counts.map(() => 0);
  const problems: string[] = [];
  for (const text of texts) {
    if (text === '') continue;
    if (!text.endsWith('\n')) problems.push('a file ends with a partial line');
    for (const line of text.slice(0, -1).split('\n')) {
      const match = LINE.exec(line);
      if (match === null) {
        problems.push(`malformed line ${JSON.stringify(line.slice(0, 80))}`);
        continue;
      }
      const worker = Number(match[1]);
      const seq = Number(match[2]);
      if (seq !== next[worker]) problems.push(`w${worker}: expected ${next[worker]}, found ${seq}`);
      next[worker] = seq + 1;
      if (problems.length > 10) break;
    }
  }
  expect(problems).toEqual([]);
  expect(next).toEqual(counts);
}

describe('under load', () => {
  it('writes every line of several threads exactly once, with full rings along the way', async () => {
    const path = join(dir, 'stress.log');
    // Small rings and a short interval: the writers outrun the flush thread and must retry.
    const manager = createAccessLogManager({
      bufferBytesPerThread: 16 * 1024,
      flushMinSizeBytes: 4096,
      flushIntervalMs: 20,
    });
    const file = manager.createAccessLogFile(path);
    const workers = 4;
    const perWorker = 25_000;
    const results = await Promise.all(
      Array.from({ length: workers }, (_, worker) =>
        runInWorker<{ accepted: number; refused: number }>(
          fixtures,
          'writeLines',
          [manager.registerThread(), file.fileId, worker, perWorker, { retry: true, pad: 60 }],
          { timeoutMs: 60_000 },
        ),
      ),
    );
    await withTimeout(manager.close(), 20_000, 'close');
    checkExactlyOnce([readFileSync(path, 'utf8')], Array(workers).fill(perWorker));
    const stats = manager.stats();
    const refused = results.reduce((sum, r) => sum + r.refused, 0);
    console.info(`stress: ${refused} refusals on full rings, all retried`);
    expect(results.every((r) => r.accepted === perWorker)).toBe(true);
    expect(stats.write_buffered).toBe(workers * perWorker);
    expect(stats.write_dropped).toBe(refused);
    expect(stats.write_failed).toBe(refused);
    expect(stats.write_total_buffered).toBe(0);
  }, 90_000);

  it('rotates the file in the middle: old and new file hold every line exactly once', async () => {
    const path = join(dir, 'rotate.log');
    const manager = createAccessLogManager({
      bufferBytesPerThread: 64 * 1024,
      flushMinSizeBytes: 8192,
      flushIntervalMs: 10,
    });
    const file = manager.createAccessLogFile(path);
    const flag = new SharedArrayBuffer(4);
    const workers = 3;
    const running = Array.from({ length: workers }, (_, worker) =>
      runInWorker<{ written: number; refused: number }>(
        fixtures,
        'writeAcrossRotation',
        [manager.registerThread(), file.fileId, worker, 5_000, flag, 5_000],
        { timeoutMs: 60_000 },
      ),
    );
    // Rotate as logrotate does, while the workers write: rename, then tell the process.
    await waitFor(() => existsSync(path) && readFileSync(path).length > 50_000, {
      timeoutMs: 20_000,
      what: 'lines in the file before rotation',
    });
    renameSync(path, `${path}.1`);
    await manager.reopen();
    Atomics.store(new Int32Array(flag), 0, 1);
    const results = await Promise.all(running);
    await withTimeout(manager.close(), 20_000, 'close');

    const before = readFileSync(`${path}.1`, 'utf8');
    const after = readFileSync(path, 'utf8');
    expect(before.length).toBeGreaterThan(0);
    // Every worker wrote 5000 lines after the reopen had finished: they are all in the new file.
    expect(after.split('\n').length - 1).toBeGreaterThanOrEqual(workers * 5_000);
    checkExactlyOnce(
      [before, after],
      results.map((r) => r.written),
    );
    expect(manager.stats().write_buffered).toBe(results.reduce((s, r) => s + r.written, 0));
  }, 90_000);
});
