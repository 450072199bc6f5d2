// The shared name table: maps (kind, name) to a slot, from any thread, synchronously.
//
// Design (also in the README): an open-addressing hash index of Int32 buckets in shared memory.
// A bucket is 0 (empty), a negative reservation token (being filled), or slot + 1 (published).
// To create a stat a thread claims the first empty bucket of its probe sequence with a
// compare-and-swap from 0 to its token, allocates a slot and name bytes with atomic adds, writes
// them with plain stores, and publishes with a compare-and-swap from its token to slot + 1. The
// seq-cst publish orders the plain stores before it, so a reader that sees slot + 1 sees the whole
// name: no name is ever torn. A reader meeting a token waits on that bucket (Atomics.wait, bounded)
// until it is published, so the same name on two threads always ends in one slot. A thread that
// died holding a reservation cannot block others for ever: after a timeout the waiter takes the
// bucket back, and the late owner's publish then fails and it retries.
import { TextDecoder, TextEncoder } from 'node:util';
import {
  Ctl,
  HIST_BLOCK_WORDS,
  indexSize,
  SLOT_WORDS,
  SlotField,
  SlotState,
  StatKind,
  type StatsStoreDescriptor,
  type StatsStoreLimits,
} from './shared-layout.ts';

/** How long a reader waits for another thread's reservation before taking the bucket back. */
const RESERVATION_TIMEOUT_MS = 2000;

/** Returned by {@link StatTable.findOrCreate} when a region is full. */
export const NO_SLOT = -1;

export class StatTable {
  readonly limits: StatsStoreLimits;
  readonly control: Int32Array;
  readonly slots: Int32Array;
  private readonly index: Int32Array;
  private readonly names: Uint8Array;
  private readonly mask: number;
  private readonly encoder: TextEncoder;
  private readonly decoder: TextDecoder;
  private scratch: Uint8Array;
  /** Which region ran out on the last refusal (for the one log line). */
  lastRefusal: string;

  constructor(descriptor: StatsStoreDescriptor) {
    this.limits = descriptor.limits;
    this.control = new Int32Array(descriptor.control);
    this.slots = new Int32Array(descriptor.slots);
    this.index = new Int32Array(descriptor.index);
    this.names = new Uint8Array(descriptor.names);
    this.mask = indexSize(descriptor.limits.maxStats) - 1;
    this.encoder = new TextEncoder();
    this.decoder = new TextDecoder();
    this.scratch = new Uint8Array(256);
    this.lastRefusal = '';
  }

  /**
   * The slot of the stat `kind`/`name`, created if it does not exist yet, or {@link NO_SLOT} when
   * the slots, the name bytes or the histogram blocks have run out. `aux` is stored on creation
   * (for histograms the block index is added to it here). Never throws.
   */
  findOrCreate(kind: StatKind, name: string, aux: number): number {
    const length = this.encode(name);
    const bytes = this.scratch;
    const hash = fnv1a(kind, bytes, length);
    const index = this.index;
    const slots = this.slots;
    let bucket = hash & this.mask;
    let probes = 0;
    for (;;) {
      const entry = Atomics.load(index, bucket);
      if (entry > 0) {
        const slot = entry - 1;
        const base = slot * SLOT_WORDS;
        if (
          slots[base + SlotField.Hash] === hash &&
          slots[base + SlotField.Kind] === kind &&
          slots[base + SlotField.NameLength] === length &&
          this.sameName(slots[base + SlotField.NameOffset] as number, length)
        ) {
          return slot;
        }
        bucket = (bucket + 1) & this.mask;
        if (++probes > this.mask) return this.refuse('name index');
        continue;
      }
      if (entry < 0) {
        this.awaitReservation(bucket, entry);
        continue;
      }
      const token = -1 - (Atomics.add(this.control, Ctl.Token, 1) & 0x3fffffff);
      if (Atomics.compareExchange(index, bucket, 0, token) !== 0) continue;
      const slot = this.allocate(kind, length, hash, aux);
      if (slot === NO_SLOT) {
        Atomics.store(index, bucket, 0);
        Atomics.notify(index, bucket);
        return NO_SLOT;
      }
      if (Atomics.compareExchange(index, bucket, token, slot + 1) !== token) {
        // We stalled past the timeout and a waiter took the bucket back: the slot stays
        // unpublished (invisible) and we look the name up again.
        continue;
      }
      Atomics.store(slots, slot * SLOT_WORDS + SlotField.State, SlotState.Published);
      Atomics.notify(index, bucket);
      return slot;
    }
  }

  /** Slots that may be in use (some of them may not be published yet). */
  slotCount(): number {
    return Math.min(Atomics.load(this.control, Ctl.NextSlot), this.limits.maxStats);
  }

  isPublished(slot: number): boolean {
    return Atomics.load(this.slots, slot * SLOT_WORDS + SlotField.State) === SlotState.Published;
  }

  kind(slot: number): StatKind {
    return this.slots[slot * SLOT_WORDS + SlotField.Kind] as StatKind;
  }

  aux(slot: number): number {
    return this.slots[slot * SLOT_WORDS + SlotField.Aux] as number;
  }

  /** The stat's name, decoded from the shared arena. */
  name(slot: number): string {
    const base = slot * SLOT_WORDS;
    const offset = this.slots[base + SlotField.NameOffset] as number;
    const length = this.slots[base + SlotField.NameLength] as number;
    // TextDecoder refuses shared memory: decode a private copy.
    return this.decoder.decode(this.names.slice(offset, offset + length));
  }

  /** Counts one refused creation; returns true for the first refusal of the store's life. */
  countRefusal(): boolean {
    Atomics.add(this.control, Ctl.Overflow, 1);
    return Atomics.compareExchange(this.control, Ctl.OverflowLogged, 0, 1) === 0;
  }

  private refuse(region: string): number {
    this.lastRefusal = region;
    return NO_SLOT;
  }

  private allocate(kind: StatKind, length: number, hash: number, aux: number): number {
    const control = this.control;
    let offset: number;
    for (;;) {
      offset = Atomics.load(control, Ctl.NameTop);
      if (offset + length > this.limits.maxNameBytes)
        return this.refuse('name bytes (maxNameBytes)');
      if (Atomics.compareExchange(control, Ctl.NameTop, offset, offset + length) === offset) break;
    }
    let slotAux = aux;
    if (kind === StatKind.Histogram) {
      const block = Atomics.add(control, Ctl.NextHistogram, 1);
      if (block >= this.limits.maxHistograms) return this.refuse('histograms (maxHistograms)');
      slotAux = block * 8 + aux;
    }
    const slot = Atomics.add(control, Ctl.NextSlot, 1);
    if (slot >= this.limits.maxStats) return this.refuse('stat slots (maxStats)');
    this.names.set(this.scratch.subarray(0, length), offset);
    const base = slot * SLOT_WORDS;
    const slots = this.slots;
    slots[base + SlotField.Kind] = kind;
    slots[base + SlotField.NameOffset] = offset;
    slots[base + SlotField.NameLength] = length;
    slots[base + SlotField.Hash] = hash;
    slots[base + SlotField.Aux] = slotAux;
    return slot;
  }

  private sameName(offset: number, length: number): boolean {
    const names = this.names;
    const bytes = this.scratch;
    for (let i = 0; i < length; i++) if (names[offset + i] !== bytes[i]) return false;
    return true;
  }

  private awaitReservation(bucket: number, token: number): void {
    const deadline = Date.now() + RESERVATION_TIMEOUT_MS;
    while (Atomics.load(this.index, bucket) === token) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        // The owner is gone (a terminated worker) or stalled: take the bucket back.
        if (Atomics.compareExchange(this.index, bucket, token, 0) === token) {
          Atomics.notify(this.index, bucket);
        }
        return;
      }
      Atomics.wait(this.index, bucket, token, Math.min(remaining, 20));
    }
  }

  /** UTF-8 of `name` into the scratch buffer; returns its length. */
  private encode(name: string): number {
    if (this.scratch.length < name.length * 3) this.scratch = new Uint8Array(name.length * 3);
    return this.encoder.encodeInto(name, this.scratch).written;
  }
}

/** 32-bit FNV-1a over the kind and the name bytes. */
function fnv1a(kind: number, bytes: Uint8Array, length: number): number {
  let hash = Math.imul(0x811c9dc5 ^ kind, 0x01000193);
  for (let i = 0; i < length; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash | 0;
}

/** Uint32 word where block `block` of thread `thread` starts in the histogram region. */
export function histogramBlockBase(block: number, thread: number, maxThreads: number): number {
  return (block * maxThreads + thread) * HIST_BLOCK_WORDS;
}
