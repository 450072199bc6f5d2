// The flush thread stuck in a write (a FIFO nobody reads, standing in for a slow disk): writers must
// not block; their rings fill, further lines are dropped and counted, and every accepted line still
// arrives once the reader catches up.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runInWorker, waitFor, withTimeout } from '@nuncio/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { createAccessLogManager } from '../src/index.ts';

const fixtures = new URL('./fixtures/writers.ts', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'nuncio-access-log-full-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a full buffer', () => {
  it('is counted, never blocks a writer, and loses no accepted line', async () => {
    const fifo = join(dir, 'slow.fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader that exists but does not read yet: the pipe (64 KiB) fills, then writes block.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const manager = createAccessLogManager({
      bufferBytesPerThread: 4096,
      flushMinSizeBytes: 1024,
      flushIntervalMs: 10,
    });
    try {
      const file = manager.createAccessLogFile(fifo);
      const count = 20_000;
      // 100-byte lines: far more than the pipe and the ring can hold together.
      const result = await runInWorker<{
        accepted: number;
        refused: number;
        acceptedSeqs: number[];
      }>(
        fixtures,
        'writeLines',
        [manager.registerThread(), file.fileId, 0, count, { pad: 90, keepSeqs: true }],
        { timeoutMs: 20_000 },
      );
      // The worker finished although the flush thread is stuck.
      expect(result.accepted + result.refused).toBe(count);
      expect(result.refused).toBeGreaterThan(count / 2);
      expect(result.accepted).toBeGreaterThan(0);
      await waitFor(() => manager.stats().write_dropped === result.refused, {
        what: 'the dropped lines to be counted',
      });
      const stats = manager.stats();
      expect(stats.write_buffered).toBe(result.accepted);
      expect(stats.write_failed).toBeGreaterThanOrEqual(result.refused);

      // Now read: the flush thread comes unstuck, and close() can write the rest and finish.
      let closed = false;
      const closing = manager.close().then(() => {
        closed = true;
      });
      const chunks: Buffer[] = [];
      const buffer = Buffer.alloc(65_536);
      for (;;) {
        let n = -1;
        try {
          n = readSync(reader, buffer, 0, buffer.length, null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        }
        if (n > 0) chunks.push(Buffer.from(buffer.subarray(0, n)));
        else if (n === 0 && closed)
          break; // every writer closed the pipe: end of data
        else await sleep(5);
      }
      await withTimeout(closing, 10_000, 'close');
      const lines = Buffer.concat(chunks).toString('utf8').slice(0, -1).split('\n');
      expect(lines.map((line) => Number(line.split(' ')[1]))).toEqual(result.acceptedSeqs);
      expect(manager.stats().write_total_buffered).toBe(0);
    } finally {
      await withTimeout(manager.close(), 10_000, 'close').catch(() => {});
      closeSync(reader);
    }
  }, 60_000);
});
