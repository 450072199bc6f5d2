// The handle table: one slot per open handle, holding the thread it belongs to. A handle's id is
// what it writes into lock words, so after a thread exits, recovery can find every lock, read
// session and half-built entry it left behind by id.

import { DEAD_HANDLE, G_HANDLE_HIGH, HANDLE_WORDS, HD_STATE, type Layout } from './layout.ts';

/**
 * Claims a free handle slot for `threadId`; returns its id (1..maxHandles) or 0 when all are
 * taken. A free slot's pending word, deferred list and stash are empty and its read-session
 * counter even: close and recovery leave them so.
 */
export function claimHandle(i32: Int32Array, layout: Layout, threadId: number): number {
  for (let h = 0; h < layout.maxHandles; h++) {
    const at = layout.handlesAt + h * HANDLE_WORDS;
    if (Atomics.compareExchange(i32, at + HD_STATE, 0, threadId + 1) === 0) {
      // Epoch advances scan handles up to the highest id ever claimed.
      for (;;) {
        const high = Atomics.load(i32, G_HANDLE_HIGH);
        if (high > h || Atomics.compareExchange(i32, G_HANDLE_HIGH, high, h + 1) === high) break;
      }
      return h + 1;
    }
  }
  return 0;
}

/** Word index of handle `id`'s line. */
export function handleAt(layout: Layout, id: number): number {
  return layout.handlesAt + (id - 1) * HANDLE_WORDS;
}

/**
 * Frees handle `id`'s slot. One still holding a pending entry (a lock timed out while it
 * tried to let go) is marked dead instead, for the next recovery to clean up.
 */
export function releaseHandle(i32: Int32Array, layout: Layout, id: number, clean: boolean): void {
  Atomics.store(i32, handleAt(layout, id) + HD_STATE, clean ? 0 : DEAD_HANDLE);
}

/** Ids of the handles open now, with the thread each belongs to. */
export function openHandles(i32: Int32Array, layout: Layout): { id: number; threadId: number }[] {
  const open: { id: number; threadId: number }[] = [];
  for (let h = 0; h < layout.maxHandles; h++) {
    const state = Atomics.load(i32, layout.handlesAt + h * HANDLE_WORDS + HD_STATE);
    if (state > 0) open.push({ id: h + 1, threadId: state - 1 });
  }
  return open;
}
