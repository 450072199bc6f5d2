import type { ThreadLocalInitializer, ThreadLocalUpdate } from './definition.ts';
import type { SnapshotOf } from './thread-local-object.ts';

/**
 * A slot named in data, to hand to other threads (in a post's payload, an initializer's arguments,
 * `workerData`...) and turn back into the thread's {@link Slot} there with `getSlot(ref)`. `T` only
 * carries the type along.
 */
export interface SlotRef<T = unknown, S = SnapshotOf<T>> {
  /** The thread-local instance that owns the slot. */
  readonly instance: number;
  /** The slot's index (reused after the slot is freed). */
  readonly index: number;
  /** Tells a slot from an earlier one that had the same index. */
  readonly generation: number;
  /** Never set: keeps `T` and `S` in the type. */
  readonly __type?: (object: T, snapshot: S) => [T, S];
}

/** The snapshot version one registered thread holds in a slot. */
export interface ThreadVersion {
  /** The thread's dispatcher name: `main_thread`, `worker_0`... */
  readonly thread: string;
  /** The version the thread has applied (0: none yet). Read from shared memory: current. */
  readonly version: number;
}

/** Figures of a slot's snapshot publishing, read on main. */
export interface SnapshotStats {
  /** The newest version published (0: none). */
  readonly published: number;
  /** The newest version every registered thread holds (or has gone past). */
  readonly appliedOnAllThreads: number;
  /** The version each registered thread holds, main first. */
  readonly threads: readonly ThreadVersion[];
  /** Publish-to-applied-on-all-threads time of the newest fully applied version, in ms. */
  readonly lastPublishToAppliedMs: number | null;
  /** The longest publish-to-applied-on-all-threads time seen, in ms. */
  readonly maxPublishToAppliedMs: number | null;
}

/** What `whenApplied` resolves with. */
export interface AppliedReport {
  /** The version waited for. */
  readonly version: number;
  /**
   * Time from its `publish()` until every registered thread held it or a newer one, in ms; `null`
   * when that time is no longer known (an old version).
   */
  readonly publishToAppliedMs: number | null;
}

/** `[args]`, optional when the definition takes no arguments. */
export type ArgsOf<A> = undefined extends A ? [args?: A] : [args: A];

/**
 * Envoy's `ThreadLocal::Slot`: one thread-local object per registered thread, reached through the
 * same slot on every thread. Allocate it on main (`allocateSlot()`); on a worker, turn its `ref`
 * into the worker's view with `getSlot(ref)`.
 *
 * `T` is the type of each thread's object, `S` the type of the snapshots published to the slot
 * (by default what `T`'s `onSnapshot` takes).
 *
 * Reads (`get`, `getTyped`, `snapshot`, `version`) work on every thread and are plain property
 * reads: no lock, no message, no allocation. The other methods change the slot everywhere and may
 * only be called on main (`NUNCIO_ERR_TLS_NOT_MAIN_THREAD` elsewhere).
 */
export interface Slot<T = unknown, S = SnapshotOf<T>> {
  /** The slot's index, Envoy's: the lowest free one when it was allocated. */
  readonly index: number;
  /** The slot as data, for other threads. */
  readonly ref: SlotRef<T, S>;
  /** The snapshot version this thread holds (0: none). */
  readonly version: number;
  /** True once the slot is freed (on this thread). */
  readonly freed: boolean;

  /**
   * This thread's object. Throws `NUNCIO_ERR_TLS_SLOT_NOT_SET` when the thread has none: `set()`
   * has not reached it yet, or its initializer failed there.
   */
  get(): T;
  /** `get()`, cast to a more specific type (Envoy's `getTyped<T>()`). */
  getTyped<U extends T = T>(): U;
  /** Whether this thread has an object in the slot (Envoy's `currentThreadRegistered()`). */
  isSet(): boolean;
  /**
   * The snapshot this thread holds, `undefined` before the first one reaches it. It changes only
   * between I/O callbacks: a request that reads it once at its start sees one version throughout,
   * and the snapshot it holds stays alive (and unchanged) however many are published after it.
   */
  snapshot(): S | undefined;

  /**
   * Main only. Runs `initializer` on main now and on every registered thread (posted, in order
   * with everything else sent to that thread), with that thread's dispatcher and a copy of `args`;
   * what it returns becomes the thread's object, replacing (and disposing) the previous one.
   * Threads registered later run it when they register. Returns this slot, typed by the
   * initializer. Throws what the initializer throws on main, and `NUNCIO_ERR_TLS_NOT_CLONEABLE`
   * for `args` that cannot be cloned. Failures on workers go to the instance's `onError`.
   */
  set<U extends T, A>(initializer: ThreadLocalInitializer<U, A>, ...args: ArgsOf<A>): Slot<U>;

  /**
   * Main only. Runs `update` with each thread's object: on main first, at once, then on every
   * registered thread as a post. With `onAllThreadsComplete`, that callback is posted to main's
   * dispatcher once every thread registered at the time of the call has run the update (or
   * exited), however slow some are. If `shutdownGlobalThreading()` is called before it runs, it
   * never runs. Throws `NUNCIO_ERR_TLS_SLOT_NOT_SET` before `set()`.
   */
  runOnAllThreads<A>(
    update: ThreadLocalUpdate<T, A>,
    args: A,
    onAllThreadsComplete?: () => void,
  ): void;

  /**
   * Main only. Publishes `snapshot` as the slot's next version (returned): main swaps it in at
   * once, each registered thread in its quiescent period, and threads registered later get the
   * newest when they register. The snapshot is immutable from now on: never change it (nor a
   * `SharedArrayBuffer` in it) after publishing; publish a new one instead. It is cloned to each
   * thread, except `SharedArrayBuffer`s, which threads share without a copy (see `SharedTable`).
   */
  publish(snapshot: S): number;

  /**
   * Main only. Resolves once every registered thread holds `version` (default: the newest
   * published) or a newer one. Rejects with `NUNCIO_ERR_TLS_SHUT_DOWN` when shutdown starts first,
   * `NUNCIO_ERR_TLS_SLOT_FREED` when the slot is freed first, and `NUNCIO_ERR_TLS_NOT_CLONEABLE`
   * when that version could not be sent.
   */
  whenApplied(version?: number): Promise<AppliedReport>;

  /** Main only. The version each thread holds and how long publishing took. */
  snapshotStats(): SnapshotStats;

  /**
   * Main only. Frees the slot: each thread drops (and disposes) its object and snapshot, and the
   * index is reused by the next `allocateSlot()`. After `shutdownGlobalThreading()` only main's
   * object is dropped (the workers are about to shut down). Idempotent.
   */
  free(): void;
}
