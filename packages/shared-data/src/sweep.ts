// Walks everything reachable in the heap: the bucket chains (live entries), the stripes' limbo
// bags and live handles' deferred lists (entries unlinked but maybe still being read), and the
// entries live handles are filling outside a lock. Every other block is free, in the pool, a stripe cache or recovery's
// quarantine, or else leaked by a thread that died between two steps of moving it. Recovery uses
// the sweep to rebuild the free lists; tests and admins use it to check the store is sound.
// Caller holds every stripe lock and the pool lock, so no writer is between two steps.

import { BAGS } from './epoch-math.ts';
import {
  E_CHAIN,
  E_HASH,
  E_LIMBO,
  E_NEXT_BLOCK,
  G_EPOCH,
  G_KEY_COUNT,
  G_POOL_COUNT,
  G_QUARANTINE_COUNT,
  G_QUARANTINE_EPOCH,
  HANDLE_WORDS,
  HD_DEFERRED,
  HD_PENDING,
  HD_STASH_COUNT,
  S_CACHE_COUNT,
  S_LIMBO,
  S_LIMBO_COUNT,
} from './layout.ts';
import type { StoreMemory } from './store-memory.ts';

/** What a sweep found. */
export interface SweepReport {
  /** Entries reachable from the buckets (live keys). */
  readonly entries: number;
  /** Blocks of live entries. */
  readonly liveBlocks: number;
  /** Blocks of entries unlinked and waiting (in limbo or deferred) for readers to move on. */
  readonly retiredBlocks: number;
  /** Blocks of entries open handles are filling outside a lock. */
  readonly pendingBlocks: number;
  /** Blocks in the pool, the stripe caches and open handles' stashes. */
  readonly freeBlocks: number;
  /** Blocks recovery set aside until readers have moved on. */
  readonly quarantinedBlocks: number;
  /** Blocks in none of the above (left by a thread that died), before any rebuild. */
  readonly leakedBlocks: number;
  /** Inconsistencies: a block used twice, free and in use, out of range. Empty when sound. */
  readonly problems: readonly string[];
}

const LIVE = 1;
const RETIRED = 2;
const PENDING = 3;
const FREE = 4;
const QUARANTINED = 5;
const STASHED = 6;

/**
 * Sweeps the heap. `live` are the ids of open handles whose pending entries count as in use.
 * With `rebuild`, the pool is refilled with every free block, leaked blocks join the quarantine
 * (a reader may still hold what a dead writer unlinked), the stripe caches are emptied, and the
 * key and limbo counts are recomputed.
 */
export function sweep(m: StoreMemory, live: readonly number[], rebuild: boolean): SweepReport {
  const i32 = m.i32;
  const { blocks, buckets } = m.layout;
  const marks = new Uint8Array(blocks);
  const counts = new Int32Array(7);
  const problems: string[] = [];

  const markChain = (first: number, mark: number, what: string): void => {
    for (let b = first; b !== 0; b = i32[m.blockAt(b) + E_NEXT_BLOCK]!) {
      if (b < 1 || b >= blocks) {
        problems.push(`${what}: block id ${b} out of range`);
        return;
      }
      if (marks[b] !== 0) {
        problems.push(`${what}: block ${b} is used twice`);
        return;
      }
      marks[b] = mark;
      counts[mark]!++;
    }
  };

  let entries = 0;
  for (let bucket = 0; bucket < buckets; bucket++) {
    for (let e = i32[m.bucketsAt + bucket]!; e !== 0; e = i32[m.blockAt(e) + E_CHAIN]!) {
      if (e < 1 || e >= blocks || marks[e] !== 0) {
        problems.push(`bucket ${bucket}: bad or repeated entry ${e}`);
        break;
      }
      if ((i32[m.blockAt(e) + E_HASH]! & m.bucketMask) !== bucket) {
        problems.push(`bucket ${bucket}: entry ${e} hashes to another bucket`);
      }
      markChain(e, LIVE, `entry ${e}`);
      entries++;
    }
  }

  for (let s = 0; s < m.stripes; s++) {
    let inLimbo = 0;
    for (let bag = 0; bag < BAGS; bag++) {
      for (let e = i32[m.stripeAt(s) + S_LIMBO + bag]!; e !== 0; e = i32[m.blockAt(e) + E_LIMBO]!) {
        if (e < 1 || e >= blocks || marks[e] !== 0) {
          problems.push(`stripe ${s} limbo: bad, repeated or live entry ${e}`);
          break;
        }
        markChain(e, RETIRED, `retired entry ${e}`);
        inLimbo++;
      }
    }
    if (rebuild) i32[m.stripeAt(s) + S_LIMBO_COUNT] = inLimbo;
  }

  for (const id of live) {
    const at = m.handlesAt + (id - 1) * HANDLE_WORDS;
    const pending = i32[at + HD_PENDING]!;
    if (pending !== 0)
      markChain(pending, PENDING, `entry ${pending} being written by handle ${id}`);
    // Entries the handle unlinked and has not yet freed or put in limbo (epoch.ts, retire).
    for (let e = i32[at + HD_DEFERRED]!; e !== 0; e = i32[m.blockAt(e) + E_LIMBO]!) {
      if (e < 1 || e >= blocks || marks[e] !== 0) {
        problems.push(`handle ${id} deferred: bad, repeated or live entry ${e}`);
        break;
      }
      markChain(e, RETIRED, `deferred entry ${e}`);
    }
  }

  const markFree = (b: number, mark: number, where: string): void => {
    if (b < 1 || b >= blocks) problems.push(`${where}: block id ${b} out of range`);
    else if (marks[b] === FREE || marks[b] === QUARANTINED || marks[b] === STASHED) {
      problems.push(`${where}: block ${b} is listed free twice`);
    } else if (marks[b] !== 0) problems.push(`${where}: block ${b} is free and in use`);
    else {
      marks[b] = mark;
      counts[mark]!++;
    }
  };
  // Live handles keep their stashes through a rebuild: marked so, they are not pooled.
  for (const id of live) {
    const stashAt = m.handlesAt + (id - 1) * HANDLE_WORDS + HD_STASH_COUNT;
    const stashed = i32[stashAt]!;
    for (let k = 1; k <= stashed; k++) markFree(i32[stashAt + k]!, STASHED, `handle ${id} stash`);
  }
  const quarantined = i32[G_QUARANTINE_COUNT]!;
  for (let k = 0; k < quarantined; k++) {
    markFree(i32[m.layout.quarantineAt + k]!, QUARANTINED, 'quarantine');
  }
  const pooled = i32[G_POOL_COUNT]!;
  for (let k = 0; k < pooled; k++) markFree(i32[m.poolAt + k]!, FREE, 'pool');
  for (let s = 0; s < m.stripes; s++) {
    const cached = i32[m.stripeAt(s) + S_CACHE_COUNT]!;
    for (let k = 0; k < cached; k++) markFree(i32[m.cacheAt(s) + k]!, FREE, `stripe ${s} cache`);
  }
  let leaked = 0;
  for (let b = 1; b < blocks; b++) if (marks[b] === 0) leaked++;

  if (rebuild) {
    // Quarantined blocks stay; leaked ones join them, all tagged with the current epoch.
    let q = quarantined;
    for (let b = 1; b < blocks; b++) {
      if (marks[b] === 0) i32[m.layout.quarantineAt + q++] = b;
    }
    if (q !== quarantined) i32[G_QUARANTINE_EPOCH] = Atomics.load(i32, G_EPOCH);
    i32[G_QUARANTINE_COUNT] = q;
    // Highest ids first, so allocation hands out low ids (dense, warm pages) first.
    let count = 0;
    for (let b = blocks - 1; b >= 1; b--) if (marks[b] === FREE) i32[m.poolAt + count++] = b;
    i32[G_POOL_COUNT] = count;
    for (let s = 0; s < m.stripes; s++) i32[m.stripeAt(s) + S_CACHE_COUNT] = 0;
    Atomics.store(i32, G_KEY_COUNT, entries);
  }
  return {
    entries,
    liveBlocks: counts[LIVE]!,
    retiredBlocks: counts[RETIRED]!,
    pendingBlocks: counts[PENDING]!,
    freeBlocks: counts[FREE]! + counts[STASHED]!,
    quarantinedBlocks: counts[QUARANTINED]!,
    leakedBlocks: leaked,
    problems,
  };
}
