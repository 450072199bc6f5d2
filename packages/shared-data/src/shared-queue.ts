import type { SharedDataResult } from './result.ts';

/**
 * Anything that runs callbacks on its own thread in order, like `@nuncio/dispatcher`'s
 * `Dispatcher` (whose `post` satisfies this). The store posts a queue's ready callback through it,
 * so the callback runs in dispatcher order, between I/O callbacks, never inside one.
 */
export interface QueueDispatcher {
  /** Queues `callback` to run once on the dispatcher's thread. */
  post(callback: () => void): void;
}

/** How the owner of a queue is told that items are waiting. */
export interface QueueReadyOptions {
  /**
   * Called on the owner's thread when items are waiting: proxy-wasm's `on_queue_ready`. It should
   * dequeue; as long as each call takes at least one item, it is called again until the queue is
   * empty, so a plugin that takes one item per call (as Envoy's examples do) drains it too.
   */
  onReady(token: number): void;
  /**
   * Where to run `onReady`; without one it runs from a `setImmediate` callback on the thread that
   * registered the queue.
   */
  dispatcher?: QueueDispatcher;
}

/** What `registerQueue` returns: `Ok` and the queue's token, or a failure and token 0. */
export interface SharedQueueRegistration {
  /** `Ok`, `BadArgument` (name too long), `QueueFull` (queue table full) or `LockTimeout`. */
  readonly result: SharedDataResult;
  /** The queue's token (nonzero) when `result` is `Ok`, else 0. */
  readonly token: number;
}

/** What `dequeue` returns: `Ok` with the oldest item, or why there is none. */
export type SharedQueueDequeueResult =
  | { readonly result: typeof SharedDataResult.Ok; readonly value: Uint8Array }
  | {
      /** `Empty`, `NotFound` (no such queue) or `LockTimeout`. */
      readonly result: Exclude<SharedDataResult, typeof SharedDataResult.Ok>;
      readonly value: undefined;
    };
