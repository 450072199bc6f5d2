import type { MessagePort } from 'node:worker_threads';

/**
 * A transferable ticket to one dispatcher, made by `Dispatcher.createHandle()` on the dispatcher's
 * own thread. Give it to another thread (put `handle.port` in the transfer list of `postMessage`,
 * or in a `Worker`'s `transferList`), which turns it into a `RemoteDispatcher` with
 * `remoteDispatcher(handle)`. A handle serves one remote dispatcher: make one per consumer.
 */
export interface DispatcherHandle {
  /** The target dispatcher's name, e.g. `worker_0`. */
  readonly name: string;
  /** The target thread's Node `threadId` (0 for the main thread). */
  readonly threadId: number;
  /** The sending end of the channel into the target dispatcher. */
  readonly port: MessagePort;
}
