import { isMainThread, threadId } from 'node:worker_threads';
import { threadNotRegisteredError, unknownSlotError } from './errors.ts';
import type { Slot, SlotRef } from './slot.ts';
import type { ThreadLocalInstance } from './thread-local.ts';
import { createThreadLocal } from './thread-local-impl.ts';
import { threadState } from './thread-state.ts';

/**
 * This thread's thread-local instance. On main: the one made last by `createThreadLocal()` and not
 * shut down, else a new one with default options. On a worker: the view made when main registered
 * the worker (the newest, if several instances did); throws `NUNCIO_ERR_TLS_THREAD_NOT_REGISTERED`
 * before that.
 */
export function threadLocal(): ThreadLocalInstance {
  const state = threadState();
  if (isMainThread) return state.currentMain ?? createThreadLocal();
  const instance = state.currentWorker;
  if (instance === null) {
    throw threadNotRegisteredError(state.workerDispatcher?.name ?? `thread_${threadId}`);
  }
  return instance;
}

/**
 * This thread's view of the slot `ref` names: on main the slot itself, on a worker the worker's.
 * Throws `NUNCIO_ERR_TLS_UNKNOWN_SLOT` when the slot has not reached this thread (refs sent after
 * `set()` or `publish()` on the worker's dispatcher always find it) or has been freed, and
 * `NUNCIO_ERR_TLS_THREAD_NOT_REGISTERED` when the instance never registered this thread.
 */
export function getSlot<T, S>(ref: SlotRef<T, S>): Slot<T, S> {
  const state = threadState();
  const instance = isMainThread
    ? state.mainInstances.get(ref.instance)
    : state.workerInstances.get(ref.instance);
  if (instance === undefined) {
    if (isMainThread) throw unknownSlotError(ref.index, ref.generation, 'main_thread');
    throw threadNotRegisteredError(state.workerDispatcher?.name ?? `thread_${threadId}`);
  }
  return instance.slotFor(ref.index, ref.generation) as Slot<T, S>;
}
