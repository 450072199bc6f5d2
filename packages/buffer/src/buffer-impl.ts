import {
  BufferInvalidDataError,
  BufferInvalidSizeError,
  BufferOutOfRangeError,
  BufferSelfMoveError,
  BufferTargetTooSmallError,
} from './errors.ts';
import type { BufferData, BufferInstance } from './instance.ts';
import { Slice } from './slice.ts';

/**
 * Pieces shorter than this are copied into the tail slab rather than kept as slices of their own
 * (Envoy uses the same figure when moving slices): copying a few hundred bytes costs less than
 * carrying, searching and writing out thousands of tiny slices. Measured: 256 header-sized writes
 * flushed through a corked stream ran about twice as fast packed as with one slice per write.
 */
export const COPY_THRESHOLD = 512;

/** Size of the slabs small pieces are packed into. */
export const SLAB_SIZE = 4096;

/** Slots of a new buffer's slice ring (a power of two). */
const INITIAL_RING = 8;

/** A ring this large is given back when the buffer empties, so one burst does not pin memory. */
const SHRINK_RING = 64;

/** Handed out for empty results: it has no bytes, so sharing it is safe. */
const EMPTY = Buffer.alloc(0);

const EXPECTED_DATA = 'a string, a Uint8Array or a buffer instance';
const EXPECTED_BYTES = 'a string or a Uint8Array';

function checkSize(operation: string, argument: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BufferInvalidSizeError(operation, argument, value);
  }
}

/** A `Buffer` over the same memory as `bytes`, without copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Bytes of a string or `Uint8Array` argument, or a throw naming the operation. */
function bytesOf(operation: string, value: Uint8Array | string): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Uint8Array) return value;
  throw new BufferInvalidDataError(operation, EXPECTED_BYTES, value);
}

/** Whether `value` looks like a buffer instance (ours or another implementation). */
function isBufferInstance(value: unknown): value is BufferInstance {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BufferInstance).getRawSlices === 'function' &&
    typeof (value as BufferInstance).drain === 'function'
  );
}

/**
 * Copies `src[from, to)` to `dst` at `at`, by the cheapest native route: `set` of the whole source
 * when it is whole (no view to make), `Buffer#copy` for a range of a `Buffer`.
 */
function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  if (from === 0 && to === src.length) dst.set(src, at);
  else if (Buffer.isBuffer(src)) src.copy(dst, at, from, to);
  else dst.set(src.subarray(from, to), at);
}

/**
 * The buffer implementation (Envoy's `Buffer::OwnedImpl`): slices in a ring, so draining from the
 * front and adding at either end are O(1) without shifting an array. Small pieces are packed into an
 * append-only tail slab; large ones are kept by reference. Bytes inside a slice are never written
 * after they are added (slabs are only ever appended to), which is what makes handing out views and
 * sharing slices between buffers safe.
 */
export class OwnedBuffer implements BufferInstance {
  private ring: (Slice | undefined)[];
  private mask: number;
  private head: number;
  private count: number;
  private len: number;
  /** Where small pieces are packed; bytes before `slabUsed` are never written again. */
  private slab: Buffer | null;
  private slabUsed: number;

  /** Makes an empty buffer; `data`, when given, is added as by {@link OwnedBuffer.add}. */
  constructor(data?: BufferData) {
    this.ring = new Array<Slice | undefined>(INITIAL_RING).fill(undefined);
    this.mask = INITIAL_RING - 1;
    this.head = 0;
    this.count = 0;
    this.len = 0;
    this.slab = null;
    this.slabUsed = 0;
    if (data !== undefined) this.add(data);
  }

  get length(): number {
    return this.len;
  }

  get sliceCount(): number {
    return this.count;
  }

  add(data: BufferData): void {
    if (typeof data === 'string') this.addString(data);
    else if (data instanceof Uint8Array) this.addBytes(data);
    else if (data instanceof OwnedBuffer) this.addShared(data);
    else if (isBufferInstance(data)) this.addForeign(data, data.length);
    else throw new BufferInvalidDataError('add', EXPECTED_DATA, data);
    this.lengthChanged();
  }

  prepend(data: BufferData): void {
    if (typeof data === 'string' || data instanceof Uint8Array) {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : asBuffer(data);
      if (bytes.length === 0) return;
      this.pushFront(new Slice(bytes, 0, bytes.length));
      this.len += bytes.length;
    } else if (data instanceof OwnedBuffer) {
      if (data === this) throw new BufferSelfMoveError('prepend');
      for (let i = data.count - 1; i >= 0; i--) this.pushFront(data.sliceAt(i));
      this.len += data.len;
      data.clearRaw();
      data.lengthChanged();
    } else if (isBufferInstance(data)) {
      const size = data.length;
      if (size > 0) {
        // A foreign buffer may reuse its memory once drained, so its bytes are copied.
        const copy = Buffer.allocUnsafe(size);
        let at = 0;
        for (const view of data.getRawSlices()) {
          copyBytes(view, 0, view.length, copy, at);
          at += view.length;
        }
        this.pushFront(new Slice(copy, 0, size));
        this.len += size;
        data.drain(size);
      }
    } else {
      throw new BufferInvalidDataError('prepend', EXPECTED_DATA, data);
    }
    this.lengthChanged();
  }

  drain(size: number): void {
    checkSize('drain', 'size', size);
    if (size > this.len) throw new BufferOutOfRangeError('drain', size, this.len);
    this.drainRaw(size);
    this.lengthChanged();
  }

  move(other: BufferInstance, size?: number): void {
    if (other === this) throw new BufferSelfMoveError('move');
    if (!isBufferInstance(other)) {
      throw new BufferInvalidDataError('move', 'a buffer instance', other);
    }
    const n = size === undefined ? other.length : size;
    checkSize('move', 'size', n);
    if (n > other.length) throw new BufferOutOfRangeError('move', n, other.length);
    if (other instanceof OwnedBuffer) {
      this.moveFrom(other, n);
      other.lengthChanged();
    } else {
      this.addForeign(other, n);
      other.drain(n);
    }
    this.lengthChanged();
  }

  copyOut<T extends Uint8Array = Buffer>(
    start: number,
    size: number,
    target?: T,
    targetOffset = 0,
  ): T {
    checkSize('copyOut', 'start', start);
    checkSize('copyOut', 'size', size);
    checkSize('copyOut', 'targetOffset', targetOffset);
    if (start + size > this.len) throw new BufferOutOfRangeError('copyOut', start + size, this.len);
    let out: Uint8Array;
    if (target === undefined) {
      out = Buffer.allocUnsafe(size);
    } else {
      if (!(target instanceof Uint8Array)) {
        throw new BufferInvalidDataError('copyOut', 'a Uint8Array target', target);
      }
      if (targetOffset + size > target.length) {
        throw new BufferTargetTooSmallError(size, targetOffset, target.length);
      }
      out = target;
    }
    this.copyRange(start, size, out, targetOffset);
    return out as T;
  }

  linearize(size: number): Buffer {
    checkSize('linearize', 'size', size);
    if (size > this.len) throw new BufferOutOfRangeError('linearize', size, this.len);
    if (size === 0) return EMPTY;
    const first = this.ring[this.head]!;
    if (first.end - first.start >= size) return viewOf(first.base, first.start, first.start + size);
    const joined = Buffer.allocUnsafe(size);
    this.copyRange(0, size, joined, 0);
    this.drainRaw(size);
    this.pushFront(new Slice(joined, 0, size));
    this.len += size;
    return joined;
  }

  search(needle: Uint8Array | string, start = 0, maxLength = Number.POSITIVE_INFINITY): number {
    const bytes = bytesOf('search', needle);
    checkSize('search', 'start', start);
    if (maxLength !== Number.POSITIVE_INFINITY) checkSize('search', 'maxLength', maxLength);
    const m = bytes.length;
    if (m === 0) return start <= this.len ? start : -1;
    const end = Math.min(this.len, start + maxLength);
    if (end - start < m) return -1;
    // Find the slice holding `start`.
    let i = 0;
    let sliceOffset = 0;
    let s = this.sliceAt(0);
    while (sliceOffset + (s.end - s.start) <= start) {
      sliceOffset += s.end - s.start;
      s = this.sliceAt(++i);
    }
    const first = bytes[0]!;
    for (; i < this.count; i++) {
      s = this.sliceAt(i);
      const size = s.end - s.start;
      const from = start > sliceOffset ? start - sliceOffset : 0;
      const limit = Math.min(size, end - sliceOffset);
      if (limit - from >= m) {
        const found = indexWithin(s, bytes, from, limit);
        if (found !== -1) return sliceOffset + found;
      }
      // Matches that begin in this slice's last m-1 bytes and run on into the next slices.
      const lastCandidate = Math.min(size - 1, end - sliceOffset - m);
      const base = s.base;
      for (let p = Math.max(from, size - m + 1); p <= lastCandidate; p++) {
        if (base[s.start + p] === first && this.matchesAt(i, p, bytes)) return sliceOffset + p;
      }
      sliceOffset += size;
      if (end - sliceOffset < m) break;
    }
    return -1;
  }

  startsWith(prefix: Uint8Array | string): boolean {
    const bytes = bytesOf('startsWith', prefix);
    if (bytes.length > this.len) return false;
    if (bytes.length === 0) return true;
    return this.matchesAt(0, 0, bytes);
  }

  toString(encoding: BufferEncoding = 'utf8'): string {
    if (this.count === 0) return '';
    if (this.count === 1) {
      const s = this.ring[this.head]!;
      return s.base.toString(encoding, s.start, s.end);
    }
    return this.toBuffer().toString(encoding);
  }

  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.len);
    this.copyRange(0, this.len, out, 0);
    return out;
  }

  clear(): void {
    this.clearRaw();
    this.lengthChanged();
  }

  replace(start: number, size: number, data: Uint8Array | string): void {
    checkSize('replace', 'start', start);
    checkSize('replace', 'size', size);
    if (start + size > this.len) throw new BufferOutOfRangeError('replace', start + size, this.len);
    const bytes = bytesOf('replace', data);
    if (start === this.len) {
      // Plain append: let small data be packed into the tail slab.
      this.addBytes(bytes);
    } else {
      // Take the prefix off, drop the replaced range, then put data and prefix back in front.
      const prefix = this.takeFront(start);
      this.drainRaw(size);
      if (bytes.length > 0) {
        this.pushFront(new Slice(asBuffer(bytes), 0, bytes.length));
        this.len += bytes.length;
      }
      for (let i = prefix.length - 1; i >= 0; i--) this.pushFront(prefix[i]!);
      this.len += start;
    }
    this.lengthChanged();
  }

  frontSlice(): Buffer {
    if (this.count === 0) return EMPTY;
    const s = this.ring[this.head]!;
    return viewOf(s.base, s.start, s.end);
  }

  getRawSlices(maxSlices = Number.POSITIVE_INFINITY): Buffer[] {
    if (maxSlices !== Number.POSITIVE_INFINITY) checkSize('getRawSlices', 'maxSlices', maxSlices);
    const n = Math.min(this.count, maxSlices);
    const views = new Array<Buffer>(n);
    for (let i = 0; i < n; i++) {
      const s = this.sliceAt(i);
      views[i] = viewOf(s.base, s.start, s.end);
    }
    return views;
  }

  *[Symbol.iterator](): IterableIterator<Buffer> {
    for (let i = 0; i < this.count; i++) {
      const s = this.sliceAt(i);
      yield viewOf(s.base, s.start, s.end);
    }
  }

  /**
   * Called after every operation that may have changed {@link OwnedBuffer.length} (once per
   * operation, after the buffer is consistent again), on both buffers of a `move` or of a
   * `prepend` of a buffer. The watermark buffer checks its watermarks here; the base does nothing.
   */
  protected lengthChanged(): void {
    // Nothing to check in a plain buffer.
  }

  // ---- appending ----

  private addString(data: string): void {
    const units = data.length;
    if (units === 0) return;
    if (units < COPY_THRESHOLD) {
      // UTF-8 takes at most three bytes per UTF-16 unit: check the room before counting bytes.
      const room = this.slab === null ? 0 : this.slab.length - this.slabUsed;
      if (units * 3 > room && Buffer.byteLength(data, 'utf8') > room) this.newSlab();
      const written = this.slab!.write(data, this.slabUsed, 'utf8');
      this.commitTail(written);
    } else {
      const bytes = Buffer.from(data, 'utf8');
      this.pushBack(new Slice(bytes, 0, bytes.length));
      this.len += bytes.length;
    }
  }

  private addBytes(data: Uint8Array): void {
    const size = data.length;
    if (size === 0) return;
    if (size < COPY_THRESHOLD) {
      this.copyToTail(data, 0, size);
    } else {
      this.pushBack(new Slice(asBuffer(data), 0, size));
      this.len += size;
    }
  }

  /** Appends `base[start, end)`: copied into the tail when short, else kept by reference. */
  private appendRange(base: Buffer, start: number, end: number): void {
    const size = end - start;
    if (size < COPY_THRESHOLD) {
      this.copyToTail(base, start, end);
    } else {
      this.pushBack(new Slice(base, start, end));
      this.len += size;
    }
  }

  /** Shares another buffer's slices: their bytes never change, so no copy is needed. */
  private addShared(other: OwnedBuffer): void {
    const n = other.count;
    for (let i = 0; i < n; i++) {
      const s = other.sliceAt(i);
      this.appendRange(s.base, s.start, s.end);
    }
  }

  /** Appends copies of the first `size` bytes of a buffer that is not an {@link OwnedBuffer}. */
  private addForeign(other: BufferInstance, size: number): void {
    if (size === 0) return;
    const copy = Buffer.allocUnsafe(size);
    let at = 0;
    for (const view of other.getRawSlices()) {
      const take = Math.min(view.length, size - at);
      copyBytes(view, 0, take, copy, at);
      at += take;
      if (at === size) break;
    }
    this.addBytes(copy);
  }

  private copyToTail(src: Uint8Array, from: number, to: number): void {
    const size = to - from;
    if (this.slab === null || this.slab.length - this.slabUsed < size) this.newSlab();
    copyBytes(src, from, to, this.slab!, this.slabUsed);
    this.commitTail(size);
  }

  /** Counts `size` bytes just written at `slabUsed` as the buffer's new last bytes. */
  private commitTail(size: number): void {
    const back = this.count === 0 ? undefined : this.ring[(this.head + this.count - 1) & this.mask];
    if (back !== undefined && back.base === this.slab && back.end === this.slabUsed) {
      back.end += size;
    } else {
      this.pushBack(new Slice(this.slab!, this.slabUsed, this.slabUsed + size));
    }
    this.slabUsed += size;
    this.len += size;
  }

  /** Whether `size` bytes would be packed onto the last slice without starting a new one. */
  private tailTakes(size: number): boolean {
    if (this.count === 0 || this.slab === null || this.slab.length - this.slabUsed < size) {
      return false;
    }
    const back = this.ring[(this.head + this.count - 1) & this.mask]!;
    return back.base === this.slab && back.end === this.slabUsed;
  }

  private newSlab(): void {
    // The old slab is not reused: views of it may still be queued in a socket's write queue.
    this.slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    this.slabUsed = 0;
  }

  // ---- moving and taking ----

  private moveFrom(other: OwnedBuffer, size: number): void {
    let rest = size;
    while (rest > 0) {
      const s = other.ring[other.head]!;
      const sliceSize = s.end - s.start;
      if (sliceSize <= rest) {
        other.popFront();
        other.len -= sliceSize;
        rest -= sliceSize;
        if (sliceSize < COPY_THRESHOLD && this.tailTakes(sliceSize)) {
          this.copyToTail(s.base, s.start, s.end);
        } else {
          this.pushBack(s);
          this.len += sliceSize;
        }
      } else {
        this.appendRange(s.base, s.start, s.start + rest);
        s.start += rest;
        other.len -= rest;
        rest = 0;
      }
    }
  }

  /** Removes the first `size` bytes and returns them as slices, splitting one if needed. */
  private takeFront(size: number): Slice[] {
    const taken: Slice[] = [];
    let rest = size;
    while (rest > 0) {
      const s = this.ring[this.head]!;
      const sliceSize = s.end - s.start;
      if (sliceSize <= rest) {
        taken.push(this.popFront());
        rest -= sliceSize;
      } else {
        taken.push(new Slice(s.base, s.start, s.start + rest));
        s.start += rest;
        rest = 0;
      }
    }
    this.len -= size;
    return taken;
  }

  private drainRaw(size: number): void {
    if (size === this.len) {
      this.clearRaw();
      return;
    }
    let rest = size;
    while (rest > 0) {
      const s = this.ring[this.head]!;
      const sliceSize = s.end - s.start;
      if (sliceSize <= rest) {
        this.popFront();
        rest -= sliceSize;
      } else {
        s.start += rest;
        rest = 0;
      }
    }
    this.len -= size;
  }

  private clearRaw(): void {
    if (this.ring.length > SHRINK_RING) {
      this.ring = new Array<Slice | undefined>(INITIAL_RING).fill(undefined);
      this.mask = INITIAL_RING - 1;
    } else {
      for (let i = 0; i < this.count; i++) this.ring[(this.head + i) & this.mask] = undefined;
    }
    this.head = 0;
    this.count = 0;
    this.len = 0;
  }

  // ---- reading ----

  /** Copies `size` bytes from offset `start` to `dst` at `at`; the range must be in bounds. */
  private copyRange(start: number, size: number, dst: Uint8Array, at: number): void {
    if (size === 0) return;
    let i = 0;
    let offset = start;
    let s = this.sliceAt(0);
    while (offset >= s.end - s.start) {
      offset -= s.end - s.start;
      s = this.sliceAt(++i);
    }
    let rest = size;
    let to = at;
    for (;;) {
      const from = s.start + offset;
      const take = Math.min(s.end - from, rest);
      copyBytes(s.base, from, from + take, dst, to);
      to += take;
      rest -= take;
      if (rest === 0) return;
      offset = 0;
      s = this.sliceAt(++i);
    }
  }

  /** Whether `bytes` occur at offset `p` of slice `i`; the caller ensures enough bytes follow. */
  private matchesAt(i: number, p: number, bytes: Uint8Array): boolean {
    let slice = i;
    let s = this.sliceAt(slice);
    let pos = s.start + p;
    for (let k = 0; k < bytes.length; k++) {
      while (pos >= s.end) {
        s = this.sliceAt(++slice);
        pos = s.start;
      }
      if (s.base[pos] !== bytes[k]) return false;
      pos++;
    }
    return true;
  }

  // ---- the ring ----

  private sliceAt(i: number): Slice {
    return this.ring[(this.head + i) & this.mask]!;
  }

  private pushBack(s: Slice): void {
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) & this.mask] = s;
    this.count++;
  }

  private pushFront(s: Slice): void {
    if (this.count === this.ring.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.ring[this.head] = s;
    this.count++;
  }

  private popFront(): Slice {
    const s = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return s;
  }

  private grow(): void {
    const capacity = this.ring.length * 2;
    const next = new Array<Slice | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.count; i++) next[i] = this.sliceAt(i);
    this.ring = next;
    this.mask = capacity - 1;
    this.head = 0;
  }
}

/** A view of `base[start, end)`; `base` itself when that is all of it (no allocation). */
function viewOf(base: Buffer, start: number, end: number): Buffer {
  return start === 0 && end === base.length ? base : base.subarray(start, end);
}

/**
 * How many bytes past a slice's end a search may scan in place (and then ignore) rather than make a
 * view to stop at the end: making a view costs about as much as scanning a few hundred bytes.
 */
const SCAN_PAST_END = 256;

/**
 * Candidates found by their first byte (a cheap native scan, then a compare in JavaScript) before a
 * search falls back to the native search for the whole needle, which costs several times more per
 * call but does not slow down when the first byte is common.
 */
const FIRST_BYTE_TRIES = 8;

/** Offset within slice `s` of the first `bytes` lying wholly in its local range `[from, limit)`. */
function indexWithin(s: Slice, bytes: Uint8Array, from: number, limit: number): number {
  let base = s.base;
  let offset = s.start;
  let end = s.start + limit;
  if (base.length - end > SCAN_PAST_END) {
    base = base.subarray(s.start, end);
    offset = 0;
    end = base.length;
  }
  // Matches found past `end` (possible when scanning in place) mean none lies within.
  const m = bytes.length;
  const lastStart = end - m;
  const first = bytes[0]!;
  let pos = offset + from;
  for (let tries = 0; tries < FIRST_BYTE_TRIES; tries++) {
    const at = base.indexOf(first, pos);
    if (at === -1 || at > lastStart) return -1;
    let k = 1;
    while (k < m && base[at + k] === bytes[k]) k++;
    if (k === m) return at - offset;
    pos = at + 1;
  }
  const found = base.indexOf(bytes, pos);
  return found === -1 || found > lastStart ? -1 : found - offset;
}
