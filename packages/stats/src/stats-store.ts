import { availableParallelism } from 'node:os';
import type { Counter } from './counter.ts';
import { CounterImpl } from './counter-impl.ts';
import { invalidDescriptorError, invalidOptionError, notMainThreadError } from './errors.ts';
import { type Gauge, GaugeImportMode } from './gauge.ts';
import { GaugeImpl } from './gauge-impl.ts';
import { type Histogram, HistogramUnit } from './histogram.ts';
import { HistogramImpl } from './histogram-impl.ts';
import { HistogramMerger } from './histogram-merger.ts';
import type {
  CounterSnapshot,
  CounterValue,
  GaugeValue,
  HistogramValue,
  MetricSnapshot,
} from './metric-snapshot.ts';
import { NullCounter, NullGauge, NullHistogram } from './null-stats.ts';
import type { Scope } from './scope.ts';
import { ScopeImpl } from './scope-impl.ts';
import {
  allocateRegions,
  Ctl,
  HIST_BLOCK_WORDS,
  indexSize,
  LAYOUT_MAGIC,
  SLOT_WORDS,
  SlotField,
  StatKind,
  type StatsStoreDescriptor,
  type StatsStoreLimits,
} from './shared-layout.ts';
import { readPair } from './shared-pair.ts';
import { sanitizeStatsName } from './stat-name.ts';
import type { StatNaming } from './stat-naming.ts';
import { histogramBlockBase, NO_SLOT, StatTable } from './stat-table.ts';
import type { StatsConfig } from './stats-config.ts';
import { StatsMatcher } from './stats-matcher.ts';
import type { TagExtraction } from './tag.ts';
import { TagProducer } from './tag-producer.ts';

/** Where the store reports its one-time warnings (a full store, too many threads). */
export interface StatsLogger {
  warn(message: string): void;
}

/** Options of {@link StatsStore.create}: the fixed capacities, the stats config and a logger. */
export interface StatsStoreOptions extends Partial<StatsStoreLimits> {
  /** The bootstrap's `stats_config` (tag specifiers, default tags, stats matcher). */
  readonly statsConfig?: StatsConfig;
  /** Defaults to `console.warn`. */
  readonly logger?: StatsLogger;
}

/** Options of {@link StatsStore.open}. */
export interface StatsStoreOpenOptions {
  /** Defaults to `console.warn`. */
  readonly logger?: StatsLogger;
}

const DEFAULT_LOGGER: StatsLogger = {
  warn: (message) => console.warn(`[@nuncio/stats] ${message}`),
};

// Histogram units and gauge import modes are stored in a slot as small codes.
const UNIT_CODES: readonly HistogramUnit[] = [
  HistogramUnit.Unspecified,
  HistogramUnit.Bytes,
  HistogramUnit.Microseconds,
  HistogramUnit.Milliseconds,
  HistogramUnit.Percent,
];
const IMPORT_MODE_CODES: readonly GaugeImportMode[] = [
  GaugeImportMode.Accumulate,
  GaugeImportMode.NeverImport,
];

/**
 * The stats store (Envoy's `ThreadLocalStoreImpl`, rebuilt on shared memory). The main thread
 * creates it with {@link StatsStore.create}; each worker opens the same memory with
 * {@link StatsStore.open} and the descriptor, and gets its own store object (its own cache of stat
 * objects, its own thread index for histograms) over the shared counters, gauges and names.
 *
 * The store is also the root {@link Scope}. Reading every stat (`counters()`, `gauges()`,
 * `histograms()`) and flushing (`mergeHistograms()`, `createMetricSnapshot()`) are for the main
 * thread; creating and updating stats works on every thread and never throws.
 */
export class StatsStore implements Scope {
  /** Pass this to workers (`workerData` or `postMessage`) for {@link StatsStore.open}. */
  readonly descriptor: StatsStoreDescriptor;
  /** True for the store `create` returned (the main thread's). */
  readonly isMain: boolean;
  readonly prefix = '';
  private readonly table: StatTable;
  private readonly matcher: StatsMatcher;
  private readonly logger: StatsLogger;
  private readonly counterCells: Uint32Array;
  private readonly gaugeCells: BigInt64Array;
  private readonly usedFlags: Uint8Array;
  private readonly histogramData: Uint32Array;
  private readonly counterCache: Map<string, Counter>;
  private readonly gaugeCache: Map<string, Gauge>;
  private readonly histogramCache: Map<string, Histogram>;
  private readonly liveHistograms: HistogramImpl[];
  private readonly nullCounter: NullCounter;
  private readonly nullGauge: NullGauge;
  private readonly nullHistogram: NullHistogram;
  private readonly tagCache: Map<string, TagExtraction>;
  private readonly naming: StatNaming;
  private readonly slotNames: (string | undefined)[];
  private tagProducer: TagProducer | null;
  private thread: number;
  // Main-thread read state: the last counter value seen per slot (reads are kept monotonic) and
  // the reset generation it belonged to; the same for the flush deltas.
  private readonly lastRead: Float64Array;
  private readonly lastReadGen: Int32Array;
  private readonly flushBase: Float64Array;
  private readonly flushGen: Int32Array;
  private readonly merger: HistogramMerger | null;

  private constructor(descriptor: StatsStoreDescriptor, isMain: boolean, logger: StatsLogger) {
    this.descriptor = descriptor;
    this.isMain = isMain;
    this.logger = logger;
    this.table = new StatTable(descriptor);
    this.matcher = new StatsMatcher(descriptor.statsConfig.statsMatcher);
    this.counterCells = new Uint32Array(descriptor.values);
    this.gaugeCells = new BigInt64Array(descriptor.values);
    this.usedFlags = new Uint8Array(descriptor.used);
    this.histogramData = new Uint32Array(descriptor.histograms);
    this.counterCache = new Map();
    this.gaugeCache = new Map();
    this.histogramCache = new Map();
    this.liveHistograms = [];
    this.nullCounter = new NullCounter();
    this.nullGauge = new NullGauge();
    this.nullHistogram = new NullHistogram();
    this.tagCache = new Map();
    this.naming = { tagExtraction: (name) => this.tagExtraction(name) };
    this.slotNames = [];
    this.tagProducer = null;
    this.thread = -1;
    const maxStats = descriptor.limits.maxStats;
    this.lastRead = new Float64Array(maxStats);
    this.lastReadGen = new Int32Array(maxStats);
    this.flushBase = new Float64Array(maxStats);
    this.flushGen = new Int32Array(maxStats);
    this.merger = isMain
      ? new HistogramMerger(this.histogramData, this.table.control, descriptor.limits.maxThreads)
      : null;
  }

  /**
   * Creates the store and its shared memory on the main thread, which takes thread index 0.
   * Throws when an option or the stats config is malformed.
   */
  static create(options: StatsStoreOptions = {}): StatsStore {
    const limits: StatsStoreLimits = {
      maxStats: positiveInteger('maxStats', options.maxStats ?? 16384, 1 << 24),
      maxNameBytes: positiveInteger('maxNameBytes', options.maxNameBytes ?? 1 << 20, 2 ** 31 - 1),
      maxHistograms: positiveInteger('maxHistograms', options.maxHistograms ?? 512, 1 << 24),
      maxThreads: positiveInteger(
        'maxThreads',
        options.maxThreads ?? Math.max(8, availableParallelism() + 2),
        4096,
      ),
    };
    if (limits.maxHistograms * limits.maxThreads * HIST_BLOCK_WORDS * 4 > 2 ** 32) {
      throw invalidOptionError(
        'maxHistograms * maxThreads',
        'histogram memory would pass 4 GiB; lower one of them',
      );
    }
    const statsConfig = options.statsConfig ?? {};
    // Validate the config here, where a mistake can still be reported; workers trust it.
    new StatsMatcher(statsConfig.statsMatcher);
    new TagProducer(statsConfig);
    const store = new StatsStore(
      allocateRegions(limits, structuredClone(statsConfig)),
      true,
      options.logger ?? DEFAULT_LOGGER,
    );
    store.claimThread(0);
    return store;
  }

  /**
   * Opens, on a worker, the store whose {@link StatsStore.descriptor} it was given, and claims a
   * free thread index for the worker's histograms. When all `maxThreads` indexes are taken, the
   * worker's histograms record nothing (logged once); counters and gauges still work.
   */
  static open(descriptor: StatsStoreDescriptor, options: StatsStoreOpenOptions = {}): StatsStore {
    validateDescriptor(descriptor);
    const store = new StatsStore(descriptor, false, options.logger ?? DEFAULT_LOGGER);
    store.claimFreeThread();
    return store;
  }

  /** This thread's index for histogram recording, or -1 when it has none. */
  get threadIndex(): number {
    return this.thread;
  }

  // --- Scope (the root scope: names are full names) ------------------------------------------

  /** A scope whose names start with `name` (trailing dot optional). */
  scopeFromStatName(name: string): Scope {
    return new ScopeImpl(this, sanitizeStatsName(name));
  }

  /** Same as {@link StatsStore.scopeFromStatName}. */
  createScope(name: string): Scope {
    return this.scopeFromStatName(name);
  }

  /** The counter with the full name `name`, created on first use (on any thread). */
  counterFromString(name: string): Counter {
    const cached = this.counterCache.get(name);
    if (cached !== undefined) return cached;
    let counter: Counter = this.nullCounter;
    if (!this.matcher.rejects(name)) {
      const slot = this.table.findOrCreate(StatKind.Counter, name, 0);
      if (slot === NO_SLOT) this.refused(name);
      else {
        counter = new CounterImpl(
          name,
          slot,
          this.counterCells,
          this.usedFlags,
          this.table.slots,
          this.naming,
        );
      }
    }
    this.counterCache.set(name, counter);
    return counter;
  }

  /** The gauge with the full name `name`; `importMode` applies only if this call creates it. */
  gaugeFromString(name: string, importMode?: GaugeImportMode): Gauge {
    const cached = this.gaugeCache.get(name);
    if (cached !== undefined) return cached;
    let gauge: Gauge = this.nullGauge;
    if (!this.matcher.rejects(name)) {
      const code = Math.max(0, IMPORT_MODE_CODES.indexOf(importMode ?? GaugeImportMode.Accumulate));
      const slot = this.table.findOrCreate(StatKind.Gauge, name, code);
      if (slot === NO_SLOT) this.refused(name);
      else {
        // The first creator's import mode holds, whatever this call asked for.
        const mode = IMPORT_MODE_CODES[this.table.aux(slot)] ?? GaugeImportMode.Accumulate;
        gauge = new GaugeImpl(name, slot, mode, this.gaugeCells, this.usedFlags, this.naming);
      }
    }
    this.gaugeCache.set(name, gauge);
    return gauge;
  }

  /** The histogram with the full name `name`; `unit` applies only if this call creates it. */
  histogramFromString(name: string, unit?: HistogramUnit): Histogram {
    const cached = this.histogramCache.get(name);
    if (cached !== undefined) return cached;
    let histogram: Histogram = this.nullHistogram;
    if (!this.matcher.rejects(name)) {
      const code = Math.max(0, UNIT_CODES.indexOf(unit ?? HistogramUnit.Unspecified));
      const slot = this.table.findOrCreate(StatKind.Histogram, name, code);
      if (slot === NO_SLOT) this.refused(name);
      else if (this.thread >= 0) {
        const aux = this.table.aux(slot);
        const impl = new HistogramImpl(
          name,
          slot,
          UNIT_CODES[aux & 7] ?? HistogramUnit.Unspecified,
          this.histogramData,
          histogramBlockBase(aux >> 3, this.thread, this.descriptor.limits.maxThreads),
          this.usedFlags,
          this.naming,
        );
        this.liveHistograms.push(impl);
        histogram = impl;
      }
    }
    this.histogramCache.set(name, histogram);
    return histogram;
  }

  /** The tag extraction of `name`, cached per store. */
  private tagExtraction(name: string): TagExtraction {
    let extraction = this.tagCache.get(name);
    if (extraction === undefined) {
      if (this.tagProducer === null)
        this.tagProducer = new TagProducer(this.descriptor.statsConfig);
      extraction = this.tagProducer.produceTags(name);
      this.tagCache.set(name, extraction);
    }
    return extraction;
  }

  // --- Reading (admin) ------------------------------------------------------------------------

  /** Stat creations refused because the store was full, summed over all threads. */
  overflowCount(): number {
    return Atomics.load(this.table.control, Ctl.Overflow);
  }

  /** Every counter with its current total, in creation order. Works on any thread. */
  counters(): CounterValue[] {
    const out: CounterValue[] = [];
    const count = this.table.slotCount();
    for (let slot = 0; slot < count; slot++) {
      if (!this.table.isPublished(slot) || this.table.kind(slot) !== StatKind.Counter) continue;
      const value = this.readCounter(slot);
      const name = this.slotName(slot);
      const extraction = this.tagExtraction(name);
      out.push({
        name,
        tagExtractedName: extraction.tagExtractedName,
        tags: extraction.tags,
        used: this.usedFlags[slot] === 1 || value > 0,
        value,
      });
    }
    return out;
  }

  /** Every gauge with its current value, in creation order. Works on any thread. */
  gauges(): GaugeValue[] {
    const out: GaugeValue[] = [];
    const count = this.table.slotCount();
    for (let slot = 0; slot < count; slot++) {
      if (!this.table.isPublished(slot) || this.table.kind(slot) !== StatKind.Gauge) continue;
      const name = this.slotName(slot);
      const extraction = this.tagExtraction(name);
      out.push({
        name,
        tagExtractedName: extraction.tagExtractedName,
        tags: extraction.tags,
        used: this.usedFlags[slot] === 1,
        value: Number(Atomics.load(this.gaugeCells, slot)),
        importMode: IMPORT_MODE_CODES[this.table.aux(slot)] ?? GaugeImportMode.Accumulate,
      });
    }
    return out;
  }

  /**
   * Every histogram with its figures as of the last {@link StatsStore.mergeHistograms} (the
   * flusher merges at each flush interval, as Envoy does). Main thread only.
   */
  histograms(): HistogramValue[] {
    const merger = this.requireMain('histograms()');
    const out: HistogramValue[] = [];
    const count = this.table.slotCount();
    for (let slot = 0; slot < count; slot++) {
      if (!this.table.isPublished(slot) || this.table.kind(slot) !== StatKind.Histogram) continue;
      const aux = this.table.aux(slot);
      const unit = UNIT_CODES[aux & 7] ?? HistogramUnit.Unspecified;
      const merged = merger.merged(aux >> 3, unit);
      const name = this.slotName(slot);
      const extraction = this.tagExtraction(name);
      out.push({
        name,
        tagExtractedName: extraction.tagExtractedName,
        tags: extraction.tags,
        used: merged.cumulative.sampleCount > 0,
        unit,
        interval: merged.interval,
        cumulative: merged.cumulative,
        intervalBins: merged.intervalBins,
      });
    }
    return out;
  }

  /**
   * Merges what every thread recorded since the previous merge into each histogram's interval
   * and cumulative figures, reading the threads' shared blocks (no message). Main thread only.
   */
  mergeHistograms(): void {
    const merger = this.requireMain('mergeHistograms()');
    const count = this.table.slotCount();
    for (let slot = 0; slot < count; slot++) {
      if (!this.table.isPublished(slot) || this.table.kind(slot) !== StatKind.Histogram) continue;
      const aux = this.table.aux(slot);
      merger.merge(aux >> 3, UNIT_CODES[aux & 7] ?? HistogramUnit.Unspecified);
    }
  }

  /**
   * The snapshot a flush hands to sinks: counters with their increase since the previous call
   * (Envoy's `latch()`), gauges, and histograms as of the last merge. Call it from one place
   * only (the {@link StatsFlusher}), since each call moves the counters' baselines. Main thread only.
   */
  createMetricSnapshot(): MetricSnapshot {
    this.requireMain('createMetricSnapshot()');
    const counters: CounterSnapshot[] = [];
    const count = this.table.slotCount();
    const slots = this.table.slots;
    for (let slot = 0; slot < count; slot++) {
      if (!this.table.isPublished(slot) || this.table.kind(slot) !== StatKind.Counter) continue;
      const gen = Atomics.load(slots, slot * SLOT_WORDS + SlotField.ResetGen);
      const value = this.readCounter(slot);
      let delta: number;
      if (gen !== this.flushGen[slot]) {
        // Reset since the last flush: everything counted since is new.
        this.flushGen[slot] = gen;
        delta = value;
        this.flushBase[slot] = value;
      } else if (value >= (this.flushBase[slot] as number)) {
        delta = value - (this.flushBase[slot] as number);
        this.flushBase[slot] = value;
      } else {
        delta = 0;
      }
      const name = this.slotName(slot);
      const extraction = this.tagExtraction(name);
      counters.push({
        name,
        tagExtractedName: extraction.tagExtractedName,
        tags: extraction.tags,
        used: this.usedFlags[slot] === 1 || value > 0,
        value,
        delta,
      });
    }
    return {
      counters,
      gauges: this.gauges(),
      histograms: this.histograms(),
      snapshotTime: Date.now(),
    };
  }

  /** Sets every counter back to zero (the admin's `/reset_counters`). */
  resetCounters(): void {
    const count = this.table.slotCount();
    const slots = this.table.slots;
    const cells = this.counterCells;
    for (let slot = 0; slot < count; slot++) {
      if (!this.table.isPublished(slot) || this.table.kind(slot) !== StatKind.Counter) continue;
      Atomics.store(cells, slot * 2, 0);
      Atomics.store(cells, slot * 2 + 1, 0);
      this.usedFlags[slot] = 1;
      Atomics.add(slots, slot * SLOT_WORDS + SlotField.ResetGen, 1);
    }
  }

  /**
   * Gives this worker's thread index back so a later worker can take it; this store's histograms
   * stop recording into shared memory. Counters and gauges keep working. Idempotent.
   */
  close(): void {
    if (this.isMain || this.thread < 0) return;
    for (const histogram of this.liveHistograms) histogram.detach();
    Atomics.store(this.table.control, Ctl.ThreadState + this.thread, 0);
    this.thread = -1;
  }

  // --- internals -------------------------------------------------------------------------------

  private readCounter(slot: number): number {
    // Monotonic per reset generation: a read torn by a carry in flight comes out low by 2^32 for
    // an instant; the last value seen stands in for it.
    const gen = Atomics.load(this.table.slots, slot * SLOT_WORDS + SlotField.ResetGen);
    const value = readPair(this.counterCells, slot * 2);
    if (gen !== this.lastReadGen[slot]) {
      this.lastReadGen[slot] = gen;
      this.lastRead[slot] = value;
      return value;
    }
    const last = this.lastRead[slot] as number;
    if (value < last) return last;
    this.lastRead[slot] = value;
    return value;
  }

  private slotName(slot: number): string {
    let name = this.slotNames[slot];
    if (name === undefined) {
      name = this.table.name(slot);
      this.slotNames[slot] = name;
    }
    return name;
  }

  private refused(name: string): void {
    if (this.table.countRefusal()) {
      this.logger.warn(
        `stats store is full (${this.table.lastRefusal || 'capacity'} exhausted): "${name}" and ` +
          'every later new stat are no-op null stats; raise the limit given to StatsStore.create',
      );
    }
  }

  private requireMain(operation: string): HistogramMerger {
    if (this.merger === null) throw notMainThreadError(operation);
    return this.merger;
  }

  private claimThread(index: number): void {
    const control = this.table.control;
    Atomics.store(control, Ctl.ThreadState + index, 1);
    this.thread = index;
    raiseHighWater(control, index + 1);
  }

  private claimFreeThread(): void {
    const control = this.table.control;
    const max = this.descriptor.limits.maxThreads;
    for (let index = 1; index < max; index++) {
      if (Atomics.compareExchange(control, Ctl.ThreadState + index, 0, 1) === 0) {
        this.thread = index;
        raiseHighWater(control, index + 1);
        return;
      }
    }
    Atomics.add(control, Ctl.ThreadOverflow, 1);
    if (Atomics.compareExchange(control, Ctl.ThreadOverflowLogged, 0, 1) === 0) {
      this.logger.warn(
        `all ${max} thread indexes are taken: this thread's histograms record nothing; ` +
          'raise maxThreads given to StatsStore.create',
      );
    }
  }
}

function raiseHighWater(control: Int32Array, value: number): void {
  for (;;) {
    const current = Atomics.load(control, Ctl.ThreadHighWater);
    if (current >= value) return;
    if (Atomics.compareExchange(control, Ctl.ThreadHighWater, current, value) === current) return;
  }
}

function positiveInteger(option: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidOptionError(option, `must be an integer from 1 to ${max} (got ${String(value)})`);
  }
  return value;
}

function validateDescriptor(descriptor: StatsStoreDescriptor): void {
  if (typeof descriptor !== 'object' || descriptor === null || descriptor.magic !== LAYOUT_MAGIC) {
    throw invalidDescriptorError(
      'not a descriptor from StatsStore.create (wrong or missing magic)',
    );
  }
  const { limits } = descriptor;
  const expected: [keyof StatsStoreDescriptor, number][] = [
    ['slots', limits.maxStats * SLOT_WORDS * 4],
    ['index', indexSize(limits.maxStats) * 4],
    ['names', limits.maxNameBytes],
    ['values', limits.maxStats * 8],
    ['used', limits.maxStats],
    ['histograms', limits.maxHistograms * limits.maxThreads * HIST_BLOCK_WORDS * 4],
  ];
  for (const [field, bytes] of expected) {
    const buffer = descriptor[field];
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== bytes) {
      throw invalidDescriptorError(`${field} must be a SharedArrayBuffer of ${bytes} bytes`);
    }
  }
  if (new Int32Array(descriptor.control)[Ctl.Magic] !== LAYOUT_MAGIC) {
    throw invalidDescriptorError('control region does not hold the layout magic');
  }
}
