import type { SharedDataStoreOptions } from './options.ts';
import type { SharedDataRecoveryReport } from './recovery.ts';
import type { SharedDataResult } from './result.ts';
import type { SharedDataSetOptions } from './set-options.ts';
import type {
  QueueReadyOptions,
  SharedQueueDequeueResult,
  SharedQueueRegistration,
} from './shared-queue.ts';
import { createStore, openStore } from './store-impl.ts';

/**
 * Everything another thread needs to open the store: post it to a worker (`postMessage`,
 * `workerData`) and call {@link SharedDataStore.open} there. The SharedArrayBuffer is shared, not
 * copied; the layout is read from its header.
 */
export interface SharedDataDescriptor {
  readonly kind: 'nuncio.shared-data';
  readonly buffer: SharedArrayBuffer;
}

/** What `get` returns: `Ok` with a copy of the value and its cas, or why there is none. */
export type SharedDataGetResult =
  | {
      readonly result: typeof SharedDataResult.Ok;
      /** A copy of the value, owned by the caller. */
      readonly value: Uint8Array;
      /** The key's current version: pass it to `set` to write only if nobody wrote since. */
      readonly cas: number;
    }
  | {
      /** `NotFound` or `BadArgument` (key too long). Reads take no lock, so never `LockTimeout`. */
      readonly result: Exclude<SharedDataResult, typeof SharedDataResult.Ok>;
      readonly value: undefined;
      readonly cas: 0;
    };

/** What `getString` returns: `get` with the value decoded as UTF-8. */
export type SharedDataGetStringResult =
  | { readonly result: typeof SharedDataResult.Ok; readonly value: string; readonly cas: number }
  | {
      readonly result: Exclude<SharedDataResult, typeof SharedDataResult.Ok>;
      readonly value: undefined;
      readonly cas: 0;
    };

/** Counts for the admin view; read stripe by stripe, so not one instant's snapshot. */
export interface SharedDataStats {
  readonly keys: number;
  readonly maxKeys: number;
  readonly blockSize: number;
  readonly blocks: number;
  readonly freeBlocks: number;
  readonly stripes: number;
  readonly queues: number;
  readonly maxQueues: number;
  readonly handles: number;
  readonly maxHandles: number;
  /** Size of the shared memory. */
  readonly bytes: number;
}

/** A `Worker` as far as {@link SharedDataStore.watchWorker} needs it. */
export interface WatchableWorker {
  readonly threadId: number;
  once(event: 'exit', listener: (exitCode: number) => void): unknown;
}

/**
 * A handle on a shared-data store: proxy-wasm's shared data (`proxy_get_shared_data`,
 * `proxy_set_shared_data`) and shared queues, in one SharedArrayBuffer that every thread reads and
 * writes synchronously, with no message round trip.
 *
 * Thread rules: a handle belongs to the thread that created or opened it (each thread opens its
 * own from the {@link SharedDataDescriptor}); every method may be called on that thread at any
 * time. Data-path methods return a {@link SharedDataResult}, never throw for an expected outcome;
 * they throw only when the handle is closed.
 *
 * Keys live in namespaces (proxy-wasm's VM ids): `("vm1", "k")` and `("vm2", "k")` are different
 * keys. Keys and names are compared as UTF-8 bytes.
 */
export interface SharedDataStore {
  /** The thread this handle belongs to. */
  readonly threadId: number;
  /** This handle's id in the store (1..maxHandles), as written into the locks it holds. */
  readonly handleId: number;

  /** What another thread needs to open this store. */
  descriptor(): SharedDataDescriptor;

  /**
   * The value of `key` in namespace `vmId` with its cas, or `NotFound`. Takes no lock: it never
   * waits for a writer, and writers never wait for it.
   */
  get(vmId: string, key: string): SharedDataGetResult;

  /** {@link get} with the value decoded as UTF-8. */
  getString(vmId: string, key: string): SharedDataGetStringResult;

  /**
   * Writes `value` (bytes, or a string stored as UTF-8) under `key`. With `cas` 0 the write is
   * unconditional; otherwise it happens only if `cas` is the key's current cas, else
   * `CasMismatch`. For a key that does not exist, a nonzero `cas` gives `CasMismatch` by default,
   * or creates the key with `options.casOnMissingKey: 'insert'` (Envoy's semantics); either way
   * the check and the write happen under one lock. Every successful write gives the key a new
   * cas. Returns `Ok`, `CasMismatch`, `StoreFull`, `BadArgument` (key or value too long, cas not a
   * uint32, an unknown option value) or `LockTimeout`; on anything but `Ok` nothing is written.
   */
  set(
    vmId: string,
    key: string,
    value: Uint8Array | string,
    cas?: number,
    options?: SharedDataSetOptions,
  ): SharedDataResult;

  /**
   * Removes `key` (if `cas` is nonzero, only while it is the key's current cas). Returns `Ok`,
   * `NotFound`, `CasMismatch`, `BadArgument` or `LockTimeout`. Not part of proxy-wasm's ABI.
   */
  remove(vmId: string, key: string, cas?: number): SharedDataResult;

  /** The keys of namespace `vmId` (for the admin). Not one instant's snapshot under writes. */
  keys(vmId: string): string[];

  /**
   * Drops namespace `vmId`: its keys and its queues (called when a VM's last handle goes).
   * Returns how many keys were removed.
   */
  deleteByVmId(vmId: string): number;

  /**
   * Registers queue `name` in namespace `vmId` with this thread as its owner, or takes over an
   * existing registration (same token, items kept, as proxy-wasm hosts do). With `ready`, the
   * owner is woken when items arrive (see {@link QueueReadyOptions}).
   */
  registerQueue(vmId: string, name: string, ready?: QueueReadyOptions): SharedQueueRegistration;

  /** The token of queue `name` in namespace `vmId`, or 0 when no such queue is registered. */
  resolveQueue(vmId: string, name: string): number;

  /** Drops the queue and its items. Returns `Ok`, `NotFound` or `LockTimeout`. */
  unregisterQueue(token: number): SharedDataResult;

  /**
   * Appends an item (bytes, or a string stored as UTF-8) from any thread. Returns `Ok`,
   * `NotFound`, `QueueFull` (at `queueMaxItems` or out of ring space), `BadArgument` (an item that
   * could never fit) or `LockTimeout`.
   */
  enqueue(token: number, value: Uint8Array | string): SharedDataResult;

  /** Takes the oldest item (normally called by the owner from its ready callback). */
  dequeue(token: number): SharedQueueDequeueResult;

  /** Items waiting in the queue, or -1 when the token names no queue. */
  queueSize(token: number): number;

  /**
   * Recovery after a thread has exited (never call it for a live thread): takes over the locks
   * its handles held, frees what it was writing, closes its read sessions and handle slots, leaves its queues
   * without an owner. Call it from the thread that sees the worker's `exit` event, or let
   * {@link watchWorker} do it.
   */
  releaseLocksOf(threadId: number | readonly number[]): SharedDataRecoveryReport;

  /** Runs {@link releaseLocksOf} for `worker` when it exits (batched with others exiting then). */
  watchWorker(worker: WatchableWorker): void;

  /** Counts for the admin view. */
  stats(): SharedDataStats;

  /**
   * Gives this handle's slot back; the queues it owns stay, without an owner. Further calls on
   * the handle throw.
   */
  close(): void;
}

/** Creates stores and opens them on other threads. */
export const SharedDataStore = {
  /** Creates a store in new shared memory and returns this thread's handle on it. */
  create(options?: SharedDataStoreOptions): SharedDataStore {
    return createStore(options);
  },
  /** Opens a handle for this thread on the store `descriptor` describes. */
  open(descriptor: SharedDataDescriptor): SharedDataStore {
    return openStore(descriptor);
  },
};
