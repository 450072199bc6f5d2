// Where everything lives in the store's one SharedArrayBuffer. Offsets are in 32-bit words unless
// named `...Byte`. Every word that different threads write often sits in its own 128-byte slot
// (two 64-byte lines): x86 cores fetch lines in adjacent pairs (Intel's spatial prefetcher, AMD's
// L2 up/down prefetcher), so two threads writing neighbouring 64-byte lines still take the pair
// from each other. Stripes, handles, the global words and the regions all start on such a slot.
// The header holds the parameters, and a thread that opens the store recomputes the same offsets
// from them.

import { SharedDataInvalidOptionError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

/** Words per 64-byte cache line. */
export const LINE_WORDS = 16;
/** Words per 128-byte slot: the unit of separation between words different threads write. */
export const PAD_WORDS = 32;

// Header (slot 0, written once at creation).
export const MAGIC = 0x4e534431; // "NSD1"
export const LAYOUT_VERSION = 2;
const H_MAGIC = 0;
const H_VERSION = 1;
const H_STRIPES = 2;
const H_BUCKETS = 3;
const H_BLOCK_SIZE = 4;
const H_BLOCKS = 5;
const H_MAX_KEYS = 6;
const H_MAX_HANDLES = 7;
const H_MAX_QUEUES = 8;
const H_QUEUE_CAPACITY = 9;
const H_QUEUE_MAX_ITEMS = 10;
const H_MAX_VALUE = 11;
const H_LOCK_TIMEOUT = 12;
const H_CACHE_CAP = 13;
const H_MAX_BYTES = 14;

/** Slot 1: live key count (changed on insert and delete only). */
export const G_KEY_COUNT = PAD_WORDS;
/** Slot 2: the queue table lock (register, resolve, unregister). */
export const G_QUEUE_TABLE_LOCK = 2 * PAD_WORDS;
/** Slot 3: the free-block pool's lock and count, and the quarantine (see epoch.ts). */
export const G_POOL_LOCK = 3 * PAD_WORDS;
export const G_POOL_COUNT = G_POOL_LOCK + 1;
export const G_QUARANTINE_COUNT = G_POOL_LOCK + 2;
export const G_QUARANTINE_EPOCH = G_POOL_LOCK + 3;
/**
 * Slot 4, read-mostly: the reclamation epoch (read by every retire into limbo, written when the
 * epoch moves) and the highest handle id ever claimed (read by every look for other readers,
 * written when a handle is first claimed).
 */
export const G_EPOCH = 4 * PAD_WORDS;
export const G_HANDLE_HIGH = G_EPOCH + 1;
/** Slot 5: the lock of whoever is advancing the epoch (taken by every attempt, even failed). */
export const G_EPOCH_LOCK = 5 * PAD_WORDS;
const FIXED_SLOTS = 6;

// Per stripe (one slot each: a stripe's writers write all of it under its lock).
/** Words per stripe. */
export const STRIPE_WORDS = PAD_WORDS;
export const S_LOCK = 0;
/** The stripe's cas counter: every successful write of a key in the stripe takes the next value. */
export const S_CAS = 1;
/** How many free block ids the stripe's cache holds. */
export const S_CACHE_COUNT = 2;
/** Heads of the stripe's four limbo bags (entries unlinked, waiting for readers to move on). */
export const S_LIMBO = 3;
/** The epoch each bag's entries were retired in. */
export const S_LIMBO_EPOCH = 7;
/** Entries in the stripe's limbo bags. */
export const S_LIMBO_COUNT = 11;

// Per handle (one slot each, written by its own thread only; recovery writes a dead one's).
/** Words per handle. */
export const HANDLE_WORDS = PAD_WORDS;
/** 0 free, threadId + 1 while open, DEAD_HANDLE while recovery is reclaiming it. */
export const HD_STATE = 0;
/**
 * The handle's read-session counter: odd while in a read session, even outside; it only ever
 * grows. Written by the handle's thread with Atomics.store.
 */
export const HD_READ_SEQ = 1;
/** Entry this handle is filling outside the lock (large set), or 0. */
export const HD_PENDING = 2;
/**
 * First of the entries this handle has unlinked but not yet freed or put in limbo (see retire in
 * epoch.ts), chained through E_LIMBO, or 0. Written by the handle's thread under a stripe lock.
 */
export const HD_DEFERRED = 3;
/** Most entries a handle defers that way (all single blocks): reserved in the heap per handle. */
export const DEFER_MAX = 8;
/**
 * The handle's stash of free blocks, in the second line of its slot: this count, then the ids. A
 * one-block entry takes its block from here and a freed one-block chain goes here first, so a
 * thread that replaces small values keeps reusing blocks still in its own cache and touches no
 * shared free list (block-pool.ts). Read and written by the handle's thread under a stripe lock.
 */
export const HD_STASH_COUNT = LINE_WORDS;
/** Most blocks in a handle's stash: reserved in the heap per handle. */
export const STASH_MAX = LINE_WORDS - 1;
export const DEAD_HANDLE = -1;

// Entry: the first block of a chain. Word 0 of every block is the next block of its chain.
export const E_NEXT_BLOCK = 0;
/** Next entry in the bucket's chain (its first block), or 0. */
export const E_CHAIN = 1;
export const E_HASH = 2;
export const E_CAS = 3;
export const E_VM_LEN = 4;
export const E_KEY_LEN = 5;
export const E_VALUE_LEN = 6;
/** Next entry in the limbo bag, once the entry is unlinked (readers never read this word). */
export const E_LIMBO = 7;
export const ENTRY_HEADER_BYTES = 32;
export const ENTRY_HEADER_WORDS = ENTRY_HEADER_BYTES / 4;
export const BLOCK_HEADER_BYTES = 4;

// Queue slot: one header line, then the name bytes.
export const Q_LOCK = 0;
/** The queue's token, or 0 when the slot is free. Written with Atomics.store. */
export const Q_TOKEN = 1;
/** Handle id of the owner (the thread woken on enqueue), or 0. Written with Atomics.store. */
export const Q_OWNER = 2;
/** The wake-up word the owner waits on: 1 once an item arrived since its last delivery. */
export const Q_SIGNAL = 3;
/** Free-running byte positions in the ring; used bytes = tail - head (mod 2^32). */
export const Q_HEAD = 4;
export const Q_TAIL = 5;
export const Q_COUNT = 6;
/** Items dequeued so far (mod 2^32): lets the owner tell whether a ready callback drained. */
export const Q_DEQUEUED = 7;
export const Q_GENERATION = 8;
export const Q_HASH = 9;
export const Q_VM_LEN = 10;
export const Q_NAME_LEN = 11;
export const Q_NAME = LINE_WORDS;
/** Most bytes of namespace plus queue name. */
export const QUEUE_NAME_BYTES = 256;
export const QUEUE_WORDS = LINE_WORDS + QUEUE_NAME_BYTES / 4;

/** Most UTF-8 bytes of a namespace (VM id). */
export const MAX_VM_ID_BYTES = 1024;
/** Most UTF-8 bytes of a key. */
export const MAX_KEY_BYTES = 15 * 1024;

/**
 * Free block ids a stripe keeps for itself, and how many move to or from the pool at once. Room
 * for twice a batch either way, so that the bursts of frees that come when a limbo bag is emptied
 * rarely reach the pool's lock.
 */
export const CACHE_CAP = 128;
export const CACHE_BATCH = 32;

/** Largest shared memory a store may ask for: keeps every byte offset a positive int32. */
const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

/** The store's parameters and the offsets derived from them. */
export interface Layout {
  readonly stripes: number;
  readonly buckets: number;
  /** bucket >>> stripeShift is the bucket's stripe (buckets of a stripe are contiguous). */
  readonly stripeShift: number;
  readonly blockSize: number;
  readonly blocks: number;
  readonly maxKeys: number;
  readonly maxBytes: number;
  readonly maxHandles: number;
  readonly maxQueues: number;
  readonly queueCapacity: number;
  readonly queueMaxItems: number;
  readonly maxValueBytes: number;
  readonly lockTimeoutMs: number;
  readonly cacheCap: number;
  readonly stripesAt: number;
  readonly cachesAt: number;
  readonly handlesAt: number;
  /**
   * One word per handle: its read-session counter as the last epoch advance saw it. Written and
   * read only under G_EPOCH_LOCK, in a region of its own so that an advance never writes into
   * the slots readers write.
   */
  readonly snapshotsAt: number;
  readonly poolAt: number;
  readonly quarantineAt: number;
  readonly bucketsAt: number;
  readonly queuesAt: number;
  readonly ringsByte: number;
  readonly heapByte: number;
  readonly totalBytes: number;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** `words` rounded up to whole 128-byte slots. */
function slots(words: number): number {
  return Math.ceil(words / PAD_WORDS) * PAD_WORDS;
}

/** Blocks an entry whose key region plus value is `streamBytes` long occupies. */
export function blocksFor(streamBytes: number, blockSize: number): number {
  const first = blockSize - ENTRY_HEADER_BYTES;
  if (streamBytes <= first) return 1;
  const rest = blockSize - BLOCK_HEADER_BYTES;
  return 1 + Math.ceil((streamBytes - first) / rest);
}

/** Bytes the key region (namespace then key) takes in an entry: padded so the value is aligned. */
export function keyRegionBytes(vmLength: number, keyLength: number): number {
  return (vmLength + keyLength + 3) & ~3;
}

/**
 * Blocks the heap needs so that any set of entries with at most `maxBytes` of namespace, key and
 * value bytes in at most `maxKeys` entries fits, plus what the stripe caches may hold back, plus
 * what every handle may hold deferred and in its stash, plus room for two largest entries in
 * flight (a replace writes the new value before it frees the old).
 */
function heapBlocks(o: ResolvedOptions): number {
  const rest = o.blockSize - BLOCK_HEADER_BYTES;
  // An entry wastes less than one block to rounding and its first block carries the header, so
  // it never needs more than two blocks beyond its share of the bytes; padding adds up to 3 bytes.
  const live = 2 * o.maxKeys + Math.ceil((o.maxBytes + 3 * o.maxKeys) / rest);
  const cached = o.stripes * CACHE_CAP;
  const perHandle = o.maxHandles * (DEFER_MAX + STASH_MAX);
  const largest = blocksFor(
    keyRegionBytes(MAX_VM_ID_BYTES, MAX_KEY_BYTES) + o.maxValueBytes,
    o.blockSize,
  );
  return 1 + live + cached + perHandle + 2 * largest;
}

/** Lays out a new store; throws when the memory asked for is larger than a store may be. */
export function computeLayout(o: ResolvedOptions): Layout {
  const buckets = nextPowerOfTwo(Math.max(2 * o.maxKeys, 4 * o.stripes));
  return layoutFrom({
    stripes: o.stripes,
    buckets,
    blockSize: o.blockSize,
    blocks: heapBlocks(o),
    maxKeys: o.maxKeys,
    maxBytes: o.maxBytes,
    maxHandles: o.maxHandles,
    maxQueues: o.maxQueues,
    queueCapacity: nextPowerOfTwo(Math.max(16, o.queueMaxBytes)),
    queueMaxItems: o.queueMaxItems,
    maxValueBytes: o.maxValueBytes,
    lockTimeoutMs: o.lockTimeoutMs,
    cacheCap: CACHE_CAP,
  });
}

type Parameters = Pick<
  Layout,
  | 'stripes'
  | 'buckets'
  | 'blockSize'
  | 'blocks'
  | 'maxKeys'
  | 'maxBytes'
  | 'maxHandles'
  | 'maxQueues'
  | 'queueCapacity'
  | 'queueMaxItems'
  | 'maxValueBytes'
  | 'lockTimeoutMs'
  | 'cacheCap'
>;

function layoutFrom(p: Parameters): Layout {
  const stripesAt = FIXED_SLOTS * PAD_WORDS;
  const cachesAt = stripesAt + p.stripes * STRIPE_WORDS;
  const handlesAt = cachesAt + slots(p.stripes * p.cacheCap);
  const snapshotsAt = handlesAt + p.maxHandles * HANDLE_WORDS;
  const poolAt = snapshotsAt + slots(p.maxHandles);
  const quarantineAt = poolAt + slots(p.blocks);
  const bucketsAt = quarantineAt + slots(p.blocks);
  const queuesAt = bucketsAt + slots(p.buckets);
  const ringsByte = (queuesAt + p.maxQueues * QUEUE_WORDS) * 4;
  const heapByte = Math.ceil((ringsByte + p.maxQueues * p.queueCapacity) / 128) * 128;
  const totalBytes = heapByte + p.blocks * p.blockSize;
  if (totalBytes > MAX_TOTAL_BYTES) {
    throw new SharedDataInvalidOptionError(
      'maxBytes/maxKeys/maxQueues',
      `${totalBytes} bytes of shared memory`,
      `a layout of at most ${MAX_TOTAL_BYTES} bytes`,
    );
  }
  return {
    ...p,
    stripeShift: Math.log2(p.buckets) - Math.log2(p.stripes),
    stripesAt,
    cachesAt,
    handlesAt,
    snapshotsAt,
    poolAt,
    quarantineAt,
    bucketsAt,
    queuesAt,
    ringsByte,
    heapByte,
    totalBytes,
  };
}

/** Writes the parameters into a fresh store's header (the magic last, once all is in place). */
export function writeHeader(i32: Int32Array, layout: Layout): void {
  i32[H_VERSION] = LAYOUT_VERSION;
  i32[H_STRIPES] = layout.stripes;
  i32[H_BUCKETS] = layout.buckets;
  i32[H_BLOCK_SIZE] = layout.blockSize;
  i32[H_BLOCKS] = layout.blocks;
  i32[H_MAX_KEYS] = layout.maxKeys;
  i32[H_MAX_HANDLES] = layout.maxHandles;
  i32[H_MAX_QUEUES] = layout.maxQueues;
  i32[H_QUEUE_CAPACITY] = layout.queueCapacity;
  i32[H_QUEUE_MAX_ITEMS] = layout.queueMaxItems;
  i32[H_MAX_VALUE] = layout.maxValueBytes;
  i32[H_LOCK_TIMEOUT] = layout.lockTimeoutMs;
  i32[H_CACHE_CAP] = layout.cacheCap;
  i32[H_MAX_BYTES] = layout.maxBytes;
  Atomics.store(i32, H_MAGIC, MAGIC);
}

/** Reads a store's layout back from its header; returns a reason string when it is not one. */
export function readLayout(i32: Int32Array): Layout | string {
  if (i32.length < LINE_WORDS) return 'the buffer is too small to hold a store';
  if (Atomics.load(i32, H_MAGIC) !== MAGIC) return 'the buffer does not hold a shared-data store';
  if (i32[H_VERSION] !== LAYOUT_VERSION) {
    return `the store has layout version ${i32[H_VERSION]}, this package reads ${LAYOUT_VERSION}`;
  }
  const layout = layoutFrom({
    stripes: i32[H_STRIPES]!,
    buckets: i32[H_BUCKETS]!,
    blockSize: i32[H_BLOCK_SIZE]!,
    blocks: i32[H_BLOCKS]!,
    maxKeys: i32[H_MAX_KEYS]!,
    maxBytes: i32[H_MAX_BYTES]!,
    maxHandles: i32[H_MAX_HANDLES]!,
    maxQueues: i32[H_MAX_QUEUES]!,
    queueCapacity: i32[H_QUEUE_CAPACITY]!,
    queueMaxItems: i32[H_QUEUE_MAX_ITEMS]!,
    maxValueBytes: i32[H_MAX_VALUE]!,
    lockTimeoutMs: i32[H_LOCK_TIMEOUT]!,
    cacheCap: i32[H_CACHE_CAP]!,
  });
  if (layout.totalBytes !== i32.byteLength) {
    return `the buffer is ${i32.byteLength} bytes but its header describes ${layout.totalBytes}`;
  }
  return layout;
}
