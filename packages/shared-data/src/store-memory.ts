// The store's shared memory as one handle (one thread) sees it: typed-array views, the layout
// flattened into fields, the handle's identity, and the primitives every operation is built from
// (entries as block chains, copying bytes in and out of a chain). Nothing here takes a lock: the
// callers hold the lock that protects what they touch.

import {
  BLOCK_HEADER_BYTES,
  E_CHAIN,
  E_HASH,
  E_KEY_LEN,
  E_NEXT_BLOCK,
  E_VM_LEN,
  ENTRY_HEADER_BYTES,
  ENTRY_HEADER_WORDS,
  type Layout,
  MAX_KEY_BYTES,
  MAX_VM_ID_BYTES,
  STRIPE_WORDS,
} from './layout.ts';
import { encodeUtf8 } from './utf8.ts';

// Below this many bytes a plain loop copies faster than creating a subarray for `set`.
const LOOP_COPY_BYTES = 48;

/** Copies `n` bytes from `src[srcAt..]` to `dst[dstAt..]`. */
export function copyBytes(
  src: Uint8Array,
  srcAt: number,
  dst: Uint8Array,
  dstAt: number,
  n: number,
): void {
  if (n < LOOP_COPY_BYTES) {
    for (let i = 0; i < n; i++) dst[dstAt + i] = src[srcAt + i]!;
  } else {
    dst.set(src.subarray(srcAt, srcAt + n), dstAt);
  }
}

/** The shared memory of one store, seen from one handle. */
export class StoreMemory {
  readonly buffer: SharedArrayBuffer;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly layout: Layout;
  readonly stripes: number;
  readonly stripeShift: number;
  readonly bucketMask: number;
  readonly blockSize: number;
  readonly blockWords: number;
  /** Payload bytes in an entry's first block and in every later block. */
  readonly firstPayload: number;
  readonly restPayload: number;
  readonly heapByte: number;
  readonly heapWord: number;
  readonly stripesAt: number;
  readonly cachesAt: number;
  readonly cacheCap: number;
  readonly poolAt: number;
  readonly bucketsAt: number;
  readonly handlesAt: number;
  readonly snapshotsAt: number;
  readonly maxValueBytes: number;
  readonly timeoutMs: number;
  /** This handle's id (1..maxHandles): the owner value it writes into lock words. */
  handle: number;
  /** Word index of this handle's line. */
  handleAt: number;
  /** The thread this handle belongs to. */
  readonly threadId: number;
  /** Namespace bytes then key bytes of the call in progress. */
  readonly scratch: Uint8Array;
  /** The same bytes as 32-bit words, for comparing and copying keys a word at a time. */
  readonly scratch32: Int32Array;
  /**
   * The namespace whose UTF-8 bytes are at scratch[0..scratchVmLen), or undefined: a proxy-wasm
   * VM calls with the same VM id every time, so {@link encodeVm} encodes it once.
   */
  private scratchVm: string | undefined;
  private scratchVmLen: number;
  /** Set by {@link findEntry}: the entry before the one found in its chain, or 0 (the bucket). */
  prevEntry: number;
  /** Entries this handle has retired (paces its attempts to move the epoch on). */
  retired: number;
  /** Retires left before the next look for no other reader, and the current spacing of looks. */
  quietCheckSkip: number;
  quietCheckBackoff: number;
  /** Entries in this handle's deferred list (HD_DEFERRED). */
  deferredCount: number;

  constructor(buffer: SharedArrayBuffer, layout: Layout, threadId: number) {
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.layout = layout;
    this.stripes = layout.stripes;
    this.stripeShift = layout.stripeShift;
    this.bucketMask = layout.buckets - 1;
    this.blockSize = layout.blockSize;
    this.blockWords = layout.blockSize >> 2;
    this.firstPayload = layout.blockSize - ENTRY_HEADER_BYTES;
    this.restPayload = layout.blockSize - BLOCK_HEADER_BYTES;
    this.heapByte = layout.heapByte;
    this.heapWord = layout.heapByte >> 2;
    this.stripesAt = layout.stripesAt;
    this.cachesAt = layout.cachesAt;
    this.cacheCap = layout.cacheCap;
    this.poolAt = layout.poolAt;
    this.bucketsAt = layout.bucketsAt;
    this.handlesAt = layout.handlesAt;
    this.snapshotsAt = layout.snapshotsAt;
    this.maxValueBytes = layout.maxValueBytes;
    this.timeoutMs = layout.lockTimeoutMs;
    this.handle = 0;
    this.handleAt = 0;
    this.threadId = threadId;
    this.scratch = new Uint8Array(MAX_VM_ID_BYTES + MAX_KEY_BYTES);
    this.scratch32 = new Int32Array(this.scratch.buffer);
    this.scratchVm = undefined;
    this.scratchVmLen = 0;
    this.prevEntry = 0;
    this.retired = 0;
    this.quietCheckSkip = 0;
    this.quietCheckBackoff = 0;
    this.deferredCount = 0;
  }

  /** Word index of block `b`. */
  blockAt(b: number): number {
    return this.heapWord + b * this.blockWords;
  }

  /** Word index of stripe `s`'s line. */
  stripeAt(s: number): number {
    return this.stripesAt + s * STRIPE_WORDS;
  }

  /** Word index of stripe `s`'s block cache. */
  cacheAt(s: number): number {
    return this.cachesAt + s * this.cacheCap;
  }

  /**
   * Puts the UTF-8 bytes of `vmId` at scratch[0..) and returns their length, or -1 when they are
   * more than `max`. Every writer of scratch starts with the namespace, through here.
   */
  encodeVm(vmId: string, max: number): number {
    if (vmId === this.scratchVm && this.scratchVmLen <= max) return this.scratchVmLen;
    return this.encodeNewVm(vmId, max);
  }

  private encodeNewVm(vmId: string, max: number): number {
    const n = encodeUtf8(vmId, this.scratch, 0, max);
    // A failed encoding may have overwritten part of the cached bytes.
    this.scratchVm = n >= 0 ? vmId : undefined;
    this.scratchVmLen = n;
    return n;
  }

  /** Whether entry `e`'s stream starts with scratch[0..n): word by word within the first block. */
  scratchEquals(e: number, n: number): boolean {
    if (n > this.firstPayload) return this.streamEquals(e, 0, this.scratch, 0, n);
    const i32 = this.i32;
    const s32 = this.scratch32;
    const at = this.heapWord + e * this.blockWords + ENTRY_HEADER_WORDS;
    const words = n >> 2;
    for (let k = 0; k < words; k++) if (i32[at + k] !== s32[k]) return false;
    // The bytes after the last whole word: the entry's padding there is not compared.
    const u8 = this.u8;
    const scratch = this.scratch;
    const base = at << 2;
    for (let i = words << 2; i < n; i++) if (u8[base + i] !== scratch[i]) return false;
    return true;
  }

  /**
   * Writes scratch[0..n) (namespace and key) at the start of new entry `e`'s stream, whole words
   * within the first block: the up to 3 bytes past `n` land in the key region's padding.
   */
  writeScratch(e: number, n: number): void {
    if (n > this.firstPayload) {
      this.writeStream(e, 0, this.scratch, 0, n);
      return;
    }
    const i32 = this.i32;
    const s32 = this.scratch32;
    const at = this.heapWord + e * this.blockWords + ENTRY_HEADER_WORDS;
    const words = (n + 3) >> 2;
    for (let k = 0; k < words; k++) i32[at + k] = s32[k]!;
  }

  /**
   * Finds the entry whose hash, namespace and key match the scratch bytes in the chain of the
   * bucket at word `bucketAt`; returns its first block or 0, and leaves its predecessor in
   * {@link prevEntry}. Caller holds the bucket's stripe lock.
   */
  findEntry(bucketAt: number, hash: number, vmLen: number, keyLen: number): number {
    const i32 = this.i32;
    let prev = 0;
    let e = i32[bucketAt]!;
    while (e !== 0) {
      const at = this.heapWord + e * this.blockWords;
      if (
        i32[at + E_HASH] === hash &&
        i32[at + E_VM_LEN] === vmLen &&
        i32[at + E_KEY_LEN] === keyLen &&
        this.scratchEquals(e, vmLen + keyLen)
      ) {
        this.prevEntry = prev;
        return e;
      }
      prev = e;
      e = i32[at + E_CHAIN]!;
    }
    this.prevEntry = 0;
    return 0;
  }

  /**
   * {@link findEntry} for a reader that holds no lock (it is in a read session, see epoch.ts):
   * the bucket head and chain links, which writers change while it walks, are read with
   * Atomics.load; the rest of an entry never changes once linked.
   */
  findEntryLockFree(bucketAt: number, hash: number, vmLen: number, keyLen: number): number {
    const i32 = this.i32;
    let e = Atomics.load(i32, bucketAt);
    while (e !== 0) {
      const at = this.heapWord + e * this.blockWords;
      if (
        i32[at + E_HASH] === hash &&
        i32[at + E_VM_LEN] === vmLen &&
        i32[at + E_KEY_LEN] === keyLen &&
        this.scratchEquals(e, vmLen + keyLen)
      ) {
        return e;
      }
      e = Atomics.load(i32, at + E_CHAIN);
    }
    return 0;
  }

  /** Whether `n` bytes of entry `e`'s stream at `offset` equal `bytes[from..]`. */
  streamEquals(e: number, offset: number, bytes: Uint8Array, from: number, n: number): boolean {
    const u8 = this.u8;
    if (offset + n <= this.firstPayload) {
      const base = this.heapByte + e * this.blockSize + ENTRY_HEADER_BYTES + offset;
      for (let i = 0; i < n; i++) if (u8[base + i] !== bytes[from + i]) return false;
      return true;
    }
    let b = e;
    let start = 0;
    let cap = this.firstPayload;
    let base = this.heapByte + b * this.blockSize + ENTRY_HEADER_BYTES;
    while (offset >= start + cap) {
      start += cap;
      b = this.i32[this.heapWord + b * this.blockWords + E_NEXT_BLOCK]!;
      cap = this.restPayload;
      base = this.heapByte + b * this.blockSize + BLOCK_HEADER_BYTES;
    }
    let pos = offset - start;
    while (n > 0) {
      const k = Math.min(n, cap - pos);
      for (let i = 0; i < k; i++) if (u8[base + pos + i] !== bytes[from + i]) return false;
      from += k;
      n -= k;
      if (n > 0) {
        b = this.i32[this.heapWord + b * this.blockWords + E_NEXT_BLOCK]!;
        cap = this.restPayload;
        base = this.heapByte + b * this.blockSize + BLOCK_HEADER_BYTES;
        pos = 0;
      }
    }
    return true;
  }

  /** Copies `n` bytes from `src[from..]` into entry `e`'s stream at `offset`. */
  writeStream(e: number, offset: number, src: Uint8Array, from: number, n: number): void {
    const u8 = this.u8;
    if (offset + n <= this.firstPayload) {
      copyBytes(src, from, u8, this.heapByte + e * this.blockSize + ENTRY_HEADER_BYTES + offset, n);
      return;
    }
    let b = e;
    let start = 0;
    let cap = this.firstPayload;
    let base = this.heapByte + b * this.blockSize + ENTRY_HEADER_BYTES;
    while (offset >= start + cap) {
      start += cap;
      b = this.i32[this.heapWord + b * this.blockWords + E_NEXT_BLOCK]!;
      cap = this.restPayload;
      base = this.heapByte + b * this.blockSize + BLOCK_HEADER_BYTES;
    }
    let pos = offset - start;
    while (n > 0) {
      const k = Math.min(n, cap - pos);
      copyBytes(src, from, u8, base + pos, k);
      from += k;
      n -= k;
      if (n > 0) {
        b = this.i32[this.heapWord + b * this.blockWords + E_NEXT_BLOCK]!;
        cap = this.restPayload;
        base = this.heapByte + b * this.blockSize + BLOCK_HEADER_BYTES;
        pos = 0;
      }
    }
  }

  /** Copies `n` bytes of entry `e`'s stream at `offset` into `dst[to..]`. */
  readStream(e: number, offset: number, dst: Uint8Array, to: number, n: number): void {
    const u8 = this.u8;
    if (offset + n <= this.firstPayload) {
      copyBytes(u8, this.heapByte + e * this.blockSize + ENTRY_HEADER_BYTES + offset, dst, to, n);
      return;
    }
    let b = e;
    let start = 0;
    let cap = this.firstPayload;
    let base = this.heapByte + b * this.blockSize + ENTRY_HEADER_BYTES;
    while (offset >= start + cap) {
      start += cap;
      b = this.i32[this.heapWord + b * this.blockWords + E_NEXT_BLOCK]!;
      cap = this.restPayload;
      base = this.heapByte + b * this.blockSize + BLOCK_HEADER_BYTES;
    }
    let pos = offset - start;
    while (n > 0) {
      const k = Math.min(n, cap - pos);
      copyBytes(u8, base + pos, dst, to, k);
      to += k;
      n -= k;
      if (n > 0) {
        b = this.i32[this.heapWord + b * this.blockWords + E_NEXT_BLOCK]!;
        cap = this.restPayload;
        base = this.heapByte + b * this.blockSize + BLOCK_HEADER_BYTES;
        pos = 0;
      }
    }
  }

  /** A fresh (non-shared) copy of `n` bytes of entry `e`'s stream at `offset`. */
  copyOut(e: number, offset: number, n: number): Uint8Array {
    if (offset + n <= this.firstPayload) {
      const at = this.heapByte + e * this.blockSize + ENTRY_HEADER_BYTES + offset;
      return this.u8.slice(at, at + n);
    }
    const out = new Uint8Array(n);
    this.readStream(e, offset, out, 0, n);
    return out;
  }
}
