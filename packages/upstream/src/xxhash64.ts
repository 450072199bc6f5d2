// xxHash64 (Yann Collet's XXH64, as specified in the xxHash repository's doc/xxhash_spec.md),
// written from the specification with BigInt arithmetic. Envoy hashes hosts onto its ring-hash
// ring and Maglev table with it, and hashes the source IP of `hash_policy` with it, so the same
// inputs give the same placements as Envoy. Inputs are short (an address and a counter), so the
// BigInt cost (about a microsecond) is paid per host when a table is built and once per
// connection, never per byte of data.

const MASK = 0xffffffffffffffffn;
const PRIME1 = 0x9e3779b185ebca87n;
const PRIME2 = 0xc2b2ae3d27d4eb4fn;
const PRIME3 = 0x165667b19e3779f9n;
const PRIME4 = 0x85ebca77c2b2ae63n;
const PRIME5 = 0x27d4eb2f165667c5n;

function rotl(value: bigint, bits: bigint): bigint {
  return ((value << bits) | (value >> (64n - bits))) & MASK;
}

function round(acc: bigint, lane: bigint): bigint {
  const mixed = (acc + lane * PRIME2) & MASK;
  return (rotl(mixed, 31n) * PRIME1) & MASK;
}

function mergeRound(acc: bigint, value: bigint): bigint {
  return (((acc ^ round(0n, value)) * PRIME1) & MASK) + PRIME4;
}

function lane64(bytes: Uint8Array, at: number): bigint {
  const low =
    (bytes[at] as number) |
    ((bytes[at + 1] as number) << 8) |
    ((bytes[at + 2] as number) << 16) |
    ((bytes[at + 3] as number) << 24);
  const high =
    (bytes[at + 4] as number) |
    ((bytes[at + 5] as number) << 8) |
    ((bytes[at + 6] as number) << 16) |
    ((bytes[at + 7] as number) << 24);
  return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
}

function lane32(bytes: Uint8Array, at: number): bigint {
  const value =
    (bytes[at] as number) |
    ((bytes[at + 1] as number) << 8) |
    ((bytes[at + 2] as number) << 16) |
    ((bytes[at + 3] as number) << 24);
  return BigInt(value >>> 0);
}

/** XXH64 of `bytes` with `seed` (default 0), as an unsigned 64-bit `bigint`. */
export function xxHash64Bytes(bytes: Uint8Array, seed = 0n): bigint {
  const length = bytes.length;
  const s = seed & MASK;
  let offset = 0;
  let h: bigint;
  if (length >= 32) {
    let v1 = (s + PRIME1 + PRIME2) & MASK;
    let v2 = (s + PRIME2) & MASK;
    let v3 = s;
    let v4 = (s - PRIME1) & MASK;
    const limit = length - 32;
    while (offset <= limit) {
      v1 = round(v1, lane64(bytes, offset));
      v2 = round(v2, lane64(bytes, offset + 8));
      v3 = round(v3, lane64(bytes, offset + 16));
      v4 = round(v4, lane64(bytes, offset + 24));
      offset += 32;
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    h = mergeRound(h, v1) & MASK;
    h = mergeRound(h, v2) & MASK;
    h = mergeRound(h, v3) & MASK;
    h = mergeRound(h, v4) & MASK;
  } else {
    h = (s + PRIME5) & MASK;
  }
  h = (h + BigInt(length)) & MASK;
  while (offset + 8 <= length) {
    h ^= round(0n, lane64(bytes, offset));
    h = ((rotl(h, 27n) * PRIME1) & MASK) + PRIME4;
    h &= MASK;
    offset += 8;
  }
  if (offset + 4 <= length) {
    h ^= (lane32(bytes, offset) * PRIME1) & MASK;
    h = ((rotl(h, 23n) * PRIME2) & MASK) + PRIME3;
    h &= MASK;
    offset += 4;
  }
  while (offset < length) {
    h ^= (BigInt(bytes[offset] as number) * PRIME5) & MASK;
    h = (rotl(h, 11n) * PRIME1) & MASK;
    offset += 1;
  }
  h ^= h >> 33n;
  h = (h * PRIME2) & MASK;
  h ^= h >> 29n;
  h = (h * PRIME3) & MASK;
  h ^= h >> 32n;
  return h;
}

const encoder = new TextEncoder();

/** XXH64 of the UTF-8 bytes of `text` with `seed` (default 0): Envoy's `HashUtil::xxHash64`. */
export function xxHash64(text: string, seed = 0n): bigint {
  return xxHash64Bytes(encoder.encode(text), seed);
}
