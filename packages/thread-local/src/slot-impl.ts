import type { Dispatcher } from '@nuncio/dispatcher';
import type { ThreadLocalInitializer, ThreadLocalUpdate } from './definition.ts';
import { invalidArgumentError, notMainThreadError, slotNotSetError } from './errors.ts';
import type { AppliedReport, ArgsOf, Slot, SlotRef, SnapshotStats } from './slot.ts';
import type { ThreadLocalObject } from './thread-local-object.ts';
import type { VersionBoard } from './version-board.ts';

/** What a slot needs from the thread-local instance of its thread. */
export interface SlotHost {
  readonly id: number;
  /** This thread's dispatcher name, for messages. */
  readonly threadName: string;
  /** This thread's place in the instance (its cell on version boards). */
  readonly threadIndex: number;
  dispatcher(): Dispatcher;
  /** Main's instance, which carries out the main-only operations; null on workers. */
  readonly owner: SlotOwner | null;
}

/** The main-only operations, carried out by main's instance. */
export interface SlotOwner {
  setSlot(
    slot: SlotImpl,
    initializer: ThreadLocalInitializer<unknown, unknown>,
    args: unknown,
  ): void;
  runOnAllThreads(
    slot: SlotImpl,
    update: ThreadLocalUpdate<never, unknown>,
    args: unknown,
    onAllThreadsComplete: (() => void) | undefined,
  ): void;
  publish(slot: SlotImpl, snapshot: unknown): number;
  whenApplied(slot: SlotImpl, version: number | undefined): Promise<AppliedReport>;
  snapshotStats(slot: SlotImpl): SnapshotStats;
  free(slot: SlotImpl): void;
}

/**
 * One slot on one thread: that thread's object and snapshot. Main's and each worker's are separate
 * objects (threads share no heap); main's also carries out the operations that change every
 * thread's, through its instance.
 */
// biome-ignore lint/suspicious/noExplicitAny: the slot's types live in the public interface.
export class SlotImpl<T = any, S = any> implements Slot<T, S> {
  readonly index: number;
  readonly generation: number;
  readonly ref: SlotRef<T, S>;
  readonly board: VersionBoard;
  private readonly host: SlotHost;
  private object: T | undefined;
  private current: S | undefined;
  private held: number;
  private isFreed: boolean;

  constructor(host: SlotHost, index: number, generation: number, board: VersionBoard) {
    this.host = host;
    this.index = index;
    this.generation = generation;
    this.board = board;
    this.ref = Object.freeze({ instance: host.id, index, generation });
    this.object = undefined;
    this.current = undefined;
    this.held = 0;
    this.isFreed = false;
  }

  get version(): number {
    return this.held;
  }

  get freed(): boolean {
    return this.isFreed;
  }

  // ---- reads: every thread, hot path ----

  get(): T {
    const object = this.object;
    if (object === undefined) throw slotNotSetError(this.index, this.host.threadName);
    return object;
  }

  getTyped<U extends T = T>(): U {
    return this.get() as U;
  }

  isSet(): boolean {
    return this.object !== undefined;
  }

  snapshot(): S | undefined {
    return this.current;
  }

  // ---- main only ----

  set<U extends T, A>(initializer: ThreadLocalInitializer<U, A>, ...args: ArgsOf<A>): Slot<U> {
    this.owner('set()').setSlot(
      this,
      initializer as unknown as ThreadLocalInitializer<unknown, unknown>,
      args[0],
    );
    return this as unknown as Slot<U>;
  }

  runOnAllThreads<A>(
    update: ThreadLocalUpdate<T, A>,
    args: A,
    onAllThreadsComplete?: () => void,
  ): void {
    if (onAllThreadsComplete !== undefined && typeof onAllThreadsComplete !== 'function') {
      throw invalidArgumentError('onAllThreadsComplete', onAllThreadsComplete, 'a function');
    }
    this.owner('runOnAllThreads()').runOnAllThreads(
      this,
      update as unknown as ThreadLocalUpdate<never, unknown>,
      args,
      onAllThreadsComplete,
    );
  }

  publish(snapshot: S): number {
    return this.owner('publish()').publish(this, snapshot);
  }

  whenApplied(version?: number): Promise<AppliedReport> {
    const owner = this.host.owner;
    if (owner === null) return Promise.reject(notMainThreadError('whenApplied()'));
    return owner.whenApplied(this, version);
  }

  snapshotStats(): SnapshotStats {
    return this.owner('snapshotStats()').snapshotStats(this);
  }

  free(): void {
    this.owner('free()').free(this);
  }

  // ---- applying what main sends, on this slot's thread ----

  /**
   * Makes `initialize`'s result this thread's object: the previous one is disposed, and the new one
   * hears of the snapshot the thread already holds. Throws what they throw, once the new object is
   * in place.
   */
  applyInitializer(initialize: (dispatcher: Dispatcher, args: unknown) => unknown, args: unknown) {
    const object = initialize(this.host.dispatcher(), args) as T;
    if (object === undefined) {
      throw invalidArgumentError(
        `the object returned by the initializer of slot ${this.index}`,
        object,
        'a value (not undefined)',
      );
    }
    const previous = this.object;
    this.object = object;
    let failure: { error: unknown } | null = null;
    if (previous !== undefined && previous !== object) {
      try {
        dispose(previous);
      } catch (error) {
        failure = { error };
      }
    }
    if (this.held > 0) {
      try {
        callSnapshotHook(object, this.current, this.held, undefined);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== null) throw failure.error;
  }

  /** Runs `update` with this thread's object. */
  applyUpdate(
    update: (object: T, args: unknown, dispatcher: Dispatcher) => void,
    args: unknown,
  ): void {
    update(this.get(), args, this.host.dispatcher());
  }

  /**
   * A worker received `version`: applies it unless this thread already holds it or newer, or main
   * has published a newer one since (which is on its way here: a busy thread catches up in one go).
   */
  receiveSnapshot(version: number, snapshot: S): void {
    if (version <= this.held || version < this.board.published()) return;
    this.applySnapshot(version, snapshot);
  }

  /**
   * Swaps `snapshot` in, tells the object, then marks the version as held on the board (even when
   * the object's hook throws: the slot does hold it).
   */
  applySnapshot(version: number, snapshot: S): void {
    const previous = this.current;
    this.current = snapshot;
    this.held = version;
    try {
      const object = this.object;
      if (object !== undefined) callSnapshotHook(object, snapshot, version, previous);
    } finally {
      this.board.setHeld(this.host.threadIndex, version);
    }
  }

  /** Drops the object (disposing it) and the snapshot; throws what dispose throws. */
  release(): void {
    this.isFreed = true;
    const object = this.object;
    this.object = undefined;
    this.current = undefined;
    if (object !== undefined) dispose(object);
  }

  private owner(what: string): SlotOwner {
    const owner = this.host.owner;
    if (owner === null) throw notMainThreadError(what);
    return owner;
  }
}

function callSnapshotHook(
  object: unknown,
  snapshot: unknown,
  version: number,
  previous: unknown,
): void {
  if (typeof object !== 'object' || object === null) return;
  const hook = (object as ThreadLocalObject).onSnapshot;
  if (typeof hook === 'function') hook.call(object, snapshot, version, previous);
}

function dispose(object: unknown): void {
  if (typeof object !== 'object' || object === null) return;
  const method = (object as ThreadLocalObject)[Symbol.dispose];
  if (typeof method === 'function') method.call(object);
}
