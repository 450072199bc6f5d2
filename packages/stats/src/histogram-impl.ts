import type { Histogram, HistogramUnit } from './histogram.ts';
import { binIndex, HISTOGRAM_MAX_VALUE } from './log-linear-bins.ts';
import { HIST_BLOCK_WORDS, HIST_HEADER_WORDS, HistHeader } from './shared-layout.ts';
import type { StatNaming } from './stat-naming.ts';
import type { Tag, TagExtraction } from './tag.ts';

const TWO_32 = 4294967296;

/**
 * One thread's handle on a histogram: it writes only its own block of shared memory (bin counts,
 * a record count, the exact sum), so recording needs no atomic read-modify-write and no message.
 * The main thread merges every thread's block at each flush, taking differences against the
 * counts it saw last time (modulo 2^32, so the counts may wrap).
 */
export class HistogramImpl implements Histogram {
  readonly name: string;
  readonly unit: HistogramUnit;
  private data: Uint32Array;
  private base: number;
  private readonly slot: number;
  private readonly usedFlags: Uint8Array;
  private readonly naming: StatNaming;
  private extraction: TagExtraction | null;

  constructor(
    name: string,
    slot: number,
    unit: HistogramUnit,
    data: Uint32Array,
    base: number,
    usedFlags: Uint8Array,
    naming: StatNaming,
  ) {
    this.name = name;
    this.slot = slot;
    this.unit = unit;
    this.data = data;
    this.base = base;
    this.usedFlags = usedFlags;
    this.naming = naming;
    this.extraction = null;
  }

  recordValue(value: number): void {
    let v = value;
    if (!(v >= 1)) v = 0;
    else if (v > HISTOGRAM_MAX_VALUE) v = HISTOGRAM_MAX_VALUE;
    else v = Math.floor(v);
    const data = this.data;
    const base = this.base;
    // Single writer per block: plain stores (a Uint32 store wraps at 2^32 by itself).
    const bin = base + HIST_HEADER_WORDS + binIndex(v);
    data[bin] = (data[bin] as number) + 1;
    data[base + HistHeader.Records] = (data[base + HistHeader.Records] as number) + 1;
    if (v !== 0) this.addToSum(data, base, v);
    if (this.usedFlags[this.slot] === 0) this.usedFlags[this.slot] = 1;
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

  /** Points this handle at a private scratch block: used when its thread gives its index back. */
  detach(): void {
    this.data = new Uint32Array(HIST_BLOCK_WORDS);
    this.base = 0;
  }

  private addToSum(data: Uint32Array, base: number, v: number): void {
    const lowPart = v % TWO_32;
    const highPart = (v - lowPart) / TWO_32;
    const low = (data[base + HistHeader.SumLo] as number) + lowPart;
    if (low > 0xffffffff) {
      // Rare carry: low word first, then high, both seq-cst, so a reader can see the sum too low
      // for an instant (it keeps its last value then) but never too high.
      Atomics.store(data, base + HistHeader.SumLo, low - TWO_32);
      Atomics.store(
        data,
        base + HistHeader.SumHi,
        (data[base + HistHeader.SumHi] as number) + highPart + 1,
      );
    } else {
      data[base + HistHeader.SumLo] = low;
      if (highPart !== 0) {
        Atomics.store(
          data,
          base + HistHeader.SumHi,
          (data[base + HistHeader.SumHi] as number) + highPart,
        );
      }
    }
  }

  private tagExtraction(): TagExtraction {
    if (this.extraction === null) this.extraction = this.naming.tagExtraction(this.name);
    return this.extraction;
  }
}
