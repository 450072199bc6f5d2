import { describe, expect, it } from 'vitest';
import {
  SharedDataErrorCode,
  SharedDataResult,
  SharedDataStore,
  sharedDataResultName,
  toWasmResult,
} from '../src/index.ts';
import { DEFER_MAX, HD_DEFERRED, HD_STASH_COUNT } from '../src/layout.ts';
import type { SharedDataStoreImpl } from '../src/store-impl.ts';
import { isWholePattern, patternValue } from './fixtures/values.ts';

const { Ok, NotFound, BadArgument, CasMismatch, StoreFull, LockTimeout } = SharedDataResult;

function create(options: Parameters<typeof SharedDataStore.create>[0] = {}) {
  return SharedDataStore.create({
    maxKeys: 256,
    maxBytes: 4 << 20,
    ...options,
  }) as SharedDataStoreImpl;
}

function expectSound(store: SharedDataStoreImpl) {
  const report = store.checkIntegrityForTest();
  expect(report.problems).toEqual([]);
  expect(report.leakedBlocks).toBe(0);
  return report;
}

describe('get and set', () => {
  it('returns NotFound for a key never set', () => {
    const store = create();
    expect(store.get('vm', 'nope')).toEqual({ result: NotFound, value: undefined, cas: 0 });
  });

  it('stores bytes and strings and returns copies with a nonzero cas', () => {
    const store = create();
    expect(store.set('vm', 'bytes', new Uint8Array([1, 2, 3]))).toBe(Ok);
    expect(store.set('vm', 'text', 'héllo ✓ 🚀')).toBe(Ok);
    const bytes = store.get('vm', 'bytes');
    expect(bytes.result).toBe(Ok);
    expect([...(bytes.value ?? [])]).toEqual([1, 2, 3]);
    expect(bytes.cas).toBeGreaterThan(0);
    expect(store.getString('vm', 'text')).toMatchObject({ result: Ok, value: 'héllo ✓ 🚀' });
    // The copy is the caller's: changing it changes nothing in the store.
    bytes.value![0] = 99;
    expect(store.get('vm', 'bytes').value?.[0]).toBe(1);
    expect(bytes.value!.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('stores empty values and empty keys', () => {
    const store = create();
    expect(store.set('', '', new Uint8Array(0))).toBe(Ok);
    const got = store.get('', '');
    expect(got.result).toBe(Ok);
    expect(got.value?.length).toBe(0);
  });

  it('gives every successful write a new cas', () => {
    const store = create();
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) {
      expect(store.set('vm', 'k', `v${i}`)).toBe(Ok);
      const { cas } = store.get('vm', 'k');
      expect(seen.has(cas)).toBe(false);
      seen.add(cas);
    }
  });

  it('writes with the current cas and refuses a stale one, writing nothing', () => {
    const store = create();
    store.set('vm', 'k', 'one');
    const first = store.get('vm', 'k');
    expect(store.set('vm', 'k', 'two', first.cas)).toBe(Ok);
    const second = store.getString('vm', 'k');
    expect(second.value).toBe('two');
    expect(store.set('vm', 'k', 'three', first.cas)).toBe(CasMismatch);
    expect(store.getString('vm', 'k')).toEqual(second);
    // cas 0 writes unconditionally.
    expect(store.set('vm', 'k', 'four', 0)).toBe(Ok);
    expect(store.getString('vm', 'k').value).toBe('four');
  });

  it('refuses a nonzero cas for a key that does not exist', () => {
    const store = create();
    expect(store.set('vm', 'absent', 'x', 7)).toBe(CasMismatch);
    expect(store.get('vm', 'absent').result).toBe(NotFound);
  });

  it("inserts a missing key whatever the cas with casOnMissingKey 'insert', as Envoy", () => {
    const store = create({ maxKeys: 2 });
    const insert = { casOnMissingKey: 'insert' } as const;
    expect(store.set('vm', 'new', 'x', 7, insert)).toBe(Ok);
    const created = store.getString('vm', 'new');
    expect(created.result).toBe(Ok);
    expect(created.value).toBe('x');
    // Once the key exists the cas is compared again: a wrong one writes nothing.
    expect(store.set('vm', 'new', 'y', created.cas + 1, insert)).toBe(CasMismatch);
    expect(store.set('vm', 'new', 'y', created.cas, insert)).toBe(Ok);
    expect(store.getString('vm', 'new').value).toBe('y');
    // 'mismatch' is the default, spelt out.
    expect(store.set('vm', 'other', 'z', 7, { casOnMissingKey: 'mismatch' })).toBe(CasMismatch);
    expect(store.get('vm', 'other').result).toBe(NotFound);
    // Values copied outside the lock take the same decision.
    const big = patternValue(3, 20_000);
    expect(store.set('vm', 'big', big, 9, insert)).toBe(Ok);
    expect(isWholePattern(store.get('vm', 'big').value!)).toBe(true);
    expect(store.set('vm', 'big', patternValue(4, 20_000), 9, insert)).toBe(CasMismatch);
    expect(store.set('vm', 'big2', big, 9)).toBe(CasMismatch);
    // An insert still counts against maxKeys.
    expect(store.set('vm', 'fourth', 'w', 5, insert)).toBe(StoreFull);
    expect(store.set('vm', 'fourth', big, 5, insert)).toBe(StoreFull);
    expect(store.stats().keys).toBe(2);
    expect(store.set('vm', 'k', 'v', 1, { casOnMissingKey: 'upsert' as 'insert' })).toBe(
      BadArgument,
    );
    expectSound(store);
  });

  it('keeps namespaces apart, including ones whose bytes run together', () => {
    const store = create();
    store.set('vm1', 'k', 'one');
    store.set('vm2', 'k', 'two');
    store.set('a', 'bc', 'a|bc');
    store.set('ab', 'c', 'ab|c');
    expect(store.getString('vm1', 'k').value).toBe('one');
    expect(store.getString('vm2', 'k').value).toBe('two');
    expect(store.getString('a', 'bc').value).toBe('a|bc');
    expect(store.getString('ab', 'c').value).toBe('ab|c');
    expect(store.get('vm3', 'k').result).toBe(NotFound);
  });

  it('handles keys longer than a block and many keys in the same buckets', () => {
    const store = create({ maxKeys: 4096, stripes: 1, blockSize: 64 });
    const long = 'k'.repeat(5000);
    expect(store.set('vm', long, 'long key')).toBe(Ok);
    expect(store.set('vm', `${long}x`, 'longer key')).toBe(Ok);
    for (let i = 0; i < 2000; i++) expect(store.set('vm', `key-${i}`, `value-${i}`)).toBe(Ok);
    expect(store.getString('vm', long).value).toBe('long key');
    expect(store.getString('vm', `${long}x`).value).toBe('longer key');
    for (let i = 0; i < 2000; i++)
      expect(store.getString('vm', `key-${i}`).value).toBe(`value-${i}`);
    expectSound(store);
  });

  it('stores values of 1 MiB and more, whole', () => {
    const store = create({ maxBytes: 8 << 20, maxValueBytes: 2 << 20 });
    for (const size of [8192, 8193, 1 << 20, 2 << 20]) {
      const value = patternValue(size, size);
      expect(store.set('vm', `big${size}`, value)).toBe(Ok);
      const got = store.get('vm', `big${size}`);
      expect(got.value?.length).toBe(size);
      expect(isWholePattern(got.value!)).toBe(true);
    }
    expectSound(store);
  });

  it('returns BadArgument for keys, namespaces and values over their limits, and bad cas', () => {
    const store = create({ maxValueBytes: 100 });
    expect(store.set('vm', 'k'.repeat(15 * 1024 + 1), 'x')).toBe(BadArgument);
    expect(store.set('v'.repeat(1025), 'k', 'x')).toBe(BadArgument);
    expect(store.get('vm', 'k'.repeat(20_000)).result).toBe(BadArgument);
    expect(store.set('vm', 'k', new Uint8Array(101))).toBe(BadArgument);
    expect(store.set('vm', 'k', 'x'.repeat(101))).toBe(BadArgument);
    expect(store.set('vm', 'k', 'x', -1)).toBe(BadArgument);
    expect(store.set('vm', 'k', 'x', 2 ** 32)).toBe(BadArgument);
    expect(store.set('vm', 'k', 'x', 1.5)).toBe(BadArgument);
    expect(store.set('vm', 'k', 42 as unknown as string)).toBe(BadArgument);
    expect(store.get(1 as unknown as string, 'k').result).toBe(BadArgument);
    expect(store.set('vm', 'k', new Uint8Array(100))).toBe(Ok);
  });

  it('compares keys as UTF-8 bytes', () => {
    const store = create();
    store.set('vm', 'ключ', 'cyrillic');
    store.set('vm', '键', 'han');
    expect(store.getString('vm', 'ключ').value).toBe('cyrillic');
    expect(store.getString('vm', '键').value).toBe('han');
    expect(store.keys('vm').sort()).toEqual(['ключ', '键'].sort());
  });
});

describe('remove, keys and deleteByVmId', () => {
  it('removes a key, honouring cas', () => {
    const store = create();
    store.set('vm', 'k', 'v');
    const { cas } = store.get('vm', 'k');
    expect(store.remove('vm', 'k', cas + 1)).toBe(CasMismatch);
    expect(store.remove('vm', 'k', cas)).toBe(Ok);
    expect(store.get('vm', 'k').result).toBe(NotFound);
    expect(store.remove('vm', 'k')).toBe(NotFound);
    expect(store.stats().keys).toBe(0);
  });

  it('lists the keys of one namespace', () => {
    const store = create();
    for (const k of ['a', 'b', 'c']) store.set('vm1', k, k);
    store.set('vm2', 'z', 'z');
    expect(store.keys('vm1').sort()).toEqual(['a', 'b', 'c']);
    expect(store.keys('vm2')).toEqual(['z']);
    expect(store.keys('vm3')).toEqual([]);
  });

  it('drops one namespace and gives its space back', () => {
    const store = create();
    const blocks = store.stats().blocks;
    for (let i = 0; i < 100; i++) store.set('gone', `k${i}`, patternValue(i, 500));
    store.set('kept', 'k', 'stays');
    expect(store.deleteByVmId('gone')).toBe(100);
    expect(store.keys('gone')).toEqual([]);
    expect(store.getString('kept', 'k').value).toBe('stays');
    expect(store.stats().keys).toBe(1);
    expect(store.deleteByVmId('gone')).toBe(0);
    store.remove('kept', 'k');
    // Every block is free, or waiting in limbo until readers have moved on.
    const report = expectSound(store);
    expect(report.liveBlocks).toBe(0);
    expect(report.freeBlocks + report.retiredBlocks).toBe(blocks);
    // Keys come back with new cas values, so a stale cas from before the drop cannot match.
    store.set('gone', 'k0', 'again');
    expectSound(store);
  });

  it('frees replaced values once no reader can be copying them', () => {
    // Room for about five 500 KB values: 100 replacements only fit if the old ones are freed.
    const store = create({ maxKeys: 16, maxBytes: 3 << 20, maxValueBytes: 1 << 20 });
    const reader = SharedDataStore.open(store.descriptor());
    for (let i = 0; i < 100; i++) {
      expect(store.set('vm', 'big', patternValue(i, 500_000))).toBe(Ok);
      expect(isWholePattern(reader.get('vm', 'big').value!)).toBe(true);
      if (i % 10 === 0) expect(store.set('vm', `small${i}`, patternValue(i, 50))).toBe(Ok);
    }
    const report = expectSound(store);
    expect(report.retiredBlocks).toBeLessThan(4 * report.liveBlocks);
  });
});

describe('small replaced values: deferred frees and the per-handle stash', () => {
  function handleWord(store: SharedDataStoreImpl, word: number): number {
    return store.m.i32[store.m.handleAt + word]!;
  }

  it('reuses the blocks of replaced small values while nobody reads, and accounts for all of them', () => {
    const store = create();
    const blocks = store.stats().blocks;
    for (let i = 0; i < 1000; i++)
      expect(store.set('vm', `k${i % 10}`, patternValue(i, 40))).toBe(Ok);
    // Ten one-block entries live; the replaced ones were freed (at most a batch still deferred).
    const report = expectSound(store);
    expect(report.entries).toBe(10);
    expect(report.liveBlocks).toBe(10);
    expect(report.retiredBlocks).toBeLessThan(DEFER_MAX);
    expect(report.freeBlocks + report.retiredBlocks + report.liveBlocks).toBe(blocks);
    // Freed blocks went to this handle's stash first.
    expect(handleWord(store, HD_STASH_COUNT)).toBeGreaterThan(0);
    for (let k = 0; k < 10; k++) expect(isWholePattern(store.get('vm', `k${k}`).value!)).toBe(true);
  });

  it("gives a closing handle's deferred entries and stash back", () => {
    const store = create();
    const blocks = store.stats().blocks;
    const other = SharedDataStore.open(store.descriptor()) as SharedDataStoreImpl;
    for (let i = 0; i < DEFER_MAX * 5 + 3; i++) other.set('vm', 'k', patternValue(i, 40));
    expect(handleWord(other, HD_DEFERRED)).not.toBe(0);
    expect(handleWord(other, HD_STASH_COUNT)).toBeGreaterThan(0);
    const words = other.m.handleAt;
    other.close();
    expect(store.m.i32[words + HD_DEFERRED]).toBe(0);
    expect(store.m.i32[words + HD_STASH_COUNT]).toBe(0);
    const report = expectSound(store);
    expect(report.liveBlocks).toBe(1);
    expect(report.freeBlocks + report.retiredBlocks + report.liveBlocks).toBe(blocks);
    expect(isWholePattern(store.get('vm', 'k').value!)).toBe(true);
  });
});

describe('capacity', () => {
  it('reports StoreFull at maxKeys and writes nothing, and replacing still works', () => {
    const store = create({ maxKeys: 10 });
    for (let i = 0; i < 10; i++) expect(store.set('vm', `k${i}`, 'v')).toBe(Ok);
    expect(store.set('vm', 'one-too-many', 'v')).toBe(StoreFull);
    expect(store.get('vm', 'one-too-many').result).toBe(NotFound);
    expect(store.set('vm', 'k3', 'replaced')).toBe(Ok);
    store.remove('vm', 'k0');
    expect(store.set('vm', 'one-too-many', 'v')).toBe(Ok);
    expect(store.stats().keys).toBe(10);
  });

  it('reports StoreFull when the bytes run out, never corrupting what is stored', () => {
    const store = create({ maxKeys: 1000, maxBytes: 64 * 1024, maxValueBytes: 16 * 1024 });
    let stored = 0;
    let full = 0;
    for (let i = 0; i < 1000; i++) {
      const result = store.set('vm', `k${i}`, patternValue(i, 4000));
      if (result === Ok) stored++;
      else {
        expect(result).toBe(StoreFull);
        expect(store.get('vm', `k${i}`).result).toBe(NotFound);
        full++;
      }
    }
    // At least what the store was sized for fits; then writes fail cleanly.
    expect(stored * 4000).toBeGreaterThanOrEqual(64 * 1024);
    expect(full).toBeGreaterThan(0);
    for (let i = 0; i < stored; i++)
      expect(isWholePattern(store.get('vm', `k${i}`).value!)).toBe(true);
    expectSound(store);
    // Removing makes room again.
    for (let i = 0; i < stored; i++) store.remove('vm', `k${i}`);
    expect(store.set('vm', 'after', patternValue(1, 4000))).toBe(Ok);
  });

  it('holds at least maxBytes of data in maxKeys entries of any shape', () => {
    const maxBytes = 200_000;
    for (const [keys, each] of [
      [1, maxBytes - 4],
      [10, maxBytes / 10 - 4],
      [1000, maxBytes / 1000 - 4],
    ] as const) {
      const store = create({ maxKeys: keys, maxBytes, maxValueBytes: maxBytes, blockSize: 256 });
      for (let i = 0; i < keys; i++) {
        expect(
          store.set('v', `k${String(i).padStart(3, '0')}`.slice(0, 4), new Uint8Array(each)),
        ).toBe(Ok);
      }
    }
  });
});

describe('locks', () => {
  it('returns LockTimeout, not a hang, to writers when a lock is never released; reads go on', () => {
    const store = create({ lockTimeoutMs: 50 });
    const other = SharedDataStore.open(store.descriptor()) as SharedDataStoreImpl;
    store.set('vm', 'locked', 'v');
    expect(other.holdStripeLockForTest('vm', 'locked')).toBe(true);
    const started = performance.now();
    expect(store.set('vm', 'locked', 'w')).toBe(LockTimeout);
    expect(store.remove('vm', 'locked')).toBe(LockTimeout);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    // Readers take no lock.
    expect(store.getString('vm', 'locked')).toMatchObject({ result: Ok, value: 'v' });
  });
});

describe('handles', () => {
  it('opens from a descriptor that survives structured cloning', () => {
    const store = create();
    store.set('vm', 'k', 'shared');
    const other = SharedDataStore.open(structuredClone(store.descriptor()));
    expect(other.getString('vm', 'k').value).toBe('shared');
    expect(other.handleId).not.toBe(store.handleId);
    other.set('vm', 'k', 'back');
    expect(store.getString('vm', 'k').value).toBe('back');
  });

  it('throws on a closed handle and frees its slot', () => {
    const store = create({ maxHandles: 2 });
    const other = SharedDataStore.open(store.descriptor());
    expect(() => SharedDataStore.open(store.descriptor())).toThrow(
      expect.objectContaining({ code: SharedDataErrorCode.TooManyHandles }),
    );
    other.close();
    other.close();
    expect(() => other.get('vm', 'k')).toThrow(
      expect.objectContaining({ code: SharedDataErrorCode.Closed }),
    );
    expect(() => other.set('vm', 'k', 'v')).toThrow(/closed/);
    expect(SharedDataStore.open(store.descriptor()).handleId).toBe(other.handleId);
  });

  it('refuses things that are not descriptors', () => {
    const bad = [
      null,
      {},
      { kind: 'nuncio.shared-data', buffer: new ArrayBuffer(64) },
      { kind: 'nuncio.shared-data', buffer: new SharedArrayBuffer(64) },
    ];
    for (const descriptor of bad) {
      expect(() => SharedDataStore.open(descriptor as never)).toThrow(
        expect.objectContaining({ code: SharedDataErrorCode.InvalidDescriptor }),
      );
    }
  });

  it('refuses options out of range, naming the option', () => {
    for (const options of [
      { stripes: 3 },
      { blockSize: 100 },
      { maxKeys: 0 },
      { lockTimeoutMs: -1 },
      { maxQueues: 5000 },
      { maxKeys: 1 << 24, maxBytes: 512 * 1024 * 1024 },
    ]) {
      expect(() => SharedDataStore.create(options)).toThrow(
        expect.objectContaining({ code: SharedDataErrorCode.InvalidOption }),
      );
    }
    expect(() => SharedDataStore.create({ stripes: 3 })).toThrow(/stripes/);
  });

  it('refuses to recover the calling thread', () => {
    const store = create();
    expect(() => store.releaseLocksOf(store.threadId)).toThrow(
      expect.objectContaining({ code: SharedDataErrorCode.RecoverSelf }),
    );
    expect(() => store.releaseLocksOf(-1)).toThrow(
      expect.objectContaining({ code: SharedDataErrorCode.InvalidArgument }),
    );
    expect(store.releaseLocksOf(12345).result).toBe(Ok);
  });
});

describe('result codes', () => {
  it('keep proxy-wasm numbers where they overlap and map the rest to InternalFailure', () => {
    expect([Ok, NotFound, BadArgument, SharedDataResult.Empty, CasMismatch]).toEqual([
      0, 1, 2, 7, 8,
    ]);
    expect(toWasmResult(CasMismatch)).toBe(8);
    expect(toWasmResult(StoreFull)).toBe(10);
    expect(toWasmResult(SharedDataResult.QueueFull)).toBe(10);
    expect(sharedDataResultName(StoreFull)).toBe('StoreFull');
    expect(sharedDataResultName(55)).toBe('Unknown(55)');
  });
});
