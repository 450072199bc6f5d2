// The layout of the store's shared memory. Every thread maps the same SharedArrayBuffers; this
// file is the single place that knows which word means what.
import { HISTOGRAM_BIN_COUNT } from './log-linear-bins.ts';
import type { StatsConfig } from './stats-config.ts';

/** Identifies a descriptor of this layout (ASCII `NST1`). */
export const LAYOUT_MAGIC = 0x4e535431;

/** Words of the control region (an Int32Array). */
export const Ctl = {
  Magic: 0,
  /** Slots handed out so far (may pass `maxStats`: the excess are refusals). */
  NextSlot: 1,
  /** Bytes of the name arena handed out so far. */
  NameTop: 2,
  /** Histogram blocks handed out so far. */
  NextHistogram: 3,
  /** Stat creations refused because a region was full. */
  Overflow: 4,
  /** 0 until one thread has logged the first refusal (then 1, so it is logged once). */
  OverflowLogged: 5,
  /** Source of unique negative reservation tokens for the name index. */
  Token: 6,
  /** Threads that could not get a thread index (their histograms record nothing). */
  ThreadOverflow: 7,
  /** 0 until one thread has logged the first thread-index refusal. */
  ThreadOverflowLogged: 8,
  /** Threads that ever held an index (an upper bound for the merge loop). */
  ThreadHighWater: 9,
  /** First of `maxThreads` words: 1 while a thread holds that index, else 0. */
  ThreadState: 16,
} as const;

/** Int32 words per stat slot. */
export const SLOT_WORDS = 8;

/** Word offsets inside a slot. */
export const SlotField = {
  /** {@link SlotState}; set last, so enumeration never sees a half-written slot. */
  State: 0,
  Kind: 1,
  NameOffset: 2,
  NameLength: 3,
  Hash: 4,
  /** Gauge: import mode code. Histogram: block index * 8 + unit code. */
  Aux: 5,
  /** Bumped by every counter reset, so the flusher can tell a reset from a torn read. */
  ResetGen: 6,
} as const;

export const SlotState = { Empty: 0, Published: 1 } as const;

/** Stat kinds as stored in a slot (counters, gauges and histograms have separate namespaces). */
export const StatKind = { Counter: 1, Gauge: 2, Histogram: 3 } as const;
export type StatKind = (typeof StatKind)[keyof typeof StatKind];

/** Histogram block header words (a Uint32Array), before the bins. */
export const HistHeader = {
  /** Values recorded by the owning thread (wraps): lets the merge skip idle blocks. */
  Records: 0,
  /** Exact sum of recorded values: low and high 32 bits. */
  SumLo: 1,
  SumHi: 2,
} as const;
export const HIST_HEADER_WORDS = 4;

/** Uint32 words of one (histogram, thread) block, rounded up to 64 bytes. */
export const HIST_BLOCK_WORDS = Math.ceil((HIST_HEADER_WORDS + HISTOGRAM_BIN_COUNT) / 16) * 16;

/** The capacities fixed when the store is created. */
export interface StatsStoreLimits {
  /** Counters, gauges and histograms together. */
  readonly maxStats: number;
  /** Bytes of UTF-8 for all stat names together. */
  readonly maxNameBytes: number;
  /** Histograms (each costs `maxThreads` blocks of ~4.3 KiB, committed only when written). */
  readonly maxHistograms: number;
  /** Threads (main included) that may record histograms at the same time. */
  readonly maxThreads: number;
}

/**
 * Everything a worker needs to open the store: plain data and SharedArrayBuffers, so it passes
 * through `postMessage` or `workerData` as is.
 */
export interface StatsStoreDescriptor {
  readonly magic: number;
  readonly limits: StatsStoreLimits;
  readonly statsConfig: StatsConfig;
  readonly control: SharedArrayBuffer;
  readonly slots: SharedArrayBuffer;
  readonly index: SharedArrayBuffer;
  readonly names: SharedArrayBuffer;
  readonly values: SharedArrayBuffer;
  readonly used: SharedArrayBuffer;
  readonly histograms: SharedArrayBuffer;
}

/** Buckets of the name index: a power of two at least twice `maxStats` (load at most one half). */
export function indexSize(maxStats: number): number {
  let size = 16;
  while (size < maxStats * 2) size *= 2;
  return size;
}

/** Allocates the shared regions for `limits`. */
export function allocateRegions(
  limits: StatsStoreLimits,
  statsConfig: StatsConfig,
): StatsStoreDescriptor {
  const control = new SharedArrayBuffer((Ctl.ThreadState + limits.maxThreads) * 4);
  new Int32Array(control)[Ctl.Magic] = LAYOUT_MAGIC;
  return {
    magic: LAYOUT_MAGIC,
    limits,
    statsConfig,
    control,
    slots: new SharedArrayBuffer(limits.maxStats * SLOT_WORDS * 4),
    index: new SharedArrayBuffer(indexSize(limits.maxStats) * 4),
    names: new SharedArrayBuffer(limits.maxNameBytes),
    // 8 bytes per slot: two Uint32 words for a counter, one BigInt64 for a gauge.
    values: new SharedArrayBuffer(limits.maxStats * 8),
    used: new SharedArrayBuffer(limits.maxStats),
    histograms: new SharedArrayBuffer(
      limits.maxHistograms * limits.maxThreads * HIST_BLOCK_WORDS * 4,
    ),
  };
}
