import { describe, expect, it } from 'vitest';
import {
  computeLayout,
  G_EPOCH,
  G_EPOCH_LOCK,
  G_HANDLE_HIGH,
  G_KEY_COUNT,
  G_POOL_LOCK,
  G_QUEUE_TABLE_LOCK,
  HANDLE_WORDS,
  PAD_WORDS,
  STRIPE_WORDS,
} from '../src/layout.ts';
import { resolveOptions } from '../src/options.ts';

// Words that different threads write often must not share a 128-byte slot (an adjacent pair of
// 64-byte lines): these tests pin the layout so a later change cannot put them back together.
const slotOf = (word: number) => Math.floor(word / PAD_WORDS);

describe('layout', () => {
  it('keeps the hot global words in slots of their own, apart from the header', () => {
    const slots = [G_KEY_COUNT, G_QUEUE_TABLE_LOCK, G_POOL_LOCK, G_EPOCH, G_EPOCH_LOCK].map(slotOf);
    expect(new Set([0, ...slots]).size).toBe(slots.length + 1);
    // The handle count is read by every look for other readers; the epoch lock is written by every
    // advance attempt: they must not share a slot.
    expect(slotOf(G_HANDLE_HIGH)).not.toBe(slotOf(G_EPOCH_LOCK));
  });

  for (const stripes of [1, 64, 4096]) {
    it(`gives each of ${stripes} stripes and every handle a 128-byte slot, regions slot-aligned`, () => {
      const layout = computeLayout(resolveOptions({ stripes, maxKeys: 1024, maxHandles: 16 }));
      expect(STRIPE_WORDS % PAD_WORDS).toBe(0);
      expect(HANDLE_WORDS % PAD_WORDS).toBe(0);
      for (const at of [
        layout.stripesAt,
        layout.cachesAt,
        layout.handlesAt,
        layout.snapshotsAt,
        layout.poolAt,
        layout.quarantineAt,
        layout.bucketsAt,
        layout.queuesAt,
      ]) {
        expect(at % PAD_WORDS).toBe(0);
      }
      expect(layout.heapByte % (PAD_WORDS * 4)).toBe(0);
      // The fixed slots end before the stripes, the stripes before the caches, the handles before
      // the advancer's record of their counters.
      expect(layout.stripesAt).toBeGreaterThan(G_EPOCH_LOCK);
      expect(layout.cachesAt).toBe(layout.stripesAt + stripes * STRIPE_WORDS);
      expect(layout.snapshotsAt).toBe(layout.handlesAt + 16 * HANDLE_WORDS);
      expect(layout.poolAt).toBeGreaterThanOrEqual(layout.snapshotsAt + 16);
    });
  }
});
