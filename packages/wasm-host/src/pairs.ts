import { Buffer } from 'node:buffer';

/** A header (or metadata) name and value, as byte-per-character strings. */
export type HeaderPair = readonly [name: string, value: string];

/** proxy-wasm-cpp-host's limit on the number of pairs in one serialized map. */
export const MAX_PAIRS_COUNT = 1024;

/**
 * Bytes of the ABI's serialized map of `pairs`: a uint32 count, a uint32 length pair per entry,
 * then each name and value followed by a NUL byte.
 */
export function pairsSize(pairs: readonly HeaderPair[]): number {
  let size = 4 + pairs.length * 8;
  for (const [name, value] of pairs) size += name.length + value.length + 2;
  return size;
}

/** Serializes `pairs` into `target` at `offset` (which must have `pairsSize(pairs)` bytes). */
export function writePairs(pairs: readonly HeaderPair[], target: Buffer, offset: number): void {
  target.writeUInt32LE(pairs.length, offset);
  let sizes = offset + 4;
  let data = offset + 4 + pairs.length * 8;
  for (const [name, value] of pairs) {
    target.writeUInt32LE(name.length, sizes);
    target.writeUInt32LE(value.length, sizes + 4);
    sizes += 8;
    data += target.write(name, data, 'latin1');
    target[data++] = 0;
    data += target.write(value, data, 'latin1');
    target[data++] = 0;
  }
}

/** Serializes `pairs` into a new buffer. */
export function encodePairs(pairs: readonly HeaderPair[]): Buffer {
  const out = Buffer.allocUnsafe(pairsSize(pairs));
  writePairs(pairs, out, 0);
  return out;
}

/**
 * Reads a serialized map as proxy-wasm-cpp-host does: anything malformed (too short, a count above
 * {@link MAX_PAIRS_COUNT}, lengths past the end, a missing NUL) gives an empty list.
 */
export function decodePairs(bytes: Uint8Array): HeaderPair[] {
  if (bytes.length < 4) return [];
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const count = buf.readUInt32LE(0);
  if (count > MAX_PAIRS_COUNT) return [];
  let pos = 4;
  const end = buf.length;
  if (pos + count * 8 >= end && count > 0) return [];
  if (count === 0) return [];
  const lengths: number[] = new Array(count * 2);
  for (let i = 0; i < count * 2; i++) {
    lengths[i] = buf.readUInt32LE(pos);
    pos += 4;
  }
  const pairs: HeaderPair[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const nameLength = lengths[i * 2] as number;
    const valueLength = lengths[i * 2 + 1] as number;
    if (pos + nameLength >= end) return [];
    const name = buf.toString('latin1', pos, pos + nameLength);
    pos += nameLength;
    if (buf[pos++] !== 0) return [];
    if (pos + valueLength >= end) return [];
    const value = buf.toString('latin1', pos, pos + valueLength);
    pos += valueLength;
    if (buf[pos++] !== 0) return [];
    pairs[i] = [name, value];
  }
  return pairs;
}
