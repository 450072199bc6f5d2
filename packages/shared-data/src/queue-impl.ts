// Shared queues: a fixed table of slots, each a bounded ring of length-prefixed items under its own
// lock. Producers (any thread) and consumers take the slot's lock for the few word writes and the
// copy; the tail (enqueue) and head (dequeue) are each published with one store, so a thread that
// dies mid-operation leaves either the whole item or none of it. Register, resolve and unregister
// take the table lock first (order: table, then slot), so names and tokens change only under it.

import {
  G_QUEUE_TABLE_LOCK,
  Q_COUNT,
  Q_DEQUEUED,
  Q_GENERATION,
  Q_HASH,
  Q_HEAD,
  Q_LOCK,
  Q_NAME,
  Q_NAME_LEN,
  Q_OWNER,
  Q_SIGNAL,
  Q_TAIL,
  Q_TOKEN,
  Q_VM_LEN,
  QUEUE_NAME_BYTES,
  QUEUE_WORDS,
} from './layout.ts';
import { acquireLock, releaseLock } from './lock.ts';
import { SharedDataResult } from './result.ts';
import { copyBytes, type StoreMemory } from './store-memory.ts';
import { encodeUtf8 } from './utf8.ts';

/** Bits of a token that hold the slot (slot + 1); the rest is the slot's generation. */
const SLOT_BITS = 12;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
/** Generations wrap below 2^19 so tokens stay positive int32 values. */
const GENERATION_MASK = (1 << 19) - 1;

/** The shared-queue operations of one handle. */
export class QueueTable {
  readonly m: StoreMemory;
  readonly queuesAt: number;
  readonly maxQueues: number;
  readonly ringsByte: number;
  readonly capacity: number;
  readonly mask: number;
  readonly maxItems: number;
  /** Set by encodeName: namespace bytes of the name in scratch. */
  private vmLen: number;

  constructor(m: StoreMemory) {
    this.m = m;
    this.queuesAt = m.layout.queuesAt;
    this.maxQueues = m.layout.maxQueues;
    this.ringsByte = m.layout.ringsByte;
    this.capacity = m.layout.queueCapacity;
    this.mask = m.layout.queueCapacity - 1;
    this.maxItems = m.layout.queueMaxItems;
    this.vmLen = 0;
  }

  /** Word index of slot `slot`. */
  slotAt(slot: number): number {
    return this.queuesAt + slot * QUEUE_WORDS;
  }

  /** The slot a token names, or -1 when it cannot name one. */
  slotOf(token: number): number {
    if (typeof token !== 'number' || !Number.isInteger(token) || token <= 0 || token > 0x7fffffff) {
      return -1;
    }
    const slot = (token & SLOT_MASK) - 1;
    return slot >= 0 && slot < this.maxQueues ? slot : -1;
  }

  /** Writes namespace then name into scratch; returns the total length or -1 when too long. */
  private encodeName(vmId: string, name: string): number {
    if (typeof vmId !== 'string' || typeof name !== 'string') return -1;
    const vmLen = this.m.encodeVm(vmId, QUEUE_NAME_BYTES);
    if (vmLen < 0) return -1;
    const nameLen = encodeUtf8(name, this.m.scratch, vmLen, QUEUE_NAME_BYTES - vmLen);
    if (nameLen < 0) return -1;
    this.vmLen = vmLen;
    return vmLen + nameLen;
  }

  /** The slot registered under the name in scratch, or -1. Caller holds the table lock. */
  private find(hash: number, vmLen: number, length: number): number {
    const i32 = this.m.i32;
    const u8 = this.m.u8;
    const scratch = this.m.scratch;
    for (let slot = 0; slot < this.maxQueues; slot++) {
      const at = this.slotAt(slot);
      if (
        i32[at + Q_TOKEN] === 0 ||
        i32[at + Q_HASH] !== hash ||
        i32[at + Q_VM_LEN] !== vmLen ||
        i32[at + Q_NAME_LEN] !== length - vmLen
      ) {
        continue;
      }
      const base = (at + Q_NAME) * 4;
      let same = true;
      for (let i = 0; i < length && same; i++) same = u8[base + i] === scratch[i];
      if (same) return slot;
    }
    return -1;
  }

  /**
   * Registers (vmId, name) for handle `owner`, or takes over an existing registration (keeping its
   * token and items, as proxy-wasm hosts do). Returns the token, or a negative result code.
   */
  register(vmId: string, name: string, owner: number, hashOf: HashFn): number {
    const length = this.encodeName(vmId, name);
    if (length < 0) return -SharedDataResult.BadArgument;
    const m = this.m;
    const i32 = m.i32;
    const vmLen = this.vmLen;
    const hash = hashOf(m.scratch, length, vmLen);
    if (!acquireLock(i32, G_QUEUE_TABLE_LOCK, m.handle, m.timeoutMs)) {
      return -SharedDataResult.LockTimeout;
    }
    let slot = this.find(hash, vmLen, length);
    let token: number;
    if (slot >= 0) {
      const at = this.slotAt(slot);
      if (!acquireLock(i32, at + Q_LOCK, m.handle, m.timeoutMs)) {
        releaseLock(i32, G_QUEUE_TABLE_LOCK, m.handle);
        return -SharedDataResult.LockTimeout;
      }
      token = i32[at + Q_TOKEN]!;
      Atomics.store(i32, at + Q_OWNER, owner);
      // Wake the previous owner's waiter so it sees it no longer owns the queue; the new owner
      // finds the word set and delivers at once if items are waiting.
      Atomics.store(i32, at + Q_SIGNAL, i32[at + Q_COUNT]! > 0 ? 1 : 0);
      Atomics.notify(i32, at + Q_SIGNAL);
      releaseLock(i32, at + Q_LOCK, m.handle);
    } else {
      for (slot = 0; slot < this.maxQueues; slot++) {
        if (i32[this.slotAt(slot) + Q_TOKEN] === 0) break;
      }
      if (slot === this.maxQueues) {
        releaseLock(i32, G_QUEUE_TABLE_LOCK, m.handle);
        return -SharedDataResult.QueueFull;
      }
      const at = this.slotAt(slot);
      // A producer holding a stale token may be inside the slot: wait for it to leave.
      if (!acquireLock(i32, at + Q_LOCK, m.handle, m.timeoutMs)) {
        releaseLock(i32, G_QUEUE_TABLE_LOCK, m.handle);
        return -SharedDataResult.LockTimeout;
      }
      let generation = (i32[at + Q_GENERATION]! + 1) & GENERATION_MASK;
      if (generation === 0) generation = 1;
      token = (generation << SLOT_BITS) | (slot + 1);
      i32[at + Q_GENERATION] = generation;
      i32[at + Q_HEAD] = 0;
      i32[at + Q_TAIL] = 0;
      i32[at + Q_COUNT] = 0;
      i32[at + Q_DEQUEUED] = 0;
      i32[at + Q_HASH] = hash;
      i32[at + Q_VM_LEN] = vmLen;
      i32[at + Q_NAME_LEN] = length - vmLen;
      copyBytes(m.scratch, 0, m.u8, (at + Q_NAME) * 4, length);
      Atomics.store(i32, at + Q_SIGNAL, 0);
      Atomics.store(i32, at + Q_OWNER, owner);
      Atomics.store(i32, at + Q_TOKEN, token);
      releaseLock(i32, at + Q_LOCK, m.handle);
    }
    releaseLock(i32, G_QUEUE_TABLE_LOCK, m.handle);
    return token;
  }

  /** The token registered under (vmId, name), 0 when none, or a negative result code. */
  resolve(vmId: string, name: string, hashOf: HashFn): number {
    const length = this.encodeName(vmId, name);
    if (length < 0) return -SharedDataResult.BadArgument;
    const m = this.m;
    const i32 = m.i32;
    const hash = hashOf(m.scratch, length, this.vmLen);
    if (!acquireLock(i32, G_QUEUE_TABLE_LOCK, m.handle, m.timeoutMs)) {
      return -SharedDataResult.LockTimeout;
    }
    const slot = this.find(hash, this.vmLen, length);
    const token = slot < 0 ? 0 : i32[this.slotAt(slot) + Q_TOKEN]!;
    releaseLock(i32, G_QUEUE_TABLE_LOCK, m.handle);
    return token;
  }

  /** Frees slot `slot` (table lock and slot lock held) and wakes any waiter so it stops. */
  private clear(at: number): void {
    const i32 = this.m.i32;
    Atomics.store(i32, at + Q_TOKEN, 0);
    Atomics.store(i32, at + Q_OWNER, 0);
    i32[at + Q_HEAD] = 0;
    i32[at + Q_TAIL] = 0;
    i32[at + Q_COUNT] = 0;
    Atomics.store(i32, at + Q_SIGNAL, 1);
    Atomics.notify(i32, at + Q_SIGNAL);
  }

  /** Drops the queue `token` names and its items. */
  unregister(token: number): SharedDataResult {
    const slot = this.slotOf(token);
    if (slot < 0) return SharedDataResult.NotFound;
    const m = this.m;
    const i32 = m.i32;
    if (!acquireLock(i32, G_QUEUE_TABLE_LOCK, m.handle, m.timeoutMs)) {
      return SharedDataResult.LockTimeout;
    }
    const at = this.slotAt(slot);
    let result: SharedDataResult = SharedDataResult.NotFound;
    if (i32[at + Q_TOKEN] === token) {
      if (acquireLock(i32, at + Q_LOCK, m.handle, m.timeoutMs)) {
        this.clear(at);
        releaseLock(i32, at + Q_LOCK, m.handle);
        result = SharedDataResult.Ok;
      } else {
        result = SharedDataResult.LockTimeout;
      }
    }
    releaseLock(i32, G_QUEUE_TABLE_LOCK, m.handle);
    return result;
  }

  /**
   * Drops every queue of the namespace whose bytes are `scratch[0..vmLen)`; returns how many, or
   * -1 when a lock timed out.
   */
  unregisterNamespace(vmLen: number): number {
    const m = this.m;
    const i32 = m.i32;
    const u8 = m.u8;
    const scratch = m.scratch;
    if (!acquireLock(i32, G_QUEUE_TABLE_LOCK, m.handle, m.timeoutMs)) return -1;
    let dropped = 0;
    let timedOut = false;
    for (let slot = 0; slot < this.maxQueues; slot++) {
      const at = this.slotAt(slot);
      if (i32[at + Q_TOKEN] === 0 || i32[at + Q_VM_LEN] !== vmLen) continue;
      const base = (at + Q_NAME) * 4;
      let same = true;
      for (let i = 0; i < vmLen && same; i++) same = u8[base + i] === scratch[i];
      if (!same) continue;
      if (!acquireLock(i32, at + Q_LOCK, m.handle, m.timeoutMs)) {
        timedOut = true;
        continue;
      }
      this.clear(at);
      releaseLock(i32, at + Q_LOCK, m.handle);
      dropped++;
    }
    releaseLock(i32, G_QUEUE_TABLE_LOCK, m.handle);
    return timedOut ? -1 : dropped;
  }

  /** Leaves every queue owned by one of `owners` without an owner (items stay). */
  orphan(owners: ReadonlySet<number>): number {
    const i32 = this.m.i32;
    let orphaned = 0;
    for (let slot = 0; slot < this.maxQueues; slot++) {
      const at = this.slotAt(slot);
      if (Atomics.load(i32, at + Q_TOKEN) !== 0 && owners.has(Atomics.load(i32, at + Q_OWNER))) {
        Atomics.store(i32, at + Q_OWNER, 0);
        Atomics.store(i32, at + Q_SIGNAL, 1);
        Atomics.notify(i32, at + Q_SIGNAL);
        orphaned++;
      }
    }
    return orphaned;
  }

  /** Appends `value[0..length)` to the queue `token` names, then wakes its owner if it is idle. */
  enqueue(token: number, value: Uint8Array, length: number): SharedDataResult {
    const slot = this.slotOf(token);
    if (slot < 0) return SharedDataResult.NotFound;
    const m = this.m;
    const i32 = m.i32;
    const at = this.slotAt(slot);
    const need = 4 + ((length + 3) & ~3);
    if (need > this.capacity) return SharedDataResult.BadArgument;
    if (!acquireLock(i32, at + Q_LOCK, m.handle, m.timeoutMs)) return SharedDataResult.LockTimeout;
    if (i32[at + Q_TOKEN] !== token) {
      releaseLock(i32, at + Q_LOCK, m.handle);
      return SharedDataResult.NotFound;
    }
    const count = i32[at + Q_COUNT]!;
    const head = i32[at + Q_HEAD]!;
    const tail = i32[at + Q_TAIL]!;
    if (count >= this.maxItems || ((tail - head) | 0) + need > this.capacity) {
      releaseLock(i32, at + Q_LOCK, m.handle);
      return SharedDataResult.QueueFull;
    }
    const ring = this.ringsByte + slot * this.capacity;
    const mask = this.mask;
    i32[(ring + (tail & mask)) >> 2] = length;
    const start = (tail + 4) & mask;
    const first = Math.min(length, this.capacity - start);
    copyBytes(value, 0, m.u8, ring + start, first);
    if (first < length) copyBytes(value, first, m.u8, ring, length - first);
    // One store publishes the item: a consumer, or recovery, sees all of it or none of it.
    Atomics.store(i32, at + Q_TAIL, (tail + need) | 0);
    i32[at + Q_COUNT] = count + 1;
    releaseLock(i32, at + Q_LOCK, m.handle);
    if (Atomics.compareExchange(i32, at + Q_SIGNAL, 0, 1) === 0) {
      Atomics.notify(i32, at + Q_SIGNAL);
    }
    return SharedDataResult.Ok;
  }

  /**
   * Takes the oldest item of the queue `token` names. Returns the bytes, or a result code
   * (NotFound, Empty, LockTimeout).
   */
  dequeue(token: number): Uint8Array | SharedDataResult {
    const slot = this.slotOf(token);
    if (slot < 0) return SharedDataResult.NotFound;
    const m = this.m;
    const i32 = m.i32;
    const at = this.slotAt(slot);
    if (!acquireLock(i32, at + Q_LOCK, m.handle, m.timeoutMs)) return SharedDataResult.LockTimeout;
    if (i32[at + Q_TOKEN] !== token) {
      releaseLock(i32, at + Q_LOCK, m.handle);
      return SharedDataResult.NotFound;
    }
    const count = i32[at + Q_COUNT]!;
    if (count === 0) {
      releaseLock(i32, at + Q_LOCK, m.handle);
      return SharedDataResult.Empty;
    }
    const head = i32[at + Q_HEAD]!;
    const ring = this.ringsByte + slot * this.capacity;
    const mask = this.mask;
    const length = i32[(ring + (head & mask)) >> 2]!;
    const out = new Uint8Array(length);
    const start = (head + 4) & mask;
    const first = Math.min(length, this.capacity - start);
    copyBytes(m.u8, ring + start, out, 0, first);
    if (first < length) copyBytes(m.u8, ring, out, first, length - first);
    Atomics.store(i32, at + Q_HEAD, (head + 4 + ((length + 3) & ~3)) | 0);
    i32[at + Q_COUNT] = count - 1;
    i32[at + Q_DEQUEUED] = (i32[at + Q_DEQUEUED]! + 1) | 0;
    releaseLock(i32, at + Q_LOCK, m.handle);
    return out;
  }

  /**
   * Items in the queue `token` names and how many were ever dequeued, or null when the token names
   * no queue (or, with `owner`, a queue that handle does not own). -1 count: lock timed out.
   */
  progress(token: number, owner: number): { count: number; dequeued: number } | null {
    const slot = this.slotOf(token);
    if (slot < 0) return null;
    const m = this.m;
    const i32 = m.i32;
    const at = this.slotAt(slot);
    if (!acquireLock(i32, at + Q_LOCK, m.handle, m.timeoutMs)) return { count: -1, dequeued: 0 };
    let state: { count: number; dequeued: number } | null = null;
    if (i32[at + Q_TOKEN] === token && (owner === 0 || Atomics.load(i32, at + Q_OWNER) === owner)) {
      state = { count: i32[at + Q_COUNT]!, dequeued: i32[at + Q_DEQUEUED]! };
    }
    releaseLock(i32, at + Q_LOCK, m.handle);
    return state;
  }

  /**
   * Rebuilds a slot's item count from its ring (recovery, slot lock held): the records between
   * head and tail are whole, since tail moves only after an item is written.
   */
  repair(slot: number): void {
    const i32 = this.m.i32;
    const at = this.slotAt(slot);
    if (i32[at + Q_TOKEN] === 0) return;
    const ring = this.ringsByte + slot * this.capacity;
    const head = i32[at + Q_HEAD]!;
    const tail = i32[at + Q_TAIL]!;
    let used = (tail - head) | 0;
    let p = head;
    let count = 0;
    while (used > 0) {
      const need = 4 + ((i32[(ring + (p & this.mask)) >> 2]! + 3) & ~3);
      if (need > used || need < 4) break;
      p = (p + need) | 0;
      used -= need;
      count++;
    }
    if (used !== 0) {
      // Not a sequence of whole records: keep the ones that are, drop the rest.
      i32[at + Q_TAIL] = p;
    }
    i32[at + Q_COUNT] = count;
  }

  /** Queues registered now. */
  registered(): number {
    const i32 = this.m.i32;
    let n = 0;
    for (let slot = 0; slot < this.maxQueues; slot++) {
      if (Atomics.load(i32, this.slotAt(slot) + Q_TOKEN) !== 0) n++;
    }
    return n;
  }
}

/** The key hash, passed in so queue names hash the same way keys do. */
export type HashFn = (bytes: Uint8Array, length: number, vmLength: number) => number;
