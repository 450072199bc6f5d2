import { describe, expect, it } from 'vitest';
import { SharedDataResult, SharedDataStore } from '../src/index.ts';

const { Ok, NotFound, BadArgument } = SharedDataResult;

// The handle keeps the last namespace's UTF-8 bytes at the start of its scratch buffer and
// compares and copies keys a word at a time: these tests mix namespaces, queue names, failed
// encodings and key lengths around word boundaries to catch stale bytes or a skipped tail.
describe('key encoding', () => {
  it('tells apart keys that differ only in the bytes after the last whole word', () => {
    const store = SharedDataStore.create({ maxKeys: 256 });
    for (let length = 1; length <= 13; length++) {
      const base = 'k'.repeat(length - 1);
      for (const last of ['a', 'b', 'é']) {
        expect(store.set('v', base + last, `${length}${last}`)).toBe(Ok);
      }
    }
    for (let length = 1; length <= 13; length++) {
      const base = 'k'.repeat(length - 1);
      for (const last of ['a', 'b', 'é']) {
        expect(store.getString('v', base + last).value).toBe(`${length}${last}`);
      }
      expect(store.get('v', `${base}c`).result).toBe(NotFound);
    }
    store.close();
  });

  it('keeps namespaces apart when calls switch between them, queues and failed encodings', () => {
    const store = SharedDataStore.create({ maxKeys: 64 });
    expect(store.set('alpha', 'key', 'a')).toBe(Ok);
    expect(store.set('beta', 'key', 'b')).toBe(Ok);
    // A namespace too long for a key fails half way through the buffer, and must not leave its
    // bytes taken for the namespace encoded before it.
    expect(store.set('x'.repeat(2000), 'key', 'x')).toBe(BadArgument);
    expect(store.getString('beta', 'key').value).toBe('b');
    // Queue names share the scratch buffer with a lower limit on the namespace.
    expect(store.registerQueue('q'.repeat(300), 'name').token).toBe(0);
    expect(store.getString('beta', 'key').value).toBe('b');
    expect(store.getString('alpha', 'key').value).toBe('a');
    expect(store.registerQueue('gamma', 'queue').result).toBe(Ok);
    expect(store.getString('beta', 'key').value).toBe('b');
    expect(store.resolveQueue('gamma', 'queue')).not.toBe(0);
    expect(store.keys('alpha')).toEqual(['key']);
    expect(store.getString('alpha', 'key').value).toBe('a');
    // Same namespace text in a different string object.
    const alpha = ['al', 'pha'].join('');
    expect(store.getString(alpha, 'key').value).toBe('a');
    expect(store.deleteByVmId('beta')).toBe(1);
    expect(store.get('beta', 'key').result).toBe(NotFound);
    expect(store.getString('alpha', 'key').value).toBe('a');
    store.close();
  });

  it('stores keys longer than the first block through the byte path', () => {
    const store = SharedDataStore.create({ maxKeys: 16, blockSize: 64 });
    const long = 'long-key-'.repeat(20);
    expect(store.set('vm', long, 'value')).toBe(Ok);
    expect(store.set('vm', `${long.slice(0, -1)}!`, 'other')).toBe(Ok);
    expect(store.getString('vm', long).value).toBe('value');
    expect(store.getString('vm', `${long.slice(0, -1)}!`).value).toBe('other');
    store.close();
  });
});
