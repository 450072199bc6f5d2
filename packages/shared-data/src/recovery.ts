// Recovery after a thread exits: the thread may have died holding locks, inside a read session,
// half way through filling an entry, or between two steps of moving free blocks. Recovery marks
// the thread's handles dead, takes every lock (taking over at once those a dead handle holds,
// waiting for live holders to finish), rebuilds the free lists from what is reachable (sweep.ts;
// what the dead thread leaked is quarantined until live readers have moved on), repairs the item
// counts of queues whose lock it took over, leaves the dead thread's queues without an owner,
// clears its read session and handle slots, and releases everything. Readers never see a
// half-written value: a write fills fresh blocks that become reachable through one store, so the
// dead writer's blocks are either linked whole or unreachable.

import { snapshotSessions } from './epoch.ts';
import {
  DEAD_HANDLE,
  G_EPOCH_LOCK,
  G_POOL_LOCK,
  G_QUEUE_TABLE_LOCK,
  HANDLE_WORDS,
  HD_DEFERRED,
  HD_PENDING,
  HD_READ_SEQ,
  HD_STASH_COUNT,
  HD_STATE,
  Q_LOCK,
  S_LOCK,
} from './layout.ts';
import { acquireOrSteal, releaseLock } from './lock.ts';
import type { QueueTable } from './queue-impl.ts';
import { SharedDataResult } from './result.ts';
import type { StoreMemory } from './store-memory.ts';
import { sweep } from './sweep.ts';

/** What {@link SharedDataStore.releaseLocksOf} did. */
export interface SharedDataRecoveryReport {
  /** `Ok`, or `LockTimeout` when a live thread held a lock too long (nothing changed; retry). */
  readonly result: SharedDataResult;
  /** Handle slots of exited threads released (including ones left by an earlier failed run). */
  readonly handles: number;
  /** Locks that exited threads held and recovery took over. */
  readonly locksTakenOver: number;
  /**
   * Blocks that were neither free nor reachable: they go back to the pool once live readers have
   * moved on (two epochs).
   */
  readonly blocksReclaimed: number;
  /** Queues whose owner exited; their items stay until a thread registers the name again. */
  readonly queuesOrphaned: number;
}

/**
 * Recovers the handles of `threadIds` (which must have exited), and any handle an earlier run
 * marked dead but could not finish. `m` is the recovering handle's view.
 */
export function recoverThreads(
  m: StoreMemory,
  queues: QueueTable,
  threadIds: readonly number[],
  timeoutMs: number,
): SharedDataRecoveryReport {
  const i32 = m.i32;
  const layout = m.layout;
  const wanted = new Set(threadIds.map((id) => id + 1));
  const dead = new Set<number>();
  for (let h = 0; h < layout.maxHandles; h++) {
    const at = layout.handlesAt + h * HANDLE_WORDS + HD_STATE;
    const state = Atomics.load(i32, at);
    if (state > 0 && wanted.has(state)) Atomics.compareExchange(i32, at, state, DEAD_HANDLE);
    if (Atomics.load(i32, at) === DEAD_HANDLE) dead.add(h + 1);
  }
  const nothing = {
    result: SharedDataResult.Ok,
    handles: 0,
    locksTakenOver: 0,
    blocksReclaimed: 0,
    queuesOrphaned: 0,
  };
  if (dead.size === 0) return nothing;

  const held: number[] = [];
  const stolenSlots: number[] = [];
  let locksTakenOver = 0;
  const take = (at: number): number => {
    const from = acquireOrSteal(i32, at, m.handle, dead, timeoutMs);
    if (from < 0) return -1;
    held.push(at);
    if (from > 0) locksTakenOver++;
    return from;
  };
  const releaseAll = (): void => {
    for (let k = held.length - 1; k >= 0; k--) releaseLock(i32, held[k]!, m.handle);
  };

  // Same order as the data path (stripes, then pool; table, then slots), so no deadlock with live
  // threads.
  let ok = true;
  for (let s = 0; s < m.stripes && ok; s++) ok = take(m.stripeAt(s) + S_LOCK) >= 0;
  ok = ok && take(G_POOL_LOCK) >= 0;
  const epochLockFrom = ok ? take(G_EPOCH_LOCK) : -1;
  ok = ok && epochLockFrom >= 0;
  ok = ok && take(G_QUEUE_TABLE_LOCK) >= 0;
  for (let slot = 0; slot < queues.maxQueues && ok; slot++) {
    const from = take(queues.slotAt(slot) + Q_LOCK);
    if (from > 0) stolenSlots.push(slot);
    ok = from >= 0;
  }
  if (!ok) {
    releaseAll();
    return { ...nothing, result: SharedDataResult.LockTimeout };
  }

  for (const slot of stolenSlots) queues.repair(slot);
  // A dead advancer may have moved the epoch without recording all counters: record them now
  // (later than any record it made, so only ever more cautious).
  if (epochLockFrom > 0) snapshotSessions(m);
  const queuesOrphaned = queues.orphan(dead);
  const live: number[] = [];
  for (let h = 0; h < layout.maxHandles; h++) {
    if (Atomics.load(i32, layout.handlesAt + h * HANDLE_WORDS + HD_STATE) > 0) live.push(h + 1);
  }
  const report = sweep(m, live, true);
  for (const id of dead) {
    const at = layout.handlesAt + (id - 1) * HANDLE_WORDS;
    // A dead reader's open session would hold the epoch back for ever: close it.
    const seq = Atomics.load(i32, at + HD_READ_SEQ);
    if ((seq & 1) === 1) Atomics.store(i32, at + HD_READ_SEQ, (seq + 1) | 0);
    Atomics.store(i32, at + HD_PENDING, 0);
    // Its deferred entries were not marked by the sweep (not a live handle): quarantined above.
    Atomics.store(i32, at + HD_DEFERRED, 0);
    // Its stash was not marked either: those blocks joined the quarantine too.
    Atomics.store(i32, at + HD_STASH_COUNT, 0);
    Atomics.store(i32, at + HD_STATE, 0);
  }
  releaseAll();
  return {
    result: SharedDataResult.Ok,
    handles: dead.size,
    locksTakenOver,
    blocksReclaimed: report.leakedBlocks,
    queuesOrphaned,
  };
}
