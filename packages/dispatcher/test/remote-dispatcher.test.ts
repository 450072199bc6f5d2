import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { waitFor, withTimeout } from '@nuncio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDispatcher,
  currentDispatcher,
  type DispatcherCounters,
  type DispatcherError,
  DispatcherErrorCode,
  type DispatcherHandle,
  mainDispatcher,
  type RemoteDispatcher,
  remoteDispatcher,
  startWorkers,
  type WorkerPool,
} from '../src/index.ts';
import type { FixtureHandlers } from './fixtures/worker-module.ts';

interface PlainHandlers {
  record(payload: unknown): void;
  recorded(): unknown[];
  byteLength(buffer: ArrayBuffer): number;
  sendToMain(payload: { handler: string; count: number }): void;
  throwInPost(): void;
  slow(ms: number): Promise<void>;
  exit(): void;
  'nuncio.counters'(): DispatcherCounters;
}

/** Starts the plain worker fixture; resolves with the worker and a remote dispatcher to it. */
async function startPlainWorker(mainHandle: DispatcherHandle) {
  const worker = new Worker(new URL('./fixtures/plain-worker.ts', import.meta.url), {
    workerData: { mainHandle },
    transferList: [mainHandle.port],
  });
  const [message] = (await withTimeout(once(worker, 'message'), 10_000, 'plain worker')) as [
    { handle: DispatcherHandle },
  ];
  return { worker, remote: remoteDispatcher<PlainHandlers>(message.handle) };
}

describe('cross-thread posts through a handle', () => {
  const main = createDispatcher({ name: 'main_for_handles' });
  let worker: Worker;
  let remote: RemoteDispatcher<PlainHandlers>;

  beforeAll(async () => {
    ({ worker, remote } = await startPlainWorker(main.createHandle()));
  });

  afterAll(async () => {
    if (worker.threadId !== -1) await worker.terminate();
  });

  it('names the target and runs posts on it in order, with cloned payloads', async () => {
    expect(remote.name).toBe(`thread_${worker.threadId}`);
    expect(remote.threadId).toBe(worker.threadId);
    const payload = { n: 0, nested: { list: [1, 2, 3] } };
    for (let i = 0; i < 200; i++) remote.post('record', { ...payload, n: i });
    const recorded = (await remote.call('recorded')) as { n: number }[];
    expect(recorded.map((entry) => entry.n)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(recorded[5]).toEqual({ n: 5, nested: { list: [1, 2, 3] } });
    expect(remote.counters()).toMatchObject({ posts: 200, calls: 1 });
    const counters = await remote.call('nuncio.counters');
    expect(counters.remoteMessages).toBeGreaterThanOrEqual(201);
  });

  it('runs messages from another thread as post callbacks of the receiving dispatcher', async () => {
    const got: number[] = [];
    main.registerHandler('fromWorker', (n: number) => {
      got.push(n);
    });
    const before = main.counters();
    remote.post('sendToMain', { handler: 'fromWorker', count: 50 });
    await waitFor(() => got.length === 50, { what: '50 posts from the worker' });
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const after = main.counters();
    expect(after.remoteMessages - before.remoteMessages).toBe(50);
    expect(after.postCallbacks - before.postCallbacks).toBe(50);
  });

  it('moves transferred buffers instead of copying them', async () => {
    const buffer = new ArrayBuffer(1024);
    const length = await remote.call('byteLength', buffer, [buffer]);
    expect(length).toBe(1024);
    expect(buffer.byteLength).toBe(0); // detached on this side
  });

  it('reports an unknown handler back to the sender of a post', async () => {
    const errors: DispatcherError[] = [];
    const off = remote.onError((error) => errors.push(error));
    const loose = remote as unknown as RemoteDispatcher;
    loose.post('noSuchHandler', 1);
    await waitFor(() => errors.length === 1, { what: 'unknown-handler error' });
    off();
    expect(errors[0]?.code).toBe(DispatcherErrorCode.UnknownHandler);
    expect(errors[0]?.message).toContain('"noSuchHandler"');
    expect(errors[0]?.message).toContain(remote.name);
    expect(remote.counters().unknownHandler).toBe(1);
    const counters = await remote.call('nuncio.counters');
    expect(counters.unknownHandler).toBe(1);
  });

  it('logs an unknown-handler error when nobody listens', async () => {
    const original = console.error;
    const lines: unknown[][] = [];
    console.error = (...args: unknown[]) => lines.push(args);
    try {
      (remote as unknown as RemoteDispatcher).post('alsoMissing');
      await waitFor(() => lines.length === 1, { what: 'logged error' });
    } finally {
      console.error = original;
    }
    expect(String(lines[0]?.[0])).toContain('"alsoMissing"');
    expect((lines[0]?.[1] as DispatcherError | undefined)?.code).toBe(
      DispatcherErrorCode.UnknownHandler,
    );
  });

  it('rejects a call to an unknown handler', async () => {
    await expect((remote as unknown as RemoteDispatcher).call('missing')).rejects.toMatchObject({
      code: DispatcherErrorCode.UnknownHandler,
      message: expect.stringContaining('"missing"'),
    });
  });

  it('throws at once for a payload that cannot be cloned, naming the handler', async () => {
    const notCloneable = { callback: () => 1 };
    let thrown: unknown;
    try {
      remote.post('record', notCloneable);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      name: 'DispatcherError',
      code: DispatcherErrorCode.PayloadNotCloneable,
      message: expect.stringContaining('"record"'),
    });
    await expect(remote.call('record', notCloneable)).rejects.toMatchObject({
      code: DispatcherErrorCode.PayloadNotCloneable,
    });
    // Nothing was sent: the next call still sees only what was recorded before.
    const before = remote.counters();
    expect(before.posts).toBeGreaterThan(0);
  });

  it('reports a throwing handler on the target, not the sender', async () => {
    const before = await remote.call('nuncio.counters');
    remote.post('throwInPost');
    const after = await remote.call('nuncio.counters');
    expect(after.callbackErrors - before.callbackErrors).toBe(1);
  });

  it('rejects pending calls and refuses posts once the target exits', async () => {
    const exited = once(worker, 'exit');
    const pending = remote.call('slow', 10_000).catch((error: unknown) => error);
    remote.post('exit');
    // The worker ends by itself: its dispatcher closed its handles and nothing else holds it.
    await withTimeout(exited, 10_000, 'worker exit');
    expect(await pending).toMatchObject({ code: DispatcherErrorCode.TargetClosed });
    await waitFor(() => remote.closed, { what: 'remote closed' });
    expect(() => remote.post('record', 1)).toThrow(
      expect.objectContaining({ code: DispatcherErrorCode.TargetClosed }),
    );
    await expect(remote.call('recorded')).rejects.toMatchObject({
      code: DispatcherErrorCode.TargetClosed,
    });
  });

  it('refuses to turn one handle into two remote dispatchers', () => {
    const handle = main.createHandle();
    const first = remoteDispatcher(handle);
    expect(() => remoteDispatcher(handle)).toThrow(
      expect.objectContaining({ code: DispatcherErrorCode.HandleInUse }),
    );
    first.close();
    expect(first.closed).toBe(true);
    expect(() => remoteDispatcher({} as DispatcherHandle)).toThrow(
      expect.objectContaining({ code: DispatcherErrorCode.InvalidArgument }),
    );
  });
});

describe('calls into a runtime worker', () => {
  let pool: WorkerPool<FixtureHandlers>;

  beforeAll(async () => {
    pool = await startWorkers<FixtureHandlers>({
      concurrency: 1,
      modules: [new URL('./fixtures/worker-module.ts', import.meta.url)],
    });
  });

  afterAll(async () => {
    await pool?.shutdown();
  });

  it('resolves with the handler result', async () => {
    const remote = pool.workers[0]!.dispatcher;
    expect(await remote.call('add', { a: 2, b: 40 })).toBe(42);
    expect(await remote.call('echo', { deep: [new Map([[1, 'a']])] })).toEqual({
      deep: [new Map([[1, 'a']])],
    });
  });

  it('rejects with the remote error message and code when the handler throws', async () => {
    const remote = pool.workers[0]!.dispatcher;
    const error = await remote.call('fail', 'bad snapshot').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: DispatcherErrorCode.RemoteHandlerFailed,
      remoteCode: 'FIXTURE_FAILED',
      message: expect.stringContaining('bad snapshot'),
    });
    expect((error as Error).stack).toContain('remote stack');
    await expect(remote.call('failAsync', 'later')).rejects.toMatchObject({
      code: DispatcherErrorCode.RemoteHandlerFailed,
      message: expect.stringContaining('later'),
    });
  });

  it('rejects when the result cannot be cloned back', async () => {
    await expect(pool.workers[0]!.dispatcher.call('returnFunction')).rejects.toMatchObject({
      code: DispatcherErrorCode.PayloadNotCloneable,
      message: expect.stringContaining('returnFunction'),
    });
  });

  it('lets the worker post and call into the main dispatcher', async () => {
    const main = currentDispatcher();
    const got: unknown[] = [];
    main.registerHandler('workerSays', (payload: unknown) => {
      got.push(payload);
      return 'main answers';
    });
    try {
      const remote = pool.workers[0]!.dispatcher;
      remote.post('postToMain', { handler: 'workerSays', payload: { hello: 'main' } });
      await waitFor(() => got.length === 1, { what: 'post from worker' });
      expect(got[0]).toEqual({ hello: 'main' });
      expect(await remote.call('callMain', { handler: 'workerSays', payload: 2 })).toBe(
        'main answers',
      );
    } finally {
      main.unregisterHandler('workerSays');
    }
  });
});

describe('mainDispatcher() on the main thread', () => {
  it('posts to this thread by loopback, cloning payloads as a port would', async () => {
    const main = currentDispatcher();
    const got: { list: number[] }[] = [];
    main.registerHandler('loopback', (payload: { list: number[] }) => {
      got.push(payload);
      return payload.list.length;
    });
    try {
      const remote = mainDispatcher<{ loopback(payload: { list: number[] }): number }>();
      expect(remote.name).toBe(main.name);
      const payload = { list: [1, 2] };
      remote.post('loopback', payload);
      payload.list.push(3); // after posting: the handler must see the copy made at post time
      expect(await remote.call('loopback', payload)).toBe(3);
      expect(got[0]).toEqual({ list: [1, 2] });
      expect(() => remote.post('loopback', { list: [], f: () => 1 } as never)).toThrow(
        expect.objectContaining({ code: DispatcherErrorCode.PayloadNotCloneable }),
      );
      await expect((remote as unknown as RemoteDispatcher).call('notThere')).rejects.toMatchObject({
        code: DispatcherErrorCode.UnknownHandler,
      });
    } finally {
      main.unregisterHandler('loopback');
    }
  });
});
