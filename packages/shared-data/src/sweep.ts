// Walks everything reachable in the heap: the bucket chains (live entries) plus what open handles
// are holding outside a lock (an entry pinned to copy a large value out, an entry being filled for
// a large set). Every other block is free. Used by recovery to rebuild the free pool after a thread
// died part way through moving blocks, and by the integrity check that tests and admins run.
// Caller holds every stripe lock and the pool lock, so no writer is between steps.

import {
  E_CHAIN,
  E_HASH,
  E_NEXT_BLOCK,
  E_PINS,
  E_RETIRED,
  G_KEY_COUNT,
  G_POOL_COUNT,
  HD_PENDING,
  HD_PINNED,
  LINE_WORDS,
  S_CACHE_COUNT,
} from './layout.ts';
import type { StoreMemory } from './store-memory.ts';

/** What a sweep found. */
export interface SweepReport {
  /** Entries reachable from the buckets (live keys). */
  readonly entries: number;
  /** Blocks of live entries and of entries open handles hold. */
  readonly reachableBlocks: number;
  /** Blocks in the pool and the stripe caches. */
  readonly freeBlocks: number;
  /** Blocks neither reachable nor free (left by a thread that died), before any rebuild. */
  readonly leakedBlocks: number;
  /** Inconsistencies found: a block used twice, free and reachable, out of range. Empty if sound. */
  readonly problems: readonly string[];
}

const REACHABLE = 1;
const FREE = 2;

/**
 * Sweeps the heap. `live` are the ids of open handles whose pinned and pending entries count as
 * reachable. With `rebuild`, the pool is refilled with every block that is not reachable, the
 * stripe caches are emptied, pin counts and the key count are recomputed.
 */
export function sweep(m: StoreMemory, live: readonly number[], rebuild: boolean): SweepReport {
  const i32 = m.i32;
  const { blocks, buckets } = m.layout;
  const marks = new Uint8Array(blocks);
  const problems: string[] = [];
  let reachable = 0;

  const markChain = (first: number, what: string): void => {
    let b = first;
    while (b !== 0) {
      if (b < 1 || b >= blocks) {
        problems.push(`${what}: block id ${b} out of range`);
        return;
      }
      if (marks[b] !== 0) {
        problems.push(`${what}: block ${b} is used twice`);
        return;
      }
      marks[b] = REACHABLE;
      reachable++;
      b = i32[m.blockAt(b) + E_NEXT_BLOCK]!;
    }
  };

  let entries = 0;
  for (let bucket = 0; bucket < buckets; bucket++) {
    let e = i32[m.bucketsAt + bucket]!;
    while (e !== 0) {
      if (e < 1 || e >= blocks || marks[e] !== 0) {
        problems.push(`bucket ${bucket}: bad or repeated entry ${e}`);
        break;
      }
      const at = m.blockAt(e);
      if ((i32[at + E_HASH]! & m.bucketMask) !== bucket) {
        problems.push(`bucket ${bucket}: entry ${e} hashes to another bucket`);
      }
      if (rebuild) i32[at + E_PINS] = 0;
      else if ((i32[at + E_PINS]! & E_RETIRED) !== 0) {
        problems.push(`bucket ${bucket}: entry ${e} is linked but marked retired`);
      }
      markChain(e, `entry ${e}`);
      entries++;
      e = i32[at + E_CHAIN]!;
    }
  }

  for (const id of live) {
    const at = m.handlesAt + (id - 1) * LINE_WORDS;
    const pinned = i32[at + HD_PINNED]!;
    if (pinned !== 0) {
      if (marks[pinned] === 0) {
        // Unlinked while pinned: kept until its last reader unpins it.
        markChain(pinned, `entry ${pinned} pinned by handle ${id}`);
        if (rebuild) i32[m.blockAt(pinned) + E_PINS] = E_RETIRED;
      }
      if (rebuild) i32[m.blockAt(pinned) + E_PINS] = i32[m.blockAt(pinned) + E_PINS]! + 1;
    }
    const pending = i32[at + HD_PENDING]!;
    if (pending !== 0) markChain(pending, `entry ${pending} being written by handle ${id}`);
  }

  let free = 0;
  const markFree = (b: number, where: string): void => {
    if (b < 1 || b >= blocks) problems.push(`${where}: block id ${b} out of range`);
    else if (marks[b] === REACHABLE) problems.push(`${where}: block ${b} is free and in use`);
    else if (marks[b] === FREE) problems.push(`${where}: block ${b} is free twice`);
    else {
      marks[b] = FREE;
      free++;
    }
  };
  const pooled = i32[G_POOL_COUNT]!;
  for (let k = 0; k < pooled; k++) markFree(i32[m.poolAt + k]!, 'pool');
  for (let s = 0; s < m.stripes; s++) {
    const cached = i32[m.stripeAt(s) + S_CACHE_COUNT]!;
    for (let k = 0; k < cached; k++) markFree(i32[m.cacheAt(s) + k]!, `stripe ${s} cache`);
  }
  const leaked = blocks - 1 - reachable - free;

  if (rebuild) {
    // Highest ids first, so allocation hands out low ids (dense, warm pages) first.
    let count = 0;
    for (let b = blocks - 1; b >= 1; b--) {
      if (marks[b] !== REACHABLE) i32[m.poolAt + count++] = b;
    }
    i32[G_POOL_COUNT] = count;
    for (let s = 0; s < m.stripes; s++) i32[m.stripeAt(s) + S_CACHE_COUNT] = 0;
    Atomics.store(i32, G_KEY_COUNT, entries);
  }
  return { entries, reachableBlocks: reachable, freeBlocks: free, leakedBlocks: leaked, problems };
}
