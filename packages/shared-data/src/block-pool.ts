// Free blocks: one global pool (an array of block ids under its own lock); per stripe, a small
// cache of ids guarded by the stripe lock the caller already holds; per handle, a stash of a few
// single blocks that only its own thread touches (under whatever stripe lock it holds, which is
// what orders it against recovery). A replace frees about as many blocks as it takes, so in steady
// state a write of a small value reuses a block of its own thread's stash, still in that core's
// cache, and the pool lock is taken once per batch, not once per write. Lock order: stripe, then
// pool.
//
// Crash safety: a chain is built in blocks nobody can reach until the caller links it, and block
// ids move between cache and pool only under locks. If a thread dies half way, some ids may be
// neither free nor reachable; recovery rebuilds the pool from what is reachable (recovery.ts).

import { epochsBetween } from './epoch-math.ts';
import {
  CACHE_BATCH,
  E_NEXT_BLOCK,
  G_EPOCH,
  G_POOL_COUNT,
  G_POOL_LOCK,
  G_QUARANTINE_COUNT,
  G_QUARANTINE_EPOCH,
  HD_STASH_COUNT,
  S_CACHE_COUNT,
  STASH_MAX,
} from './layout.ts';
import { acquireLock, releaseLock } from './lock.ts';
import type { StoreMemory } from './store-memory.ts';

/** allocChain's result when the pool lock timed out. */
export const ALLOC_LOCK_TIMEOUT = -1;

/**
 * Takes `count` blocks for stripe `s` (whose lock the caller holds) and links them into a chain
 * whose last block's next is 0. Returns the first block, 0 when there are not enough free blocks,
 * or {@link ALLOC_LOCK_TIMEOUT}.
 */
export function allocChain(m: StoreMemory, s: number, count: number): number {
  const i32 = m.i32;
  if (count === 1) {
    const stashAt = m.handleAt + HD_STASH_COUNT;
    const stashed = i32[stashAt]!;
    if (stashed > 0) {
      const b = i32[stashAt + stashed]!;
      i32[stashAt] = stashed - 1;
      i32[m.heapWord + b * m.blockWords + E_NEXT_BLOCK] = 0;
      return b;
    }
  }
  const stripeAt = m.stripeAt(s);
  const cacheAt = m.cacheAt(s);
  let cached = i32[stripeAt + S_CACHE_COUNT]!;
  let fromPool = 0;
  if (cached < count) {
    if (!acquireLock(i32, G_POOL_LOCK, m.handle, m.timeoutMs)) return ALLOC_LOCK_TIMEOUT;
    if (cached + i32[G_POOL_COUNT]! < count) releaseQuarantine(m);
    const pooled = i32[G_POOL_COUNT]!;
    if (cached + pooled < count) {
      releaseLock(i32, G_POOL_LOCK, m.handle);
      return 0;
    }
    if (count <= m.cacheCap) {
      // Refill the cache by at least a batch, so the next writes need no pool lock.
      let take = count - cached;
      if (take < CACHE_BATCH) take = CACHE_BATCH;
      if (take > m.cacheCap - cached) take = m.cacheCap - cached;
      if (take > pooled) take = pooled;
      const from = m.poolAt + pooled - take;
      for (let k = 0; k < take; k++) i32[cacheAt + cached + k] = i32[from + k]!;
      i32[G_POOL_COUNT] = pooled - take;
      releaseLock(i32, G_POOL_LOCK, m.handle);
      cached += take;
    } else {
      // A large entry: take what the cache lacks straight from the pool, under its lock.
      fromPool = count - cached;
    }
  }
  const heapWord = m.heapWord;
  const blockWords = m.blockWords;
  let first = 0;
  let last = 0;
  if (fromPool > 0) {
    let pooled = i32[G_POOL_COUNT]!;
    for (let k = 0; k < fromPool; k++) {
      const b = i32[m.poolAt + --pooled]!;
      if (last === 0) first = b;
      else i32[heapWord + last * blockWords + E_NEXT_BLOCK] = b;
      last = b;
    }
    i32[G_POOL_COUNT] = pooled;
    releaseLock(i32, G_POOL_LOCK, m.handle);
  }
  for (let k = fromPool; k < count; k++) {
    const b = i32[cacheAt + --cached]!;
    if (last === 0) first = b;
    else i32[heapWord + last * blockWords + E_NEXT_BLOCK] = b;
    last = b;
  }
  i32[heapWord + last * blockWords + E_NEXT_BLOCK] = 0;
  i32[stripeAt + S_CACHE_COUNT] = cached;
  return first;
}

/**
 * Gives the chain starting at `first` back: into stripe `s`'s cache (whose lock the caller holds)
 * while it has room, the rest (and half the cache) to the pool. If the pool lock times out the
 * rest stays unreachable until recovery reclaims it: never double-owned.
 */
export function freeChain(m: StoreMemory, s: number, first: number): void {
  const i32 = m.i32;
  const stripeAt = m.stripeAt(s);
  const heapWord = m.heapWord;
  const blockWords = m.blockWords;
  const cap = m.cacheCap;
  let cached = i32[stripeAt + S_CACHE_COUNT]!;
  // A one-block entry (any small value), the common case: into this handle's stash, or the cache.
  if (i32[heapWord + first * blockWords + E_NEXT_BLOCK] === 0) {
    const stashAt = m.handleAt + HD_STASH_COUNT;
    const stashed = i32[stashAt]!;
    if (stashed < STASH_MAX) {
      i32[stashAt + stashed + 1] = first;
      i32[stashAt] = stashed + 1;
      return;
    }
    if (cached < cap - 1) {
      i32[m.cacheAt(s) + cached] = first;
      i32[stripeAt + S_CACHE_COUNT] = cached + 1;
      return;
    }
  }
  const cacheAt = m.cacheAt(s);
  let b = first;
  while (b !== 0 && cached < cap) {
    const next = i32[heapWord + b * blockWords + E_NEXT_BLOCK]!;
    i32[cacheAt + cached++] = b;
    b = next;
  }
  if (b !== 0 || cached === cap) {
    if (acquireLock(i32, G_POOL_LOCK, m.handle, m.timeoutMs)) {
      let pooled = i32[G_POOL_COUNT]!;
      while (b !== 0) {
        const next = i32[heapWord + b * blockWords + E_NEXT_BLOCK]!;
        i32[m.poolAt + pooled++] = b;
        b = next;
      }
      // Leave the cache half full: room for frees and blocks for allocations.
      const keep = cap - CACHE_BATCH;
      for (let k = keep; k < cached; k++) i32[m.poolAt + pooled++] = i32[cacheAt + k]!;
      if (cached > keep) cached = keep;
      i32[G_POOL_COUNT] = pooled;
      releaseLock(i32, G_POOL_LOCK, m.handle);
    }
  }
  i32[stripeAt + S_CACHE_COUNT] = cached;
}

/**
 * Gives handle `m`'s stash back to the pool (under the pool lock), as its handle closes; false
 * when the pool lock timed out (the blocks then wait for recovery).
 */
export function emptyStash(m: StoreMemory): boolean {
  const i32 = m.i32;
  const stashAt = m.handleAt + HD_STASH_COUNT;
  const stashed = i32[stashAt]!;
  if (stashed === 0) return true;
  if (!acquireLock(i32, G_POOL_LOCK, m.handle, m.timeoutMs)) return false;
  let pooled = i32[G_POOL_COUNT]!;
  for (let k = 1; k <= stashed; k++) i32[m.poolAt + pooled++] = i32[stashAt + k]!;
  i32[G_POOL_COUNT] = pooled;
  i32[stashAt] = 0;
  releaseLock(i32, G_POOL_LOCK, m.handle);
  return true;
}

/** Gives the chain starting at `first` straight back to the pool (under the pool lock). */
export function freeChainToPool(m: StoreMemory, first: number): void {
  const i32 = m.i32;
  if (!acquireLock(i32, G_POOL_LOCK, m.handle, m.timeoutMs)) return;
  let pooled = i32[G_POOL_COUNT]!;
  for (let b = first; b !== 0; ) {
    const next = i32[m.heapWord + b * m.blockWords + E_NEXT_BLOCK]!;
    i32[m.poolAt + pooled++] = b;
    b = next;
  }
  i32[G_POOL_COUNT] = pooled;
  releaseLock(i32, G_POOL_LOCK, m.handle);
}

/**
 * Moves blocks quarantined by recovery to the pool once two epochs have passed (pool lock held):
 * recovery cannot know whether a reader still holds what a dead writer left unlinked.
 */
export function releaseQuarantine(m: StoreMemory): void {
  const i32 = m.i32;
  const count = i32[G_QUARANTINE_COUNT]!;
  if (count === 0) return;
  if (epochsBetween(i32[G_QUARANTINE_EPOCH]!, Atomics.load(i32, G_EPOCH)) < 2) return;
  let pooled = i32[G_POOL_COUNT]!;
  for (let k = 0; k < count; k++) i32[m.poolAt + pooled++] = i32[m.layout.quarantineAt + k]!;
  i32[G_POOL_COUNT] = pooled;
  i32[G_QUARANTINE_COUNT] = 0;
}
