import type { Gauge, GaugeImportMode } from './gauge.ts';
import type { StatNaming } from './stat-naming.ts';
import type { Tag, TagExtraction } from './tag.ts';

/** A finite number as a BigInt for BigInt64Array atomics (fractions truncated). */
function toBigInt(value: number): bigint {
  return BigInt(Number.isInteger(value) ? value : Math.trunc(value));
}

/**
 * A gauge in shared memory: one BigInt64 cell, so add, subtract and set are each a single atomic
 * operation on all 64 bits and a read is never torn.
 */
export class GaugeImpl implements Gauge {
  readonly name: string;
  readonly importMode: GaugeImportMode;
  private readonly cells: BigInt64Array;
  private readonly slot: number;
  private readonly usedFlags: Uint8Array;
  private readonly naming: StatNaming;
  private extraction: TagExtraction | null;

  constructor(
    name: string,
    slot: number,
    importMode: GaugeImportMode,
    cells: BigInt64Array,
    usedFlags: Uint8Array,
    naming: StatNaming,
  ) {
    this.name = name;
    this.slot = slot;
    this.importMode = importMode;
    this.cells = cells;
    this.usedFlags = usedFlags;
    this.naming = naming;
    this.extraction = null;
  }

  inc(): void {
    Atomics.add(this.cells, this.slot, 1n);
    this.markUsed();
  }

  dec(): void {
    Atomics.sub(this.cells, this.slot, 1n);
    this.markUsed();
  }

  add(amount: number): void {
    if (!Number.isFinite(amount)) return;
    Atomics.add(this.cells, this.slot, toBigInt(amount));
    this.markUsed();
  }

  sub(amount: number): void {
    if (!Number.isFinite(amount)) return;
    Atomics.sub(this.cells, this.slot, toBigInt(amount));
    this.markUsed();
  }

  set(value: number): void {
    if (!Number.isFinite(value)) return;
    Atomics.store(this.cells, this.slot, toBigInt(value));
    this.markUsed();
  }

  value(): number {
    return Number(Atomics.load(this.cells, this.slot));
  }

  used(): boolean {
    return this.usedFlags[this.slot] === 1;
  }

  tagExtractedName(): string {
    return this.tagExtraction().tagExtractedName;
  }

  tags(): readonly Tag[] {
    return this.tagExtraction().tags;
  }

  private markUsed(): void {
    // Read before write: once set, the flag's cache line is only read, never written again.
    if (this.usedFlags[this.slot] === 0) this.usedFlags[this.slot] = 1;
  }

  private tagExtraction(): TagExtraction {
    if (this.extraction === null) this.extraction = this.naming.tagExtraction(this.name);
    return this.extraction;
  }
}
