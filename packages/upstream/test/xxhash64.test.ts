import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import xxhashWasm from 'xxhash-wasm';
import { xxHash64, xxHash64Bytes } from '../src/index.ts';

describe('xxHash64', () => {
  it('gives the reference value of the empty input', () => {
    expect(xxHash64('')).toBe(0xef46db3751d8e999n);
  });

  it('agrees with the reference implementation (xxhash-wasm) on every length and two seeds', async () => {
    const { h64Raw } = await xxhashWasm();
    for (let length = 0; length <= 100; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      for (const seed of [0n, 1n, 0x9e3779b97f4a7c15n]) {
        expect(xxHash64Bytes(bytes, seed)).toBe(h64Raw(bytes, seed));
      }
    }
  });

  it('hashes the UTF-8 bytes of a string', async () => {
    const { h64 } = await xxhashWasm();
    for (const text of ['127.0.0.1:80_0', '[::1]:8080_17', 'héllo wörld', '10.0.0.1']) {
      expect(xxHash64(text)).toBe(h64(text));
    }
  });
});
