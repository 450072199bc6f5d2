// The store handle: key-value operations over the shared memory, queue operations delegated to
// QueueTable, recovery to recovery.ts. See docs/reference/shared-data.md for the memory model.
//
// Every key hashes to a bucket, and a contiguous range of buckets forms a stripe with its own lock
// and cas counter: writers on different stripes share no lock and no written cache line. Readers
// take no lock at all: they announce a read session in their own handle line (epoch.ts), walk the
// chain with Atomics.load of the links and copy the value, which never changes once linked. A
// writer builds a new entry in fresh blocks, links it with one store and retires the old one to
// its stripe's limbo, freed only when no reader session can still see it. So nothing half-written
// is ever reachable, and readers neither wait for writers nor slow them down. Values above
// COPY_UNDER_LOCK_BYTES are written before the lock is taken, so no lock is held for a big copy.

import { threadId as currentThreadId } from 'node:worker_threads';
import { ALLOC_LOCK_TIMEOUT, allocChain, emptyStash, freeChain } from './block-pool.ts';
import { flushDeferred, reclaimForSpace, retire } from './epoch.ts';
import {
  SharedDataClosedError,
  SharedDataInvalidArgumentError,
  SharedDataInvalidDescriptorError,
  SharedDataRecoverSelfError,
  SharedDataTooManyHandlesError,
} from './errors.ts';
import { claimHandle, handleAt, openHandles, releaseHandle } from './handles.ts';
import { hashKey } from './hash.ts';
import {
  blocksFor,
  computeLayout,
  E_CAS,
  E_CHAIN,
  E_HASH,
  E_KEY_LEN,
  E_LIMBO,
  E_VALUE_LEN,
  E_VM_LEN,
  G_KEY_COUNT,
  G_POOL_COUNT,
  G_POOL_LOCK,
  G_QUEUE_TABLE_LOCK,
  HD_DEFERRED,
  HD_PENDING,
  HD_READ_SEQ,
  keyRegionBytes,
  type Layout,
  MAX_KEY_BYTES,
  MAX_VM_ID_BYTES,
  Q_LOCK,
  readLayout,
  S_CACHE_COUNT,
  S_CAS,
  writeHeader,
} from './layout.ts';
import { acquireLock, releaseLock } from './lock.ts';
import { resolveOptions, type SharedDataStoreOptions } from './options.ts';
import { QueueTable } from './queue-impl.ts';
import { QueueWaker } from './queue-waker.ts';
import { recoverThreads, type SharedDataRecoveryReport } from './recovery.ts';
import { SharedDataResult } from './result.ts';
import type { SharedDataSetOptions } from './set-options.ts';
import type {
  SharedDataDescriptor,
  SharedDataGetResult,
  SharedDataGetStringResult,
  SharedDataStats,
  SharedDataStore,
  WatchableWorker,
} from './shared-data-store.ts';
import type {
  QueueReadyOptions,
  SharedQueueDequeueResult,
  SharedQueueRegistration,
} from './shared-queue.ts';
import { StoreMemory } from './store-memory.ts';
import { type SweepReport, sweep } from './sweep.ts';
import { decodeUtf8, encodeUtf8 } from './utf8.ts';

/**
 * A set of a value up to this size copies it while holding the stripe lock; a larger one fills
 * its entry first and takes the lock only to link it, so a big copy never holds up the stripe.
 */
export const COPY_UNDER_LOCK_BYTES = 8192;

/**
 * A read session ends after this many gets, or at the end of the current task (a microtask),
 * whichever comes first: long enough to spread its two Atomics stores over many reads, short
 * enough that a reader never holds reclamation back for long.
 */
const SESSION_READS = 32;

// Recovery started by watchWorker waits this long for live holders, then retries later (backing
// off up to WATCH_RETRY_MAX_MS), so that a thread seeing several workers exit one after the other
// does not stall on the locks of one whose exit it has not seen yet.
const WATCH_RECOVERY_TIMEOUT_MS = 250;
const WATCH_RETRY_MS = 100;
const WATCH_RETRY_MAX_MS = 5000;
const STATS_LOCK_TIMEOUT_MS = 5;

const encoder = new TextEncoder();

function getFailure(result: SharedDataResult): SharedDataGetResult {
  return Object.freeze({ result, value: undefined, cas: 0 }) as SharedDataGetResult;
}
const GET_NOT_FOUND = getFailure(SharedDataResult.NotFound);
const GET_BAD_ARGUMENT = getFailure(SharedDataResult.BadArgument);

function dequeueFailure(result: SharedDataResult): SharedQueueDequeueResult {
  return Object.freeze({ result, value: undefined }) as SharedQueueDequeueResult;
}
const DEQUEUE_FAILURES = new Map<number, SharedQueueDequeueResult>(
  [
    SharedDataResult.NotFound,
    SharedDataResult.Empty,
    SharedDataResult.LockTimeout,
    SharedDataResult.BadArgument,
  ].map((r) => [r, dequeueFailure(r)]),
);

const LEFTOVER_PENDING = 2;

/** Creates a store and the calling thread's handle on it. */
export function createStore(options?: SharedDataStoreOptions): SharedDataStoreImpl {
  const layout = computeLayout(resolveOptions(options));
  const buffer = new SharedArrayBuffer(layout.totalBytes);
  const i32 = new Int32Array(buffer);
  // Highest ids first: allocation pops from the end, so low ids (dense pages) go out first.
  let count = 0;
  for (let b = layout.blocks - 1; b >= 1; b--) i32[layout.poolAt + count++] = b;
  i32[G_POOL_COUNT] = count;
  writeHeader(i32, layout);
  return new SharedDataStoreImpl(buffer, layout);
}

/** Opens the calling thread's handle on the store a descriptor describes. */
export function openStore(descriptor: SharedDataDescriptor): SharedDataStoreImpl {
  if (typeof descriptor !== 'object' || descriptor === null) {
    throw new SharedDataInvalidDescriptorError(`expected a descriptor object, got ${descriptor}`);
  }
  if (descriptor.kind !== 'nuncio.shared-data') {
    throw new SharedDataInvalidDescriptorError(
      `descriptor.kind must be 'nuncio.shared-data', got ${String(descriptor.kind)}`,
    );
  }
  if (!(descriptor.buffer instanceof SharedArrayBuffer)) {
    throw new SharedDataInvalidDescriptorError('descriptor.buffer must be a SharedArrayBuffer');
  }
  const layout = readLayout(new Int32Array(descriptor.buffer));
  if (typeof layout === 'string') throw new SharedDataInvalidDescriptorError(layout);
  return new SharedDataStoreImpl(descriptor.buffer, layout);
}

function isCas(cas: number): boolean {
  return typeof cas === 'number' && Number.isInteger(cas) && cas >= 0 && cas <= 0xffffffff;
}

/** A handle on a shared-data store (see {@link SharedDataStore}). */
export class SharedDataStoreImpl implements SharedDataStore {
  readonly threadId: number;
  readonly handleId: number;
  readonly m: StoreMemory;
  readonly queues: QueueTable;
  private closed: boolean;
  /** Namespace and key lengths of the call in progress (bytes in m.scratch). */
  private vmLen: number;
  private keyLen: number;
  /** Where string values are encoded; grows to the largest one seen. */
  private valueScratch: Uint8Array;
  private readonly wakers: Map<number, QueueWaker>;
  /** Whether this handle is in a read session, its session counter, and reads made in it. */
  private reading: boolean;
  private readSeq: number;
  private sessionReads: number;
  private sessionEndQueued: boolean;
  private readonly endQueuedSession: () => void;
  /** A pending entry left when a lock timed out; settled at the next write. */
  private leftoverKind: number;
  private leftoverEntry: number;
  private leftoverStripe: number;
  /** Threads seen exiting by watchWorker and not yet recovered. */
  private readonly exited: Set<number>;
  private recoveryScheduled: boolean;
  private recoveryRetryMs: number;
  private readonly runWatchedRecovery: () => void;

  constructor(buffer: SharedArrayBuffer, layout: Layout) {
    this.threadId = currentThreadId;
    this.m = new StoreMemory(buffer, layout, this.threadId);
    const id = claimHandle(this.m.i32, layout, this.threadId);
    if (id === 0) throw new SharedDataTooManyHandlesError(layout.maxHandles);
    this.m.handle = id;
    this.m.handleAt = handleAt(layout, id);
    this.handleId = id;
    this.queues = new QueueTable(this.m);
    this.closed = false;
    this.vmLen = 0;
    this.keyLen = 0;
    this.valueScratch = new Uint8Array(1024);
    this.wakers = new Map();
    this.reading = false;
    // Counters only grow; a slot's counter is even whenever the slot is free.
    this.readSeq = Atomics.load(this.m.i32, this.m.handleAt + HD_READ_SEQ);
    this.sessionReads = 0;
    this.sessionEndQueued = false;
    this.endQueuedSession = () => {
      this.sessionEndQueued = false;
      if (this.reading) this.endReadSession();
    };
    this.leftoverKind = 0;
    this.leftoverEntry = 0;
    this.leftoverStripe = 0;
    this.exited = new Set();
    this.recoveryScheduled = false;
    this.recoveryRetryMs = WATCH_RETRY_MS;
    this.runWatchedRecovery = () => this.recoverWatched();
  }

  descriptor(): SharedDataDescriptor {
    this.checkOpen('descriptor');
    return { kind: 'nuncio.shared-data', buffer: this.m.buffer };
  }

  // ---- keys and values ----------------------------------------------------------------------

  /** Encodes (vmId, key) into m.scratch; returns the byte count or -1 when not valid. */
  private encodeKey(vmId: string, key: string): number {
    if (typeof vmId !== 'string' || typeof key !== 'string') return -1;
    const vmLen = this.m.encodeVm(vmId, MAX_VM_ID_BYTES);
    if (vmLen < 0) return -1;
    const keyLen = encodeUtf8(key, this.m.scratch, vmLen, MAX_KEY_BYTES);
    if (keyLen < 0) return -1;
    this.vmLen = vmLen;
    this.keyLen = keyLen;
    return vmLen + keyLen;
  }

  /** Encodes a string value into valueScratch; returns its length or -1 when too long. */
  private encodeValue(value: string): number {
    if (value.length > this.m.maxValueBytes) return -1;
    const room = value.length * 3;
    if (this.valueScratch.length < room) {
      this.valueScratch = new Uint8Array(Math.max(room, this.valueScratch.length * 2));
    }
    const written = encoder.encodeInto(value, this.valueScratch).written;
    return written > this.m.maxValueBytes ? -1 : written;
  }

  private checkOpen(operation: string): void {
    if (this.closed) throw new SharedDataClosedError(operation);
  }

  get(vmId: string, key: string): SharedDataGetResult {
    if (this.closed) throw new SharedDataClosedError('get');
    const n = this.encodeKey(vmId, key);
    if (n < 0) return GET_BAD_ARGUMENT;
    const m = this.m;
    const i32 = m.i32;
    const hash = hashKey(m.scratch, n, this.vmLen);
    if (!this.reading) this.beginReadSession();
    const e = m.findEntryLockFree(
      m.bucketsAt + (hash & m.bucketMask),
      hash,
      this.vmLen,
      this.keyLen,
    );
    let got = GET_NOT_FOUND;
    if (e !== 0) {
      const at = m.blockAt(e);
      const value = m.copyOut(e, keyRegionBytes(this.vmLen, this.keyLen), i32[at + E_VALUE_LEN]!);
      got = { result: SharedDataResult.Ok, value, cas: i32[at + E_CAS]! >>> 0 };
    }
    if (++this.sessionReads >= SESSION_READS) this.endReadSession();
    return got;
  }

  /** Opens a read session: until it ends, nothing a get of it may reach is freed. */
  private beginReadSession(): void {
    this.readSeq = (this.readSeq + 1) | 0;
    Atomics.store(this.m.i32, this.m.handleAt + HD_READ_SEQ, this.readSeq);
    this.reading = true;
    this.sessionReads = 0;
    if (!this.sessionEndQueued) {
      this.sessionEndQueued = true;
      queueMicrotask(this.endQueuedSession);
    }
  }

  private endReadSession(): void {
    this.readSeq = (this.readSeq + 1) | 0;
    Atomics.store(this.m.i32, this.m.handleAt + HD_READ_SEQ, this.readSeq);
    this.reading = false;
  }

  /**
   * Takes a stripe lock. If it has to wait, it ends this handle's read session first, so that a
   * thread blocked on a lock never holds reclamation back.
   */
  private lockStripe(lockAt: number): boolean {
    const m = this.m;
    if (Atomics.compareExchange(m.i32, lockAt, 0, m.handle) === 0) return true;
    if (this.reading) this.endReadSession();
    return acquireLock(m.i32, lockAt, m.handle, m.timeoutMs);
  }

  /** Frees a pending entry left by a lock timeout, if the lock can be had now. */
  private settleLeftover(): void {
    const m = this.m;
    const lockAt = m.stripeAt(this.leftoverStripe);
    if (!this.lockStripe(lockAt)) return;
    m.i32[m.handleAt + HD_PENDING] = 0;
    freeChain(m, this.leftoverStripe, this.leftoverEntry);
    releaseLock(m.i32, lockAt, m.handle);
    this.leftoverKind = 0;
    this.leftoverEntry = 0;
  }

  getString(vmId: string, key: string): SharedDataGetStringResult {
    const got = this.get(vmId, key);
    if (got.result !== SharedDataResult.Ok) return got;
    return { result: SharedDataResult.Ok, value: decodeUtf8(got.value), cas: got.cas };
  }

  set(
    vmId: string,
    key: string,
    value: Uint8Array | string,
    cas = 0,
    options?: SharedDataSetOptions,
  ): SharedDataResult {
    if (this.closed) throw new SharedDataClosedError('set');
    if (this.leftoverKind !== 0) this.settleLeftover();
    const n = this.encodeKey(vmId, key);
    if (n < 0) return SharedDataResult.BadArgument;
    let bytes: Uint8Array;
    let length: number;
    if (typeof value === 'string') {
      length = this.encodeValue(value);
      bytes = this.valueScratch;
    } else if (value instanceof Uint8Array) {
      bytes = value;
      length = value.length;
    } else {
      return SharedDataResult.BadArgument;
    }
    if (length < 0 || length > this.m.maxValueBytes) return SharedDataResult.BadArgument;
    if (cas !== 0 && !isCas(cas)) return SharedDataResult.BadArgument;
    // Envoy's semantics (see SharedDataSetOptions): a missing key takes the write whatever the cas.
    const onMissing = options?.casOnMissingKey;
    let insertMissing = false;
    if (onMissing === 'insert') insertMissing = true;
    else if (onMissing !== undefined && onMissing !== 'mismatch') {
      return SharedDataResult.BadArgument;
    }
    const m = this.m;
    const i32 = m.i32;
    const hash = hashKey(m.scratch, n, this.vmLen);
    const bucket = hash & m.bucketMask;
    const s = bucket >>> m.stripeShift;
    const region = keyRegionBytes(this.vmLen, this.keyLen);
    const count = blocksFor(region + length, m.blockSize);
    if (length > COPY_UNDER_LOCK_BYTES) {
      return this.setOutsideLock(s, bucket, hash, bytes, length, region, count, cas, insertMissing);
    }
    const lockAt = m.stripeAt(s);
    if (!this.lockStripe(lockAt)) return SharedDataResult.LockTimeout;
    const bucketAt = m.bucketsAt + bucket;
    const old = m.findEntry(bucketAt, hash, this.vmLen, this.keyLen);
    const prev = m.prevEntry;
    const result = this.admit(old, cas, insertMissing);
    if (result !== SharedDataResult.Ok) {
      releaseLock(i32, lockAt, m.handle);
      return result;
    }
    const e = this.allocate(s, count);
    if (e <= 0) {
      if (old === 0) Atomics.sub(i32, G_KEY_COUNT, 1);
      releaseLock(i32, lockAt, m.handle);
      return e === ALLOC_LOCK_TIMEOUT ? SharedDataResult.LockTimeout : SharedDataResult.StoreFull;
    }
    this.fillHeader(e, hash, length);
    m.writeStream(e, region, bytes, 0, length);
    this.publish(s, bucketAt, prev, old, e);
    releaseLock(i32, lockAt, m.handle);
    return SharedDataResult.Ok;
  }

  /**
   * Whether a write may go ahead (stripe locked, `old` the key's entry or 0): checks the cas and,
   * for a new key, reserves a place under maxKeys (given back by the caller if it then fails).
   */
  private admit(old: number, cas: number, insertMissing: boolean): SharedDataResult {
    const m = this.m;
    const i32 = m.i32;
    if (this.casRefuses(old, cas, insertMissing)) return SharedDataResult.CasMismatch;
    if (old === 0 && Atomics.add(i32, G_KEY_COUNT, 1) >= m.layout.maxKeys) {
      Atomics.sub(i32, G_KEY_COUNT, 1);
      return SharedDataResult.StoreFull;
    }
    return SharedDataResult.Ok;
  }

  /** Whether `cas` stops a write to the key whose entry is `old` (0: missing). Stripe locked. */
  private casRefuses(old: number, cas: number, insertMissing: boolean): boolean {
    if (cas === 0) return false;
    if (old === 0) return !insertMissing;
    const m = this.m;
    return m.i32[m.blockAt(old) + E_CAS]! >>> 0 !== cas;
  }

  /** set's path for a large value: fill a private entry outside the lock, then link it. */
  private setOutsideLock(
    s: number,
    bucket: number,
    hash: number,
    bytes: Uint8Array,
    length: number,
    region: number,
    count: number,
    cas: number,
    insertMissing: boolean,
  ): SharedDataResult {
    const m = this.m;
    const i32 = m.i32;
    const lockAt = m.stripeAt(s);
    const bucketAt = m.bucketsAt + bucket;
    if (!this.lockStripe(lockAt)) return SharedDataResult.LockTimeout;
    // Check the cas now too, so a doomed write does not copy a megabyte for nothing.
    let old = m.findEntry(bucketAt, hash, this.vmLen, this.keyLen);
    if (this.casRefuses(old, cas, insertMissing)) {
      releaseLock(i32, lockAt, m.handle);
      return SharedDataResult.CasMismatch;
    }
    const e = this.allocate(s, count);
    if (e <= 0) {
      releaseLock(i32, lockAt, m.handle);
      return e === ALLOC_LOCK_TIMEOUT ? SharedDataResult.LockTimeout : SharedDataResult.StoreFull;
    }
    this.fillHeader(e, hash, length);
    // Recorded so that recovery, which may run while we copy, counts these blocks as in use (and
    // frees them if this thread dies before linking them).
    i32[m.handleAt + HD_PENDING] = e;
    releaseLock(i32, lockAt, m.handle);
    m.writeStream(e, region, bytes, 0, length);
    if (!this.lockStripe(lockAt)) {
      this.leftoverKind = LEFTOVER_PENDING;
      this.leftoverEntry = e;
      this.leftoverStripe = s;
      return SharedDataResult.LockTimeout;
    }
    old = m.findEntry(bucketAt, hash, this.vmLen, this.keyLen);
    const prev = m.prevEntry;
    // Checked again: another thread may have created, replaced or removed the key meanwhile.
    const result = this.admit(old, cas, insertMissing);
    i32[m.handleAt + HD_PENDING] = 0;
    if (result !== SharedDataResult.Ok) freeChain(m, s, e);
    else this.publish(s, bucketAt, prev, old, e);
    releaseLock(i32, lockAt, m.handle);
    return result;
  }

  /**
   * allocChain for stripe `s` (lock held); when the store looks full, first frees what readers
   * are done with (see reclaimForSpace) and tries again.
   */
  private allocate(s: number, count: number): number {
    const e = allocChain(this.m, s, count);
    if (e !== 0 || !reclaimForSpace(this.m, s)) return e;
    return allocChain(this.m, s, count);
  }

  /** Writes a new entry's header and key region (the value is written by the caller). */
  private fillHeader(e: number, hash: number, length: number): void {
    const m = this.m;
    const i32 = m.i32;
    const at = m.blockAt(e);
    // The chain link and cas are set when the entry is published.
    i32[at + E_HASH] = hash;
    i32[at + E_VM_LEN] = this.vmLen;
    i32[at + E_KEY_LEN] = this.keyLen;
    i32[at + E_VALUE_LEN] = length;
    i32[at + E_LIMBO] = 0;
    m.writeScratch(e, this.vmLen + this.keyLen);
  }

  /**
   * Gives the filled entry `e` the stripe's next cas and links it in place of `old` (or at the
   * head of the bucket when `old` is 0) with one store, then retires `old`. Stripe `s` locked.
   */
  private publish(s: number, bucketAt: number, prev: number, old: number, e: number): void {
    const m = this.m;
    const i32 = m.i32;
    const at = m.blockAt(e);
    const casAt = m.stripeAt(s) + S_CAS;
    let cas = (i32[casAt]! + 1) | 0;
    if (cas === 0) cas = 1;
    i32[casAt] = cas;
    i32[at + E_CAS] = cas;
    i32[at + E_CHAIN] = old !== 0 ? i32[m.blockAt(old) + E_CHAIN]! : i32[bucketAt]!;
    // The single store that makes the new entry reachable (an Atomics call, so the compiler
    // cannot sink the writes above below it: a thread killed here leaves all or nothing linked).
    if (prev === 0) Atomics.store(i32, bucketAt, e);
    else Atomics.store(i32, m.blockAt(prev) + E_CHAIN, e);
    // Readers may still be copying `old`: it is freed once their sessions have ended.
    if (old !== 0) retire(m, s, old);
  }

  remove(vmId: string, key: string, cas = 0): SharedDataResult {
    if (this.closed) throw new SharedDataClosedError('remove');
    if (this.leftoverKind !== 0) this.settleLeftover();
    const n = this.encodeKey(vmId, key);
    if (n < 0 || (cas !== 0 && !isCas(cas))) return SharedDataResult.BadArgument;
    const m = this.m;
    const i32 = m.i32;
    const hash = hashKey(m.scratch, n, this.vmLen);
    const bucket = hash & m.bucketMask;
    const s = bucket >>> m.stripeShift;
    const lockAt = m.stripeAt(s);
    if (!this.lockStripe(lockAt)) return SharedDataResult.LockTimeout;
    const bucketAt = m.bucketsAt + bucket;
    const e = m.findEntry(bucketAt, hash, this.vmLen, this.keyLen);
    let result: SharedDataResult = SharedDataResult.Ok;
    if (e === 0) result = SharedDataResult.NotFound;
    else if (cas !== 0 && i32[m.blockAt(e) + E_CAS]! >>> 0 !== cas) {
      result = SharedDataResult.CasMismatch;
    } else {
      this.unlink(s, bucketAt, m.prevEntry, e);
    }
    releaseLock(i32, lockAt, m.handle);
    return result;
  }

  /** Unlinks entry `e` (after `prev`, or first when 0) with one store and retires it. */
  private unlink(s: number, bucketAt: number, prev: number, e: number): void {
    const m = this.m;
    const i32 = m.i32;
    const next = i32[m.blockAt(e) + E_CHAIN]!;
    if (prev === 0) Atomics.store(i32, bucketAt, next);
    else Atomics.store(i32, m.blockAt(prev) + E_CHAIN, next);
    Atomics.sub(i32, G_KEY_COUNT, 1);
    retire(m, s, e);
  }

  /**
   * Calls `visit` for every entry of namespace m.scratch[0..vmLen), stripe by stripe under its
   * lock; `visit` returns true to unlink the entry. Stripes whose lock times out are skipped.
   */
  private scanNamespace(vmLen: number, visit: (e: number) => boolean): void {
    const m = this.m;
    const i32 = m.i32;
    const perStripe = m.layout.buckets / m.stripes;
    for (let s = 0; s < m.stripes; s++) {
      const lockAt = m.stripeAt(s);
      if (!this.lockStripe(lockAt)) continue;
      for (let bucket = s * perStripe; bucket < (s + 1) * perStripe; bucket++) {
        const bucketAt = m.bucketsAt + bucket;
        let prev = 0;
        let e = i32[bucketAt]!;
        while (e !== 0) {
          const at = m.blockAt(e);
          const next = i32[at + E_CHAIN]!;
          if (
            i32[at + E_VM_LEN] === vmLen &&
            m.streamEquals(e, 0, m.scratch, 0, vmLen) &&
            visit(e)
          ) {
            this.unlink(s, bucketAt, prev, e);
          } else {
            prev = e;
          }
          e = next;
        }
      }
      releaseLock(i32, lockAt, m.handle);
    }
  }

  keys(vmId: string): string[] {
    this.checkOpen('keys');
    const m = this.m;
    const vmLen = typeof vmId === 'string' ? m.encodeVm(vmId, MAX_VM_ID_BYTES) : -1;
    if (vmLen < 0) return [];
    const found: string[] = [];
    this.scanNamespace(vmLen, (e) => {
      found.push(decodeUtf8(m.copyOut(e, vmLen, m.i32[m.blockAt(e) + E_KEY_LEN]!)));
      return false;
    });
    return found;
  }

  deleteByVmId(vmId: string): number {
    this.checkOpen('deleteByVmId');
    const m = this.m;
    const vmLen = typeof vmId === 'string' ? m.encodeVm(vmId, MAX_VM_ID_BYTES) : -1;
    if (vmLen < 0) return 0;
    let removed = 0;
    this.scanNamespace(vmLen, () => {
      removed++;
      return true;
    });
    // The queue table compares the namespace bytes still in scratch.
    this.queues.unregisterNamespace(vmLen);
    return removed;
  }

  // ---- queues -------------------------------------------------------------------------------

  registerQueue(vmId: string, name: string, ready?: QueueReadyOptions): SharedQueueRegistration {
    this.checkOpen('registerQueue');
    if (
      ready !== undefined &&
      (typeof ready !== 'object' ||
        ready === null ||
        typeof ready.onReady !== 'function' ||
        (ready.dispatcher !== undefined && typeof ready.dispatcher?.post !== 'function'))
    ) {
      throw new SharedDataInvalidArgumentError(
        'registerQueue',
        'ready must be { onReady(token), dispatcher?: { post(callback) } }',
      );
    }
    const token = this.queues.register(vmId, name, this.m.handle, hashKey);
    if (token < 0) return { result: -token as SharedDataResult, token: 0 };
    this.wakers.get(token)?.cancel();
    this.wakers.delete(token);
    if (ready !== undefined) {
      const slotAt = this.queues.slotAt(this.queues.slotOf(token));
      const waker = new QueueWaker(this.m.i32, slotAt, token, this.m.handle, this.queues, ready);
      this.wakers.set(token, waker);
      waker.arm();
    }
    return { result: SharedDataResult.Ok, token };
  }

  resolveQueue(vmId: string, name: string): number {
    this.checkOpen('resolveQueue');
    const token = this.queues.resolve(vmId, name, hashKey);
    return Math.max(token, 0);
  }

  unregisterQueue(token: number): SharedDataResult {
    this.checkOpen('unregisterQueue');
    this.wakers.get(token)?.cancel();
    this.wakers.delete(token);
    return this.queues.unregister(token);
  }

  enqueue(token: number, value: Uint8Array | string): SharedDataResult {
    if (this.closed) throw new SharedDataClosedError('enqueue');
    if (typeof value === 'string') {
      const length = this.encodeValue(value);
      if (length < 0) return SharedDataResult.BadArgument;
      return this.queues.enqueue(token, this.valueScratch, length);
    }
    if (!(value instanceof Uint8Array)) return SharedDataResult.BadArgument;
    return this.queues.enqueue(token, value, value.length);
  }

  dequeue(token: number): SharedQueueDequeueResult {
    if (this.closed) throw new SharedDataClosedError('dequeue');
    const item = this.queues.dequeue(token);
    if (typeof item === 'number') return DEQUEUE_FAILURES.get(item)!;
    return { result: SharedDataResult.Ok, value: item };
  }

  queueSize(token: number): number {
    this.checkOpen('queueSize');
    const state = this.queues.progress(token, 0);
    return state === null ? -1 : state.count;
  }

  // ---- recovery and admin -------------------------------------------------------------------

  releaseLocksOf(threadId: number | readonly number[]): SharedDataRecoveryReport {
    this.checkOpen('releaseLocksOf');
    return this.recover(threadId, this.m.timeoutMs);
  }

  private recover(threadId: number | readonly number[], timeoutMs: number) {
    const ids = typeof threadId === 'number' ? [threadId] : [...threadId];
    for (const id of ids) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
        throw new SharedDataInvalidArgumentError(
          'releaseLocksOf',
          `thread ids must be non-negative integers, got ${String(id)}`,
        );
      }
      if (id === this.threadId) throw new SharedDataRecoverSelfError(id);
    }
    return recoverThreads(this.m, this.queues, ids, timeoutMs);
  }

  watchWorker(worker: WatchableWorker): void {
    this.checkOpen('watchWorker');
    if (
      typeof worker !== 'object' ||
      worker === null ||
      typeof worker.threadId !== 'number' ||
      worker.threadId < 0 ||
      typeof worker.once !== 'function'
    ) {
      throw new SharedDataInvalidArgumentError('watchWorker', 'expected a running Worker');
    }
    // Read now: a Worker's threadId is -1 once it has exited.
    const threadId = worker.threadId;
    worker.once('exit', () => {
      this.exited.add(threadId);
      if (!this.recoveryScheduled) {
        this.recoveryScheduled = true;
        // One tick later, so workers exiting together are recovered together.
        setImmediate(this.runWatchedRecovery);
      }
    });
  }

  private recoverWatched(): void {
    this.recoveryScheduled = false;
    if (this.closed || this.exited.size === 0) return;
    const ids = [...this.exited];
    const report = this.recover(ids, Math.min(WATCH_RECOVERY_TIMEOUT_MS, this.m.timeoutMs));
    if (report.result === SharedDataResult.Ok) {
      for (const id of ids) this.exited.delete(id);
      this.recoveryRetryMs = WATCH_RETRY_MS;
    } else if (!this.recoveryScheduled) {
      this.recoveryScheduled = true;
      setTimeout(this.runWatchedRecovery, this.recoveryRetryMs).unref();
      this.recoveryRetryMs = Math.min(this.recoveryRetryMs * 2, WATCH_RETRY_MAX_MS);
    }
  }

  stats(): SharedDataStats {
    this.checkOpen('stats');
    const m = this.m;
    const i32 = m.i32;
    // An admin read: a lock that stays held (a dead holder awaiting recovery) is skipped rather
    // than waited out, so the count of free blocks may then be low.
    let free = 0;
    if (acquireLock(i32, G_POOL_LOCK, m.handle, STATS_LOCK_TIMEOUT_MS)) {
      free += i32[G_POOL_COUNT]!;
      releaseLock(i32, G_POOL_LOCK, m.handle);
    }
    for (let s = 0; s < m.stripes; s++) {
      const lockAt = m.stripeAt(s);
      if (!acquireLock(i32, lockAt, m.handle, STATS_LOCK_TIMEOUT_MS)) continue;
      free += i32[lockAt + S_CACHE_COUNT]!;
      releaseLock(i32, lockAt, m.handle);
    }
    const layout = m.layout;
    return {
      keys: Atomics.load(i32, G_KEY_COUNT),
      maxKeys: layout.maxKeys,
      blockSize: layout.blockSize,
      blocks: layout.blocks - 1,
      freeBlocks: free,
      stripes: layout.stripes,
      queues: this.queues.registered(),
      maxQueues: layout.maxQueues,
      handles: openHandles(i32, layout).length,
      maxHandles: layout.maxHandles,
      bytes: layout.totalBytes,
    };
  }

  close(): void {
    if (this.closed) return;
    const m = this.m;
    if (this.reading) this.endReadSession();
    for (const waker of this.wakers.values()) waker.cancel();
    this.wakers.clear();
    if (this.leftoverKind !== 0) this.settleLeftover();
    const deferredLeft = !this.flushDeferredOnClose() || !emptyStash(m);
    if (acquireLock(m.i32, G_QUEUE_TABLE_LOCK, m.handle, m.timeoutMs)) {
      this.queues.orphan(new Set([m.handle]));
      releaseLock(m.i32, G_QUEUE_TABLE_LOCK, m.handle);
    }
    this.closed = true;
    releaseHandle(m.i32, m.layout, m.handle, this.leftoverKind === 0 && !deferredLeft);
  }

  /**
   * Frees (or puts in limbo) the entries this handle retired and deferred, under stripe 0's lock;
   * false when that lock timed out, leaving them for recovery.
   */
  private flushDeferredOnClose(): boolean {
    const m = this.m;
    if (m.i32[m.handleAt + HD_DEFERRED] === 0) return true;
    const lockAt = m.stripeAt(0);
    if (!this.lockStripe(lockAt)) return false;
    flushDeferred(m, 0);
    releaseLock(m.i32, lockAt, m.handle);
    return true;
  }

  // ---- test and admin hooks (not part of the public interface) ------------------------------

  /**
   * Sweeps the heap under every lock and reports what it found: `problems` is empty and
   * `leakedBlocks` 0 for a sound store with no dead thread left unrecovered.
   */
  checkIntegrityForTest(): SweepReport {
    const m = this.m;
    const i32 = m.i32;
    const held: number[] = [];
    for (let s = 0; s < m.stripes; s++) {
      const lockAt = m.stripeAt(s);
      if (acquireLock(i32, lockAt, m.handle, m.timeoutMs)) held.push(lockAt);
    }
    if (acquireLock(i32, G_POOL_LOCK, m.handle, m.timeoutMs)) held.push(G_POOL_LOCK);
    const report =
      held.length === m.stripes + 1
        ? sweep(
            m,
            openHandles(i32, m.layout).map((h) => h.id),
            false,
          )
        : {
            entries: 0,
            liveBlocks: 0,
            retiredBlocks: 0,
            pendingBlocks: 0,
            freeBlocks: 0,
            quarantinedBlocks: 0,
            leakedBlocks: 0,
            problems: ['a lock timed out'],
          };
    for (let k = held.length - 1; k >= 0; k--) releaseLock(i32, held[k]!, m.handle);
    return report;
  }

  /** Takes the stripe lock of (vmId, key) and never gives it back, as a thread dying would. */
  holdStripeLockForTest(vmId: string, key: string): boolean {
    const n = this.encodeKey(vmId, key);
    const hash = hashKey(this.m.scratch, n, this.vmLen);
    const s = (hash & this.m.bucketMask) >>> this.m.stripeShift;
    return acquireLock(this.m.i32, this.m.stripeAt(s), this.m.handle, 1000);
  }

  /** Takes the lock of queue `token` and never gives it back. */
  holdQueueLockForTest(token: number): boolean {
    const slot = this.queues.slotOf(token);
    return acquireLock(this.m.i32, this.queues.slotAt(slot) + Q_LOCK, this.m.handle, 1000);
  }

  /**
   * Starts a read session that nothing will end (no microtask runs while the caller blocks), as
   * a reader that dies in the middle of a get leaves it.
   */
  beginReadSessionForTest(): void {
    if (!this.reading) this.beginReadSession();
    this.sessionReads = Number.NEGATIVE_INFINITY;
  }
}
