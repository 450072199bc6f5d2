import { isMainThread, threadId } from 'node:worker_threads';
import type { Dispatcher } from './dispatcher.ts';
import { DispatcherImpl } from './dispatcher-impl.ts';
import { noMainDispatcherError } from './errors.ts';
import type { HandlerMap } from './handler.ts';
import type { RemoteDispatcher } from './remote-dispatcher.ts';
import { loopbackRemoteDispatcher } from './remote-dispatcher-impl.ts';

// Kept on globalThis under registered symbols rather than in module variables, so that two copies
// of this package loaded into one thread (say a bundled one and a node_modules one) still agree on
// the thread's dispatcher.
const CURRENT = Symbol.for('@nuncio/dispatcher:current');
const MAIN = Symbol.for('@nuncio/dispatcher:main');

interface ThreadSlots {
  [CURRENT]?: DispatcherImpl;
  [MAIN]?: RemoteDispatcher;
  // The loopback to main is cached together with the dispatcher it targets.
  [LOOPBACK]?: { target: DispatcherImpl; remote: RemoteDispatcher };
}
const LOOPBACK = Symbol.for('@nuncio/dispatcher:loopback');

const slots = globalThis as typeof globalThis & ThreadSlots;

/**
 * This thread's dispatcher, created on first use: named `main_thread` on the main thread, as the
 * worker runtime named it (`worker_<i>`) in its workers, else `thread_<threadId>`. After it has
 * exited, the next call creates a new one.
 */
export function currentDispatcher(): Dispatcher {
  return currentDispatcherImpl();
}

/** The implementation behind {@link currentDispatcher}, for this package's own modules. */
export function currentDispatcherImpl(): DispatcherImpl {
  let dispatcher = slots[CURRENT];
  if (dispatcher === undefined || dispatcher.exited) {
    dispatcher = new DispatcherImpl();
    slots[CURRENT] = dispatcher;
  }
  return dispatcher;
}

/** Installs `dispatcher` as this thread's dispatcher (the worker runtime names its own). */
export function setCurrentDispatcher(dispatcher: DispatcherImpl): void {
  slots[CURRENT] = dispatcher;
}

/** Installs the remote dispatcher to main of a worker started by the runtime. */
export function setMainDispatcher(remote: RemoteDispatcher | undefined): void {
  slots[MAIN] = remote;
}

/**
 * The main thread's dispatcher as a remote dispatcher, the same on every thread: in a worker
 * started by `startWorkers()` it posts to main through a channel; on the main thread it posts to
 * `currentDispatcher()` by loopback (payloads are still cloned). Throws
 * `NUNCIO_ERR_DISPATCHER_NO_MAIN_DISPATCHER` in other worker threads.
 */
export function mainDispatcher<H extends object = HandlerMap>(): RemoteDispatcher<H> {
  const remote = slots[MAIN];
  if (remote !== undefined) return remote as RemoteDispatcher<H>;
  if (!isMainThread) throw noMainDispatcherError(`thread_${threadId}`);
  const target = currentDispatcherImpl();
  let loopback = slots[LOOPBACK];
  if (loopback === undefined || loopback.target !== target) {
    loopback = { target, remote: loopbackRemoteDispatcher(target) };
    slots[LOOPBACK] = loopback;
  }
  return loopback.remote as RemoteDispatcher<H>;
}
