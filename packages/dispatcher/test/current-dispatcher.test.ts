import { threadId } from 'node:worker_threads';
import { runInWorker } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { currentDispatcher, DispatcherErrorCode, mainDispatcher } from '../src/index.ts';

const functions = new URL('./fixtures/thread-functions.ts', import.meta.url);

describe('currentDispatcher', () => {
  it('is one dispatcher per thread, made again after it exits', async () => {
    const first = currentDispatcher();
    expect(currentDispatcher()).toBe(first);
    expect(first.name).toBe(threadId === 0 ? 'main_thread' : `thread_${threadId}`);
    first.exit();
    await new Promise<void>((resolve) => first.onExit(resolve));
    const second = currentDispatcher();
    expect(second).not.toBe(first);
    expect(second.exited).toBe(false);
  });

  it('is named after the thread in a bare worker', async () => {
    const name = await runInWorker<string>(functions, 'currentName');
    expect(name).toMatch(/^thread_\d+$/);
    expect(name).not.toBe(currentDispatcher().name);
  });
});

describe('mainDispatcher', () => {
  it('targets the current dispatcher on the main thread, following a replacement', async () => {
    const before = mainDispatcher();
    expect(mainDispatcher()).toBe(before);
    expect(before.name).toBe(currentDispatcher().name);
    const current = currentDispatcher();
    current.exit();
    await new Promise<void>((resolve) => current.onExit(resolve));
    expect(before.closed).toBe(true);
    const after = mainDispatcher();
    expect(after).not.toBe(before);
    expect(after.closed).toBe(false);
  });

  it('throws in a worker that the runtime did not start', async () => {
    const result = await runInWorker<{ code?: string; message: string }>(
      functions,
      'mainDispatcherOutsideRuntime',
    );
    expect(result.code).toBe(DispatcherErrorCode.NoMainDispatcher);
    expect(result.message).toContain('startWorkers()');
  });
});
