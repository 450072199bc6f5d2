import { waitFor } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { SharedDataErrorCode, SharedDataResult, SharedDataStore } from '../src/index.ts';

const { Ok, NotFound, BadArgument, Empty, QueueFull } = SharedDataResult;
const text = (value: Uint8Array | undefined) => new TextDecoder().decode(value);

function create(options: Parameters<typeof SharedDataStore.create>[0] = {}) {
  return SharedDataStore.create({ maxKeys: 16, maxBytes: 4096, ...options });
}

/** A dispatcher that keeps posted callbacks until the test runs them. */
function manualDispatcher() {
  const posted: (() => void)[] = [];
  return {
    posted,
    post(callback: () => void) {
      posted.push(callback);
    },
    runAll() {
      let ran = 0;
      while (posted.length > 0) {
        posted.shift()!();
        ran++;
      }
      return ran;
    },
  };
}

describe('register and resolve', () => {
  it('registers a queue, resolves it by name, and finds nothing for other names', () => {
    const store = create();
    const reg = store.registerQueue('vm', 'q');
    expect(reg.result).toBe(Ok);
    expect(reg.token).toBeGreaterThan(0);
    expect(store.resolveQueue('vm', 'q')).toBe(reg.token);
    expect(store.resolveQueue('vm', 'other')).toBe(0);
    expect(store.resolveQueue('vm2', 'q')).toBe(0);
  });

  it('keeps the token and the items when the name is registered again', () => {
    const store = create();
    const { token } = store.registerQueue('vm', 'q');
    store.enqueue(token, 'kept');
    const again = store.registerQueue('vm', 'q');
    expect(again).toEqual({ result: Ok, token });
    expect(text(store.dequeue(token).value)).toBe('kept');
  });

  it('reports QueueFull when the table is full, and BadArgument for long names', () => {
    const store = create({ maxQueues: 2 });
    expect(store.registerQueue('vm', 'a').result).toBe(Ok);
    expect(store.registerQueue('vm', 'b').result).toBe(Ok);
    expect(store.registerQueue('vm', 'c')).toEqual({ result: QueueFull, token: 0 });
    expect(store.registerQueue('vm', 'x'.repeat(300))).toEqual({ result: BadArgument, token: 0 });
  });

  it('gives a reused slot a new token, so an old token finds nothing', () => {
    const store = create({ maxQueues: 1 });
    const first = store.registerQueue('vm', 'a').token;
    store.enqueue(first, 'old');
    expect(store.unregisterQueue(first)).toBe(Ok);
    expect(store.unregisterQueue(first)).toBe(NotFound);
    const second = store.registerQueue('vm', 'b').token;
    expect(second).not.toBe(first);
    expect(store.enqueue(first, 'stale')).toBe(NotFound);
    expect(store.dequeue(first).result).toBe(NotFound);
    expect(store.dequeue(second).result).toBe(Empty);
  });

  it('refuses a ready option that is not one', () => {
    const store = create();
    expect(() => store.registerQueue('vm', 'q', { onReady: 5 } as never)).toThrow(
      expect.objectContaining({ code: SharedDataErrorCode.InvalidArgument }),
    );
  });

  it('drops the queues of a namespace with its keys', () => {
    const store = create();
    const a = store.registerQueue('vm1', 'a').token;
    const b = store.registerQueue('vm2', 'b').token;
    store.set('vm1', 'k', 'v');
    expect(store.deleteByVmId('vm1')).toBe(1);
    expect(store.resolveQueue('vm1', 'a')).toBe(0);
    expect(store.enqueue(a, 'x')).toBe(NotFound);
    expect(store.enqueue(b, 'x')).toBe(Ok);
  });
});

describe('enqueue and dequeue', () => {
  it('is first in, first out, and Empty when drained', () => {
    const store = create();
    const { token } = store.registerQueue('vm', 'q');
    for (let i = 0; i < 10; i++) expect(store.enqueue(token, `item ${i}`)).toBe(Ok);
    expect(store.queueSize(token)).toBe(10);
    for (let i = 0; i < 10; i++) expect(text(store.dequeue(token).value)).toBe(`item ${i}`);
    expect(store.dequeue(token)).toEqual({ result: Empty, value: undefined });
    expect(store.queueSize(token)).toBe(0);
  });

  it('returns NotFound for tokens that name no queue', () => {
    const store = create();
    for (const token of [0, -1, 1.5, 99999, 2 ** 40]) {
      expect(store.enqueue(token, 'x')).toBe(NotFound);
      expect(store.dequeue(token).result).toBe(NotFound);
      expect(store.queueSize(token)).toBe(-1);
    }
  });

  it('reports QueueFull at the item bound and writes nothing', () => {
    const store = create({ queueMaxItems: 3 });
    const { token } = store.registerQueue('vm', 'q');
    for (let i = 0; i < 3; i++) expect(store.enqueue(token, `${i}`)).toBe(Ok);
    expect(store.enqueue(token, 'over')).toBe(QueueFull);
    expect(store.queueSize(token)).toBe(3);
    store.dequeue(token);
    expect(store.enqueue(token, 'fits now')).toBe(Ok);
  });

  it('reports QueueFull at the byte bound, and BadArgument for an item that can never fit', () => {
    const store = create({ queueMaxBytes: 64 });
    const { token } = store.registerQueue('vm', 'q');
    // Each 10-byte item takes 4 + 12 bytes of the 64-byte ring.
    for (let i = 0; i < 4; i++) expect(store.enqueue(token, new Uint8Array(10))).toBe(Ok);
    expect(store.enqueue(token, new Uint8Array(1))).toBe(QueueFull);
    expect(store.enqueue(token, new Uint8Array(61))).toBe(BadArgument);
  });

  it('wraps items around the ring without losing a byte', () => {
    const store = create({ queueMaxBytes: 64, queueMaxItems: 100 });
    const { token } = store.registerQueue('vm', 'q');
    for (let i = 0; i < 200; i++) {
      const item = new Uint8Array(1 + (i % 23)).map((_, j) => (i + j) & 0xff);
      expect(store.enqueue(token, item)).toBe(Ok);
      if (i % 3 === 2) store.enqueue(token, new Uint8Array([i & 0xff]));
      const got = store.dequeue(token);
      expect([...got.value!]).toEqual([...item]);
      if (i % 3 === 2) expect([...store.dequeue(token).value!]).toEqual([i & 0xff]);
    }
  });

  it('takes empty items', () => {
    const store = create();
    const { token } = store.registerQueue('vm', 'q');
    expect(store.enqueue(token, new Uint8Array(0))).toBe(Ok);
    const got = store.dequeue(token);
    expect(got.result).toBe(Ok);
    expect(got.value?.length).toBe(0);
  });
});

describe('wake-ups', () => {
  it('posts onReady to the dispatcher when items arrive, once per idle period', async () => {
    const store = create();
    const dispatcher = manualDispatcher();
    const calls: number[] = [];
    const { token } = store.registerQueue('vm', 'q', {
      dispatcher,
      onReady(t) {
        calls.push(t);
        while (store.dequeue(t).result === Ok) {}
      },
    });
    // Nothing waiting: nothing posted.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(dispatcher.posted.length).toBe(0);
    for (let i = 0; i < 5; i++) store.enqueue(token, `${i}`);
    await waitFor(() => dispatcher.posted.length > 0, { what: 'a posted ready callback' });
    expect(dispatcher.posted.length).toBe(1);
    dispatcher.runAll();
    expect(calls).toEqual([token]);
    expect(store.queueSize(token)).toBe(0);
    store.enqueue(token, 'later');
    await waitFor(() => dispatcher.posted.length > 0, { what: 'a second ready callback' });
    dispatcher.runAll();
    expect(calls).toEqual([token, token]);
  });

  it('calls again while items remain, for owners that take one item per call', async () => {
    const store = create();
    const dispatcher = manualDispatcher();
    const got: string[] = [];
    const { token } = store.registerQueue('vm', 'q', {
      dispatcher,
      onReady(t) {
        const item = store.dequeue(t);
        if (item.result === Ok) got.push(text(item.value));
      },
    });
    for (let i = 0; i < 4; i++) store.enqueue(token, `${i}`);
    await waitFor(
      () => {
        dispatcher.runAll();
        return got.length === 4;
      },
      { what: 'four one-item ready calls' },
    );
    expect(got).toEqual(['0', '1', '2', '3']);
  });

  it('does not spin on an owner that takes nothing, but calls again for new items', async () => {
    const store = create();
    const dispatcher = manualDispatcher();
    let calls = 0;
    const { token } = store.registerQueue('vm', 'q', {
      dispatcher,
      onReady() {
        calls++;
      },
    });
    store.enqueue(token, 'ignored');
    await waitFor(() => dispatcher.runAll() > 0, { what: 'the first call' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(dispatcher.runAll()).toBe(0);
    expect(calls).toBe(1);
    store.enqueue(token, 'new');
    await waitFor(() => dispatcher.runAll() > 0, { what: 'a call for the new item' });
    expect(calls).toBe(2);
  });

  it('runs onReady without a dispatcher, and stops after unregister or close', async () => {
    const store = create();
    let calls = 0;
    const { token } = store.registerQueue('vm', 'q', {
      onReady(t) {
        calls++;
        while (store.dequeue(t).result === Ok) {}
      },
    });
    store.enqueue(token, 'x');
    await waitFor(() => calls === 1, { what: 'a ready call' });
    const other = SharedDataStore.open(store.descriptor());
    expect(other.registerQueue('vm', 'q').token).toBe(token);
    // The queue now belongs to `other` (which asked for no wake-ups): the first owner is not called.
    store.enqueue(token, 'y');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls).toBe(1);
    expect(other.queueSize(token)).toBe(1);
  });

  it('keeps a thrown error from stopping later wake-ups', async () => {
    const store = create();
    const errors: unknown[] = [];
    let calls = 0;
    const dispatcher = {
      post(callback: () => void) {
        setImmediate(() => {
          try {
            callback();
          } catch (error) {
            errors.push(error);
          }
        });
      },
    };
    const { token } = store.registerQueue('vm', 'q', {
      dispatcher,
      onReady(t) {
        calls++;
        store.dequeue(t);
        throw new Error('plugin failed');
      },
    });
    store.enqueue(token, 'a');
    await waitFor(() => calls === 1, { what: 'the first call' });
    store.enqueue(token, 'b');
    await waitFor(() => calls === 2, { what: 'a call after the throw' });
    expect(errors.length).toBe(2);
  });
});
