import type { Counter } from './counter.ts';
import { SLOT_WORDS, SlotField } from './shared-layout.ts';
import { addPair, readPair } from './shared-pair.ts';
import type { StatNaming } from './stat-naming.ts';
import type { Tag, TagExtraction } from './tag.ts';

/**
 * A counter in shared memory: a (low, high) pair of Uint32 words. An increment is one
 * `Atomics.add` on the low word (plus a carry into the high word once every 2^32), so every
 * thread's increments land in the same cells and the main thread reads them with no message.
 */
export class CounterImpl implements Counter {
  readonly name: string;
  private readonly cells: Uint32Array;
  private readonly low: number;
  private readonly slot: number;
  private readonly usedFlags: Uint8Array;
  private readonly slots: Int32Array;
  private readonly naming: StatNaming;
  private extraction: TagExtraction | null;

  constructor(
    name: string,
    slot: number,
    cells: Uint32Array,
    usedFlags: Uint8Array,
    slots: Int32Array,
    naming: StatNaming,
  ) {
    this.name = name;
    this.slot = slot;
    this.cells = cells;
    this.low = slot * 2;
    this.usedFlags = usedFlags;
    this.slots = slots;
    this.naming = naming;
    this.extraction = null;
  }

  inc(): void {
    // The hot path: one atomic add; the carry branch runs once every 2^32 increments.
    if (Atomics.add(this.cells, this.low, 1) === 0xffffffff)
      Atomics.add(this.cells, this.low + 1, 1);
  }

  add(amount: number): void {
    if (!(amount >= 1)) return;
    if (amount <= 0xffffffff) {
      const n = amount >>> 0;
      if (Atomics.add(this.cells, this.low, n) + n > 0xffffffff) {
        Atomics.add(this.cells, this.low + 1, 1);
      }
      return;
    }
    addPair(this.cells, this.low, Math.trunc(amount));
  }

  value(): number {
    return readPair(this.cells, this.low);
  }

  reset(): void {
    // Zero first, then bump the generation: a reader that sees the new generation sees zero.
    Atomics.store(this.cells, this.low, 0);
    Atomics.store(this.cells, this.low + 1, 0);
    this.usedFlags[this.slot] = 1;
    Atomics.add(this.slots, this.slot * SLOT_WORDS + SlotField.ResetGen, 1);
  }

  used(): boolean {
    return this.usedFlags[this.slot] === 1 || this.value() > 0;
  }

  tagExtractedName(): string {
    return this.tagExtraction().tagExtractedName;
  }

  tags(): readonly Tag[] {
    return this.tagExtraction().tags;
  }

  private tagExtraction(): TagExtraction {
    if (this.extraction === null) this.extraction = this.naming.tagExtraction(this.name);
    return this.extraction;
  }
}
