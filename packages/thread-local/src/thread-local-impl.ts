import { isMainThread } from 'node:worker_threads';
import {
  currentDispatcher,
  type Dispatcher,
  DispatcherErrorCode,
  type RemoteDispatcher,
  type WorkerInfo,
  type WorkerPool,
} from '@nuncio/dispatcher';
import { isDefinition, type ThreadLocalInitializer, type ThreadLocalUpdate } from './definition.ts';
import {
  callbackFailedError,
  invalidArgumentError,
  notCloneableError,
  notMainThreadError,
  shutDownError,
  slotFreedError,
  slotNotSetError,
  ThreadLocalError,
  threadExitedError,
  tooManyThreadsError,
  unknownSlotError,
  workerModuleNotLoadedError,
} from './errors.ts';
import {
  type FreeMessage,
  type PublishMessage,
  type ReplayOp,
  type RunMessage,
  type SetMessage,
  TlsHandler,
  type TlsHandlers,
} from './protocol.ts';
import type { AppliedReport, SnapshotStats, ThreadVersion } from './slot.ts';
import { type SlotHost, SlotImpl, type SlotOwner } from './slot-impl.ts';
import type { RegisteredThread, ThreadLocalInstance, ThreadLocalOptions } from './thread-local.ts';
import type { SnapshotOf } from './thread-local-object.ts';
import { type MainSide, threadState } from './thread-state.ts';
import { VersionBoard } from './version-board.ts';

/** Values of `MainThreadLocal.state`. */
const State = { Running: 0, GlobalShutdown: 1, ThreadShutdown: 2 } as const;
type State = (typeof State)[keyof typeof State];

/** How many publish-to-applied times a slot remembers for `whenApplied` on older versions. */
const REMEMBERED_LATENCIES = 256;
/** How many publish times a slot keeps for versions not yet applied everywhere (a stuck worker). */
const MAX_PENDING_PUBLISHES = 4096;

/** A registered worker. */
interface WorkerEntry {
  readonly threadIndex: number;
  readonly name: string;
  readonly threadId: number;
  readonly remote: RemoteDispatcher<TlsHandlers>;
  /** False once it exited or failed: what it still answers is ignored. */
  live: boolean;
}

interface Waiter {
  readonly version: number;
  resolve(report: AppliedReport): void;
  reject(error: unknown): void;
}

/** What main keeps about a slot besides main's own object and snapshot. */
class SlotRecord {
  readonly slot: SlotImpl;
  /** The initializer and arguments of the last `set()`, replayed to threads registered later. */
  initializer: ThreadLocalInitializer<unknown, unknown> | null;
  args: unknown;
  /** The newest published version and snapshot (also replayed). */
  published: number;
  snapshot: unknown;
  /** The newest version every registered thread holds. */
  appliedOnAll: number;
  /** When each version not yet applied everywhere was published (performance.now()). */
  readonly publishedAt: Map<number, number>;
  /** Publish-to-applied times of the last versions applied everywhere. */
  readonly latencies: Map<number, number>;
  lastLatencyMs: number | null;
  maxLatencyMs: number | null;
  /** The last version whose snapshot could not be cloned (reported once, not once per thread). */
  notCloneableVersion: number;
  readonly waiters: Waiter[];
  /** Bound once: every acknowledgement of a snapshot re-checks the slot. */
  readonly recheckBound: () => void;

  constructor(slot: SlotImpl, recheck: (record: SlotRecord) => void) {
    this.slot = slot;
    this.initializer = null;
    this.args = undefined;
    this.published = 0;
    this.snapshot = undefined;
    this.appliedOnAll = 0;
    this.publishedAt = new Map();
    this.latencies = new Map();
    this.lastLatencyMs = null;
    this.maxLatencyMs = null;
    this.notCloneableVersion = 0;
    this.waiters = [];
    this.recheckBound = () => recheck(this);
  }
}

/**
 * A `runOnAllThreads` completion barrier: one arrival per thread (plus one held by the caller until
 * every post is sent), then the completion callback is posted to main, unless shutdown has begun.
 */
class Barrier {
  private remaining: number;
  private readonly owner: MainThreadLocal;
  private readonly callback: () => void;
  readonly arriveBound: () => void;
  readonly runBound: () => void;

  constructor(owner: MainThreadLocal, count: number, callback: () => void) {
    this.owner = owner;
    this.remaining = count;
    this.callback = callback;
    this.arriveBound = this.arrive.bind(this);
    this.runBound = this.run.bind(this);
  }

  arrive(): void {
    this.remaining--;
    if (this.remaining === 0) this.owner.barrierComplete(this);
  }

  private run(): void {
    // Shutdown may have begun between the last arrival and this post callback.
    if (this.owner.isShutdown) return;
    this.callback();
  }
}

/** Main's thread-local instance: owns the slots and sends every change to the workers. */
export class MainThreadLocal implements ThreadLocalInstance, MainSide, SlotHost, SlotOwner {
  readonly id: number;
  readonly isMainThread = true;
  readonly threadIndex = 0;
  readonly owner: SlotOwner;
  private state: State;
  private mainDispatcher: Dispatcher;
  private readonly maxThreads: number;
  private readonly onError: (error: ThreadLocalError) => void;
  private readonly workers: WorkerEntry[];
  /** Which thread indexes are taken (0 is main's). */
  private readonly takenIndexes: boolean[];
  private readonly slots: (SlotImpl | null)[];
  private readonly records: Map<SlotImpl, SlotRecord>;
  private nextGeneration: number;
  private readonly poolCleanups: (() => void)[];
  private readonly recheckRecord: (record: SlotRecord) => void;

  constructor(id: number, options: ThreadLocalOptions) {
    const maxThreads = options.maxThreads ?? 256;
    if (!(Number.isInteger(maxThreads) && maxThreads >= 1 && maxThreads <= 65_536)) {
      throw invalidArgumentError('maxThreads', maxThreads, 'an integer from 1 to 65536');
    }
    if (options.onError !== undefined && typeof options.onError !== 'function') {
      throw invalidArgumentError('onError', options.onError, 'a function');
    }
    this.id = id;
    this.owner = this;
    this.state = State.Running;
    this.mainDispatcher = options.dispatcher ?? currentDispatcher();
    this.maxThreads = maxThreads;
    this.onError = options.onError ?? logError;
    this.workers = [];
    this.takenIndexes = [true];
    this.slots = [];
    this.records = new Map();
    this.nextGeneration = 1;
    this.poolCleanups = [];
    this.recheckRecord = (record) => this.recheck(record);
  }

  get threadName(): string {
    return this.mainDispatcher.name;
  }

  get isShutdown(): boolean {
    return this.state !== State.Running;
  }

  dispatcher(): Dispatcher {
    return this.mainDispatcher;
  }

  // ---- Instance ----

  allocateSlot<T = unknown, S = SnapshotOf<T>>(): SlotImpl<T, S> {
    this.checkRunning('allocate a slot');
    let index = this.slots.indexOf(null);
    if (index < 0) index = this.slots.length;
    const slot = new SlotImpl<T, S>(
      this,
      index,
      this.nextGeneration++,
      VersionBoard.create(this.maxThreads),
    );
    this.slots[index] = slot;
    this.records.set(slot, new SlotRecord(slot, this.recheckRecord));
    return slot;
  }

  registerThread(dispatcher: Dispatcher, isMainThread: true): void;
  registerThread(dispatcher: RemoteDispatcher, isMainThread: false): Promise<void>;
  registerThread(
    dispatcher: Dispatcher | RemoteDispatcher,
    isMain: boolean,
  ): undefined | Promise<void> {
    this.checkRunning('register a thread');
    if (isMain === true) {
      if (typeof (dispatcher as Dispatcher).post !== 'function' || 'call' in dispatcher) {
        throw invalidArgumentError(
          'the main thread dispatcher',
          dispatcher,
          'a Dispatcher of this thread (currentDispatcher()), not a remote one',
        );
      }
      this.mainDispatcher = dispatcher as Dispatcher;
      return undefined;
    }
    if (isMain !== false) throw invalidArgumentError('isMainThread', isMain, 'true or false');
    const remote = dispatcher as RemoteDispatcher<TlsHandlers>;
    if (typeof remote?.call !== 'function') {
      throw invalidArgumentError(
        'a worker dispatcher',
        dispatcher,
        'a RemoteDispatcher to the worker (pool.workers[i].dispatcher)',
      );
    }
    if (this.workers.some((entry) => entry.remote === remote)) {
      throw invalidArgumentError(`worker ${remote.name}`, 'registered', 'registered only once');
    }
    const threadIndex = this.takenIndexes.indexOf(false, 1);
    const index = threadIndex < 0 ? this.takenIndexes.length : threadIndex;
    if (index >= this.maxThreads) throw tooManyThreadsError(this.maxThreads);
    this.takenIndexes[index] = true;
    const entry: WorkerEntry = {
      threadIndex: index,
      name: remote.name,
      threadId: remote.threadId,
      remote,
      live: true,
    };
    this.workers.push(entry);
    // The thread's cells start at 0 on every board: a reused index must not inherit versions.
    const ops: ReplayOp[] = [];
    for (const slot of this.slots) {
      if (slot === null) continue;
      slot.board.setHeld(index, 0);
      const record = this.records.get(slot) as SlotRecord;
      if (record.initializer !== null) ops.push({ set: this.setMessage(record, record.args) });
      if (record.published > 0) {
        ops.push({ publish: this.publishMessage(record, record.published, record.snapshot) });
      }
    }
    return remote.call(TlsHandler.Attach, { instance: this.id, threadIndex: index, ops }).then(
      (failures) => {
        if (!entry.live) return;
        for (const failure of failures) {
          this.onError(
            callbackFailedError(
              failure.what,
              failure.index,
              entry.name,
              new Error(failure.message),
            ),
          );
        }
        for (const record of this.records.values()) this.recheck(record);
      },
      (error: unknown) => {
        this.dropThread(entry);
        throw codeOf(error) === DispatcherErrorCode.UnknownHandler
          ? workerModuleNotLoadedError(entry.name, error)
          : threadExitedError(entry.name, error);
      },
    );
  }

  // biome-ignore lint/suspicious/noExplicitAny: any pool, whatever its handler map.
  async registerWorkers(pool: WorkerPool<any>): Promise<void> {
    this.checkRunning('register workers');
    const onRestart = (info: WorkerInfo) => {
      if (this.state !== State.Running) return;
      this.registerThread(info.dispatcher, false).catch((error: unknown) =>
        this.report(error, info.name),
      );
    };
    const onExit = (info: WorkerInfo) => {
      const entry = this.workers.find((candidate) => candidate.remote === info.dispatcher);
      if (entry !== undefined) this.dropThread(entry);
    };
    pool.on('restart', onRestart);
    pool.on('exit', onExit);
    this.poolCleanups.push(() => {
      pool.off('restart', onRestart);
      pool.off('exit', onExit);
    });
    await Promise.all(pool.workers.map((worker) => this.registerThread(worker.dispatcher, false)));
  }

  threads(): readonly RegisteredThread[] {
    const threads: RegisteredThread[] = [
      { index: 0, name: this.mainDispatcher.name, threadId: this.mainDispatcher.threadId },
    ];
    for (const entry of this.workers) {
      threads.push({ index: entry.threadIndex, name: entry.name, threadId: entry.threadId });
    }
    return threads;
  }

  shutdownGlobalThreading(): void {
    if (this.state !== State.Running) return;
    this.state = State.GlobalShutdown;
    for (const cleanup of this.poolCleanups.splice(0)) cleanup();
    for (const record of this.records.values()) {
      rejectWaiters(record, shutDownError('wait for a snapshot to be applied'));
    }
  }

  shutdownThread(): void {
    if (this.state === State.ThreadShutdown) return;
    this.shutdownGlobalThreading();
    this.state = State.ThreadShutdown;
    for (const slot of this.slots) {
      if (slot === null) continue;
      try {
        slot.release();
      } catch (error) {
        this.onError(callbackFailedError('dispose', slot.index, this.threadName, error));
      }
    }
    this.slots.length = 0;
    this.records.clear();
    for (const entry of this.workers) entry.live = false;
    this.workers.length = 0;
    const state = threadState();
    state.mainInstances.delete(this.id);
    if (state.currentMain === this) state.currentMain = null;
  }

  slotFor(index: number, generation: number): SlotImpl {
    const slot = this.slots[index];
    if (slot === undefined || slot === null || slot.generation !== generation) {
      throw unknownSlotError(index, generation, this.threadName);
    }
    return slot;
  }

  // ---- Slot operations (SlotOwner) ----

  setSlot(slot: SlotImpl, initializer: ThreadLocalInitializer<unknown, unknown>, args: unknown) {
    const record = this.liveRecord(slot, 'set()');
    if (!isDefinition(initializer) || initializer.kind !== 'initializer') {
      throw invalidArgumentError('the initializer', initializer, 'made by defineThreadLocal()');
    }
    if (this.workers.length > 0)
      checkCloneable(args, `the arguments of set("${initializer.name}")`);
    // Main first: an initializer that fails here fails before any worker is told.
    slot.applyInitializer(initializer.initialize, args);
    record.initializer = initializer;
    record.args = args;
    if (this.workers.length === 0) return;
    const message = this.setMessage(record, args);
    const what = `initializer "${initializer.name}"`;
    for (const entry of this.workers) {
      this.send(entry, TlsHandler.Set, message, slot, what, null);
    }
  }

  runOnAllThreads(
    slot: SlotImpl,
    update: ThreadLocalUpdate<never, unknown>,
    args: unknown,
    onAllThreadsComplete: (() => void) | undefined,
  ): void {
    const record = this.liveRecord(slot, 'runOnAllThreads()');
    if (!isDefinition(update) || update.kind !== 'update') {
      throw invalidArgumentError('the update', update, 'made by defineThreadLocalUpdate()');
    }
    if (record.initializer === null) throw slotNotSetError(slot.index, this.threadName);
    if (this.workers.length > 0) checkCloneable(args, `the arguments of update "${update.name}"`);
    // Main first, as Envoy does: an update that fails here fails before any worker is told.
    slot.applyUpdate(update.update as (object: unknown, args: unknown) => void, args);
    const message: RunMessage = {
      instance: this.id,
      index: slot.index,
      generation: slot.generation,
      module: update.moduleUrl,
      name: update.name,
      args,
    };
    const what = `update "${update.name}"`;
    if (onAllThreadsComplete === undefined) {
      for (const entry of this.workers) this.send(entry, TlsHandler.Run, message, slot, what, null);
      return;
    }
    // One arrival per worker plus one for this loop, so it cannot complete before every post is out.
    const barrier = new Barrier(this, this.workers.length + 1, onAllThreadsComplete);
    for (const entry of this.workers) {
      this.send(entry, TlsHandler.Run, message, slot, what, barrier);
    }
    barrier.arrive();
  }

  publish(slot: SlotImpl, snapshot: unknown): number {
    const record = this.liveRecord(slot, 'publish()');
    if (snapshot === undefined) {
      throw invalidArgumentError('the snapshot', snapshot, 'a value (not undefined)');
    }
    const version = record.published + 1;
    record.published = version;
    record.snapshot = snapshot;
    slot.board.setPublished(version);
    record.publishedAt.set(version, performance.now());
    if (record.publishedAt.size > MAX_PENDING_PUBLISHES) {
      // A thread that stays behind must not make main keep every version's time: the oldest go.
      record.publishedAt.delete(record.publishedAt.keys().next().value as number);
    }
    if (this.workers.length > 0) {
      const message = this.publishMessage(record, version, snapshot);
      for (const entry of this.workers) {
        this.sendPublish(entry, message, record);
      }
    }
    // Main after the workers, so they start on it while main runs its own hook.
    try {
      slot.applySnapshot(version, snapshot);
    } catch (error) {
      this.onError(callbackFailedError('snapshot hook', slot.index, this.threadName, error));
    }
    this.recheck(record);
    return version;
  }

  whenApplied(slot: SlotImpl, version: number | undefined): Promise<AppliedReport> {
    if (this.state !== State.Running) {
      return Promise.reject(shutDownError('wait for a snapshot to be applied'));
    }
    const record = this.records.get(slot);
    if (record === undefined || slot.freed) {
      return Promise.reject(slotFreedError(slot.index, 'wait for a snapshot to be applied'));
    }
    const wanted = version ?? record.published;
    if (!(Number.isInteger(wanted) && wanted >= 0 && wanted <= record.published)) {
      return Promise.reject(
        invalidArgumentError('version', wanted, `an integer from 0 to ${record.published}`),
      );
    }
    if (wanted <= record.appliedOnAll) {
      return Promise.resolve({
        version: wanted,
        publishToAppliedMs: record.latencies.get(wanted) ?? null,
      });
    }
    return new Promise<AppliedReport>((resolve, reject) => {
      record.waiters.push({ version: wanted, resolve, reject });
    });
  }

  snapshotStats(slot: SlotImpl): SnapshotStats {
    const record = this.records.get(slot);
    if (record === undefined) throw slotFreedError(slot.index, 'read snapshot stats');
    const threads: ThreadVersion[] = [{ thread: this.threadName, version: slot.board.held(0) }];
    for (const entry of this.workers) {
      threads.push({ thread: entry.name, version: slot.board.held(entry.threadIndex) });
    }
    return {
      published: record.published,
      appliedOnAllThreads: record.appliedOnAll,
      threads,
      lastPublishToAppliedMs: record.lastLatencyMs,
      maxPublishToAppliedMs: record.maxLatencyMs,
    };
  }

  free(slot: SlotImpl): void {
    const record = this.records.get(slot);
    if (record === undefined) return;
    this.records.delete(slot);
    this.slots[slot.index] = null;
    rejectWaiters(record, slotFreedError(slot.index, 'wait for a snapshot to be applied'));
    try {
      slot.release();
    } catch (error) {
      this.onError(callbackFailedError('dispose', slot.index, this.threadName, error));
    }
    // After shutdownGlobalThreading the workers are about to drop everything themselves.
    if (this.state !== State.Running) return;
    const message: FreeMessage = {
      instance: this.id,
      index: slot.index,
      generation: slot.generation,
    };
    for (const entry of this.workers) {
      this.send(entry, TlsHandler.Free, message, slot, 'dispose', null);
    }
  }

  /** A barrier has all its arrivals: post its completion to main, unless shutdown began. */
  barrierComplete(barrier: Barrier): void {
    if (this.state !== State.Running) return;
    this.mainDispatcher.post(barrier.runBound);
  }

  // ---- internals ----

  private checkRunning(what: string): void {
    if (!isMainThread) throw notMainThreadError(what);
    if (this.state !== State.Running) throw shutDownError(what);
  }

  private liveRecord(slot: SlotImpl, what: string): SlotRecord {
    if (this.state !== State.Running) throw shutDownError(what);
    const record = this.records.get(slot);
    if (record === undefined) throw slotFreedError(slot.index, what);
    return record;
  }

  private setMessage(record: SlotRecord, args: unknown): SetMessage {
    const { slot } = record;
    const initializer = record.initializer as ThreadLocalInitializer<unknown, unknown>;
    return {
      instance: this.id,
      index: slot.index,
      generation: slot.generation,
      versions: slot.board.buffer,
      module: initializer.moduleUrl,
      name: initializer.name,
      args,
    };
  }

  private publishMessage(record: SlotRecord, version: number, snapshot: unknown): PublishMessage {
    const { slot } = record;
    return {
      instance: this.id,
      index: slot.index,
      generation: slot.generation,
      versions: slot.board.buffer,
      version,
      snapshot,
    };
  }

  /** Sends one message; failures are reported, and a barrier counts the thread as done either way. */
  private send(
    entry: WorkerEntry,
    handler: typeof TlsHandler.Set | typeof TlsHandler.Run | typeof TlsHandler.Free,
    message: SetMessage | RunMessage | FreeMessage,
    slot: SlotImpl,
    what: string,
    barrier: Barrier | null,
  ): void {
    const call = entry.remote.call(handler as typeof TlsHandler.Run, message as RunMessage);
    call.then(barrier?.arriveBound, (error: unknown) => {
      this.sendFailed(entry, error, slot.index, what);
      barrier?.arrive();
    });
  }

  private sendPublish(entry: WorkerEntry, message: PublishMessage, record: SlotRecord): void {
    entry.remote.call(TlsHandler.Publish, message).then(record.recheckBound, (error: unknown) => {
      const code = codeOf(error);
      if (
        code === DispatcherErrorCode.PayloadNotCloneable &&
        record.notCloneableVersion !== message.version
      ) {
        record.notCloneableVersion = message.version;
        const failure = notCloneableError(`the snapshot of slot ${record.slot.index}`, error);
        this.onError(failure);
        rejectWaiters(record, failure, message.version);
      }
      this.sendFailed(entry, error, record.slot.index, 'snapshot hook');
    });
  }

  /** What a worker answered with an error: report it, and drop a worker that is gone. */
  private sendFailed(entry: WorkerEntry, error: unknown, index: number, what: string): void {
    if (!entry.live) return;
    switch (codeOf(error)) {
      case DispatcherErrorCode.TargetClosed:
        this.dropThread(entry);
        return;
      case DispatcherErrorCode.UnknownHandler:
        this.dropThread(entry);
        this.onError(workerModuleNotLoadedError(entry.name, error));
        return;
      case DispatcherErrorCode.PayloadNotCloneable:
        // Reported by the sender (one report, not one per thread).
        return;
      default:
        this.onError(callbackFailedError(what, index, entry.name, error));
    }
  }

  /** A worker exited or cannot take part: forget it, and re-check what waited for it. */
  private dropThread(entry: WorkerEntry): void {
    if (!entry.live) return;
    entry.live = false;
    const position = this.workers.indexOf(entry);
    if (position >= 0) this.workers.splice(position, 1);
    this.takenIndexes[entry.threadIndex] = false;
    for (const record of this.records.values()) this.recheck(record);
  }

  /**
   * Finds the newest version every registered thread holds (read from the board) and settles what
   * waited for it: publish-to-applied times, `whenApplied` promises.
   */
  private recheck(record: SlotRecord): void {
    const board = record.slot.board;
    let applied = board.held(0);
    for (const entry of this.workers) {
      const held = board.held(entry.threadIndex);
      if (held < applied) applied = held;
    }
    if (applied <= record.appliedOnAll) return;
    const now = performance.now();
    for (let version = record.appliedOnAll + 1; version <= applied; version++) {
      const at = record.publishedAt.get(version);
      if (at === undefined) continue;
      record.publishedAt.delete(version);
      const ms = now - at;
      record.latencies.set(version, ms);
      if (record.latencies.size > REMEMBERED_LATENCIES) {
        record.latencies.delete(record.latencies.keys().next().value as number);
      }
      record.lastLatencyMs = ms;
      if (record.maxLatencyMs === null || ms > record.maxLatencyMs) record.maxLatencyMs = ms;
    }
    record.appliedOnAll = applied;
    const waiters = record.waiters;
    let kept = 0;
    for (let i = 0; i < waiters.length; i++) {
      const waiter = waiters[i] as Waiter;
      if (waiter.version <= applied) {
        waiter.resolve({
          version: waiter.version,
          publishToAppliedMs: record.latencies.get(waiter.version) ?? null,
        });
      } else {
        waiters[kept++] = waiter;
      }
    }
    waiters.length = kept;
  }

  private report(error: unknown, thread: string): void {
    this.onError(error instanceof ThreadLocalError ? error : threadExitedError(thread, error));
  }
}

function rejectWaiters(record: SlotRecord, error: unknown, onlyVersion?: number): void {
  const waiters = record.waiters;
  let kept = 0;
  for (let i = 0; i < waiters.length; i++) {
    const waiter = waiters[i] as Waiter;
    if (onlyVersion === undefined || waiter.version === onlyVersion) waiter.reject(error);
    else waiters[kept++] = waiter;
  }
  waiters.length = kept;
}

function checkCloneable(args: unknown, what: string): void {
  // Args are small by nature; cloning them once here turns a bad one into an error thrown by the
  // call, before main or any worker has run anything.
  try {
    structuredClone(args);
  } catch (error) {
    throw notCloneableError(what, error);
  }
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function logError(error: ThreadLocalError): void {
  console.error(`[nuncio] thread-local: ${error.message}`, error.cause ?? '');
}

/**
 * Creates main's thread-local instance (Envoy's `ThreadLocal::InstanceImpl`), registers
 * `options.dispatcher` (default `currentDispatcher()`) as the main thread, and makes it the
 * instance `threadLocal()` returns on main. Throws `NUNCIO_ERR_TLS_NOT_MAIN_THREAD` in a worker.
 */
export function createThreadLocal(options: ThreadLocalOptions = {}): ThreadLocalInstance {
  if (!isMainThread) throw notMainThreadError('createThreadLocal()');
  const state = threadState();
  const instance = new MainThreadLocal(state.nextInstanceId++, options);
  state.mainInstances.set(instance.id, instance);
  state.currentMain = instance;
  return instance;
}
