// Epoch-based reclamation: how a writer knows when no reader can still be copying an entry it
// unlinked. Readers take no lock. A reader session makes the reader's own counter odd (one
// Atomics.store in the reader's own handle line) and ends by making it even again. A writer that
// unlinks an entry puts it in its stripe's limbo bag for the current epoch E instead of freeing
// it. Advancing the epoch from e to e + 1 requires that every handle whose counter was odd when
// the epoch became e has since moved its counter (left that session); right after storing e + 1,
// the advancer records every counter again. An entry retired in epoch e is freed once the epoch
// reaches e + 2. Readers write nothing shared, so readers on any number of threads, even of one
// hot key, do not slow each other or the writers down. The argument that this is safe is in
// docs/reference/shared-data.md.

import { freeChain, freeChainToPool } from './block-pool.ts';
import { BAG_MASK, BAGS, EPOCH_MASK, epochsBetween } from './epoch-math.ts';
import {
  DEFER_MAX,
  E_LIMBO,
  E_NEXT_BLOCK,
  E_VALUE_LEN,
  G_EPOCH,
  G_EPOCH_LOCK,
  G_HANDLE_HIGH,
  HANDLE_WORDS,
  HD_DEFERRED,
  HD_READ_SEQ,
  HD_STATE,
  S_LIMBO,
  S_LIMBO_COUNT,
  S_LIMBO_EPOCH,
  S_LOCK,
} from './layout.ts';
import type { StoreMemory } from './store-memory.ts';

/** A writer tries to move the epoch on after every this many entries it puts in limbo (power of 2)... */
const ADVANCE_EVERY = 16;
/** ...and after every entry with a value this large, which is worth freeing soon. */
const ADVANCE_FOR_VALUE_BYTES = 8192;
/** Most looks skipped (each a batch of deferred entries, or one large entry) between two made. */
const MAX_QUIET_BACKOFF = 63;

/**
 * Moves the epoch on if every read session that was open when the epoch last moved has ended.
 * Handles of the calling thread count as idle: it is writing, so none of them is inside a get.
 * Never waits: another thread advancing, or a reader still in an old session, makes it return
 * false.
 */
export function tryAdvance(m: StoreMemory): boolean {
  const i32 = m.i32;
  if (Atomics.compareExchange(i32, G_EPOCH_LOCK, 0, m.handle) !== 0) return false;
  const high = Atomics.load(i32, G_HANDLE_HIGH);
  const self = m.threadId + 1;
  let ok = true;
  for (let h = 0; h < high; h++) {
    const at = m.handlesAt + h * HANDLE_WORDS;
    const seen = i32[m.snapshotsAt + h]!;
    if (
      (seen & 1) === 1 &&
      Atomics.load(i32, at + HD_READ_SEQ) === seen &&
      Atomics.load(i32, at + HD_STATE) !== self
    ) {
      ok = false;
      break;
    }
  }
  if (ok) {
    Atomics.store(i32, G_EPOCH, (Atomics.load(i32, G_EPOCH) + 1) & EPOCH_MASK);
    // Recorded after the new epoch is visible: a session still open now may hold anything
    // retired so far, and the next advance waits for it.
    snapshotSessions(m);
  }
  Atomics.store(i32, G_EPOCH_LOCK, 0);
  return ok;
}

/**
 * Records every handle's session counter (advance lock held). The handle count is read here,
 * after the epoch moved: a handle claimed later only opens sessions later, which cannot reach
 * anything retired so far.
 */
export function snapshotSessions(m: StoreMemory): void {
  const i32 = m.i32;
  const high = Atomics.load(i32, G_HANDLE_HIGH);
  const at = m.handlesAt + HD_READ_SEQ;
  const snapshotsAt = m.snapshotsAt;
  // Into the advancers' own region: readers' slots are only read here, never written.
  for (let h = 0; h < high; h++) {
    i32[snapshotsAt + h] = Atomics.load(i32, at + h * HANDLE_WORDS);
  }
}

/**
 * Frees bag `bag` of stripe `s` (lock held), into the stripe's cache or, with `toPool`, straight
 * to the pool. The bag is unhooked first, so a thread dying half way only leaks. Returns how many
 * entries it freed.
 */
function freeBag(m: StoreMemory, s: number, bag: number, toPool: boolean): number {
  const i32 = m.i32;
  const at = m.stripeAt(s);
  let e = i32[at + S_LIMBO + bag]!;
  i32[at + S_LIMBO + bag] = 0;
  let freed = 0;
  while (e !== 0) {
    const next = i32[m.blockAt(e) + E_LIMBO]!;
    if (toPool) freeChainToPool(m, e);
    else freeChain(m, s, e);
    freed++;
    e = next;
  }
  i32[at + S_LIMBO_COUNT] = i32[at + S_LIMBO_COUNT]! - freed;
  return freed;
}

/** Frees the bags of stripe `s` (lock held) that are two or more epochs old; returns entries freed. */
export function freeOldBags(m: StoreMemory, s: number, epoch: number, toPool: boolean): number {
  const i32 = m.i32;
  const at = m.stripeAt(s);
  let freed = 0;
  for (let bag = 0; bag < BAGS; bag++) {
    if (
      i32[at + S_LIMBO + bag] !== 0 &&
      epochsBetween(i32[at + S_LIMBO_EPOCH + bag]!, epoch) >= 2
    ) {
      freed += freeBag(m, s, bag, toPool);
    }
  }
  return freed;
}

/**
 * Whether no other thread is in a read session now. Called after an unlink: a session that could
 * have reached the unlinked entry began before the unlink, so if every other thread's counter is
 * even now, each such session has ended (its closing store is what this load reads, which orders
 * all its reads before whatever follows here).
 */
function noOtherReader(m: StoreMemory): boolean {
  const i32 = m.i32;
  const high = Atomics.load(i32, G_HANDLE_HIGH);
  const self = m.threadId + 1;
  const own = m.handle - 1;
  for (let h = 0; h < high; h++) {
    if (h === own) continue;
    const at = m.handlesAt + h * HANDLE_WORDS;
    if (
      (Atomics.load(i32, at + HD_READ_SEQ) & 1) !== 0 &&
      Atomics.load(i32, at + HD_STATE) !== self
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Retires entry `e`, just unlinked from stripe `s` (lock held). Looking whether another thread is
 * reading costs an `Atomics.load` per handle, and putting an entry in limbo one of the epoch: a
 * large share of a small write. So a one-block entry only joins this handle's deferred list, and
 * every DEFER_MAX entries one look decides for all of them (see flushDeferred): freed at once if
 * no other thread is reading (the blocks go straight back into use, still in cache), otherwise
 * into the stripe's bag for the current epoch, read once. An entry of several blocks (a larger
 * value, worth freeing soon) is decided on its own, at once.
 */
export function retire(m: StoreMemory, s: number, e: number): void {
  const i32 = m.i32;
  if (i32[m.blockAt(e) + E_NEXT_BLOCK] !== 0) {
    retireNow(m, s, e);
    return;
  }
  i32[m.blockAt(e) + E_LIMBO] = i32[m.handleAt + HD_DEFERRED]!;
  i32[m.handleAt + HD_DEFERRED] = e;
  if (++m.deferredCount >= DEFER_MAX) flushDeferred(m, s);
}

/** {@link retire} of a multi-block entry (kept out of retire so that retire inlines). */
function retireNow(m: StoreMemory, s: number, e: number): void {
  if (lookForQuiet(m)) {
    freeChain(m, s, e);
    return;
  }
  const i32 = m.i32;
  i32[m.blockAt(e) + E_LIMBO] = 0;
  putInLimbo(m, s, e, e, 1, i32[m.blockAt(e) + E_VALUE_LEN]! > ADVANCE_FOR_VALUE_BYTES);
}

/**
 * Frees this handle's deferred entries, or puts them in stripe `s`'s limbo (lock held) if another
 * thread may be reading; returns how many it freed. The look, and the read of the epoch, come
 * after every deferred entry's unlink (earlier in this thread's program order), so the arguments
 * for a single entry hold for each of them. Blocks are interchangeable, so entries of other
 * stripes may go to this stripe's cache or bag.
 */
export function flushDeferred(m: StoreMemory, s: number): number {
  const i32 = m.i32;
  const first = i32[m.handleAt + HD_DEFERRED]!;
  if (first === 0) return 0;
  // Unhooked first: a thread dying half way only leaks, and recovery reclaims what it leaks.
  i32[m.handleAt + HD_DEFERRED] = 0;
  const count = m.deferredCount;
  m.deferredCount = 0;
  if (lookForQuiet(m)) {
    for (let e = first; e !== 0; ) {
      const next = i32[m.blockAt(e) + E_LIMBO]!;
      freeChain(m, s, e);
      e = next;
    }
    return count;
  }
  let last = first;
  for (
    let next = i32[m.blockAt(last) + E_LIMBO]!;
    next !== 0;
    next = i32[m.blockAt(last) + E_LIMBO]!
  ) {
    last = next;
  }
  putInLimbo(m, s, first, last, count, false);
  return 0;
}

/**
 * Whether no other thread is in a read session now (see noOtherReader), when it is time to look:
 * after a look that finds a reader, the next ones come less and less often (up to one in
 * MAX_QUIET_BACKOFF + 1), since while other threads keep reading, looking costs more than it saves.
 */
function lookForQuiet(m: StoreMemory): boolean {
  if (m.quietCheckSkip !== 0) {
    m.quietCheckSkip--;
    return false;
  }
  if (noOtherReader(m)) {
    m.quietCheckBackoff = 0;
    return true;
  }
  m.quietCheckBackoff =
    m.quietCheckBackoff < MAX_QUIET_BACKOFF ? m.quietCheckBackoff * 2 + 1 : MAX_QUIET_BACKOFF;
  m.quietCheckSkip = m.quietCheckBackoff;
  return false;
}

/**
 * Puts the unlinked entries `first`..`last` (chained through E_LIMBO, `count` of them) into stripe
 * `s`'s bag for the current epoch (lock held), frees the bags readers can no longer be in, and now
 * and then (or with `advanceNow`) tries to move the epoch on.
 */
function putInLimbo(
  m: StoreMemory,
  s: number,
  first: number,
  last: number,
  count: number,
  advanceNow: boolean,
): void {
  const i32 = m.i32;
  const at = m.stripeAt(s);
  // Read after the unlinks (Atomics.store), so any reader that can still reach one of them
  // announced this epoch or an earlier one.
  const epoch = Atomics.load(i32, G_EPOCH);
  const bag = epoch & BAG_MASK;
  // A bag holding another epoch's entries holds epoch - 4 or older: free to go.
  if (i32[at + S_LIMBO + bag] !== 0 && i32[at + S_LIMBO_EPOCH + bag] !== epoch) {
    freeBag(m, s, bag, false);
  }
  i32[at + S_LIMBO_EPOCH + bag] = epoch;
  i32[m.blockAt(last) + E_LIMBO] = i32[at + S_LIMBO + bag]!;
  i32[at + S_LIMBO + bag] = first;
  i32[at + S_LIMBO_COUNT] = i32[at + S_LIMBO_COUNT]! + count;
  // The bags two and three epochs back are free to go.
  for (let back = 2; back <= 3; back++) {
    const old = (epoch - back) & BAG_MASK;
    if (
      i32[at + S_LIMBO + old] !== 0 &&
      epochsBetween(i32[at + S_LIMBO_EPOCH + old]!, epoch) >= 2
    ) {
      freeBag(m, s, old, false);
    }
  }
  const before = m.retired;
  m.retired = (before + count) | 0;
  // Every ADVANCE_EVERY entries retired to limbo.
  const due = (m.retired ^ before) >>> 0 >= ADVANCE_EVERY;
  if ((due || advanceNow) && tryAdvance(m)) {
    freeOldBags(m, s, Atomics.load(i32, G_EPOCH), false);
  }
}

/**
 * When an allocation in stripe `s` (lock held) found no room: moves the epoch on as far as the
 * readers allow and frees every bag that is old enough, in this stripe (to its cache) and, without
 * waiting for their locks, in the others (to the pool, where this stripe can take from). Returns
 * true if it freed anything.
 */
export function reclaimForSpace(m: StoreMemory, s: number): boolean {
  const i32 = m.i32;
  let freed = flushDeferred(m, s);
  // Two advances make everything retired up to now old enough, if no reader holds them back.
  tryAdvance(m);
  tryAdvance(m);
  const epoch = Atomics.load(i32, G_EPOCH);
  freed += freeOldBags(m, s, epoch, false);
  for (let other = 0; other < m.stripes; other++) {
    if (other === s) continue;
    const lockAt = m.stripeAt(other) + S_LOCK;
    if (Atomics.compareExchange(i32, lockAt, 0, m.handle) !== 0) continue;
    freed += freeOldBags(m, other, epoch, true);
    if (Atomics.compareExchange(i32, lockAt, m.handle, 0) !== m.handle) {
      Atomics.store(i32, lockAt, 0);
      Atomics.notify(i32, lockAt, 1);
    }
  }
  return freed > 0;
}
