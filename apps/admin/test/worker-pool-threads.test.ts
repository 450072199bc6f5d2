// The ThreadsProvider over @nuncio/dispatcher without workers, and its option checks.
import { describe, expect, it } from 'vitest';
import { AdminErrorCode, workerPoolThreads } from '../src/index.ts';

describe('workerPoolThreads', () => {
  it('lists the main thread alone when there is no pool', async () => {
    const threads = await workerPoolThreads(null, { activeConnections: () => 7 }).threads();
    expect(threads).toHaveLength(1);
    expect(threads[0]).toMatchObject({
      dispatcher: 'main_thread',
      role: 'main',
      nodeThreadId: 0,
      activeConnections: 7,
      watchdogMiss: null,
    });
    expect(threads[0]?.heapUsedBytes).toBeGreaterThan(0);
    if (process.platform === 'linux') {
      expect(threads[0]).toMatchObject({ name: 'MainThread', tid: process.pid });
    }
  });

  it('refuses a timeout that is not a positive number', () => {
    for (const timeoutMs of [0, -1, Number.NaN]) {
      expect(() => workerPoolThreads(null, { timeoutMs })).toThrow(
        expect.objectContaining({ code: AdminErrorCode.InvalidOption }),
      );
    }
  });
});
