import { setImmediate as nextTurn } from 'node:timers/promises';
import { startWorkers } from '@nuncio/dispatcher';
import { waitFor } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { createThreadLocal, threadLocalWorkerModule } from '../src/index.ts';
import {
  type CloneSnapshot,
  cloneSnapshot,
  RESULT_CELLS,
  type Reader,
  Result,
  reader,
  type SharedSnapshot,
  sharedSnapshot,
} from './fixtures/stress-reader.ts';

const readerModule = new URL('./fixtures/stress-reader.ts', import.meta.url);
const VERSIONS = 1000;
const WORKERS = 2;

describe.each(['clone', 'shared'] as const)('stress, %s snapshots', (encoding) => {
  it(`publishes ${VERSIONS} versions while every worker reads: none torn, none out of order, every worker ends on the last`, async () => {
    const pool = await startWorkers({
      concurrency: WORKERS,
      modules: [threadLocalWorkerModule, readerModule],
    });
    const tls = createThreadLocal();
    const results = new Int32Array(new SharedArrayBuffer(4 * RESULT_CELLS * WORKERS));
    try {
      await tls.registerWorkers(pool);
      const slot = tls.allocateSlot<Reader, CloneSnapshot | SharedSnapshot>();
      const readers = slot.set(reader, { self: slot.ref, results: results.buffer, encoding });
      // Bursts of 1 to 16 publishes with a turn of main's loop between them: workers apply some
      // versions one by one and skip others that a newer one replaces.
      let version = 0;
      let burst = 0;
      while (version < VERSIONS) {
        version++;
        readers.publish(encoding === 'clone' ? cloneSnapshot(version) : sharedSnapshot(version));
        if (++burst >= 1 + (version % 16)) {
          burst = 0;
          await nextTurn();
        }
      }
      const report = await readers.whenApplied(VERSIONS);
      expect(report.version).toBe(VERSIONS);
      expect(readers.snapshotStats().threads.map((thread) => thread.version)).toEqual(
        new Array(WORKERS + 1).fill(VERSIONS),
      );
      await waitFor(
        () =>
          Array.from(
            { length: WORKERS },
            (_, w) => Atomics.load(results, w * RESULT_CELLS + Result.LastVersion) === VERSIONS,
          ).every(Boolean),
        { what: 'every reader to see the last version', timeoutMs: 10_000 },
      );
      for (let w = 0; w < WORKERS; w++) {
        const cell = (name: keyof typeof Result) =>
          Atomics.load(results, w * RESULT_CELLS + Result[name]);
        expect({
          worker: w,
          torn: cell('Torn'),
          outOfOrder: cell('OutOfOrder'),
          changed: cell('ChangedWithinTurn'),
        }).toEqual({
          worker: w,
          torn: 0,
          outOfOrder: 0,
          changed: 0,
        });
        expect(cell('Reads')).toBeGreaterThan(0);
        expect(cell('Distinct')).toBeGreaterThanOrEqual(1);
      }
    } finally {
      tls.shutdownGlobalThreading();
      await pool.shutdown();
      tls.shutdownThread();
    }
  });
});
