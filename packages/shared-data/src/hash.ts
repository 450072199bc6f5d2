/**
 * 32-bit FNV-1a over the first `length` bytes of `bytes`, seeded with the namespace length so that
 * (vm "a", key "bc") and (vm "ab", key "c") differ, then murmur3's finaliser so that both the low
 * bits (bucket) and the high bits (stripe) of the result are well mixed.
 */
export function hashKey(bytes: Uint8Array, length: number, vmLength: number): number {
  let h = 0x811c9dc5 ^ vmLength;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
