import type { Dispatcher } from '@nuncio/dispatcher';
import type { ThreadLocalInstance } from './thread-local.ts';

/** What the worker side keeps per instance; implemented by `WorkerThreadLocal`. */
export interface WorkerSide extends ThreadLocalInstance {
  /** Main's `SlotRef` resolution on this worker. */
  slotFor(index: number, generation: number): unknown;
}

/** What the main side keeps per instance; implemented by `MainThreadLocal`. */
export interface MainSide extends ThreadLocalInstance {
  slotFor(index: number, generation: number): unknown;
}

/**
 * This thread's thread-local state. Kept on `globalThis` under a registered symbol, so that two
 * copies of this package loaded into one thread (say the worker module from one and user code from
 * another) share it.
 */
export interface ThreadState {
  /** Main: live instances by id, and the one `threadLocal()` returns. */
  readonly mainInstances: Map<number, MainSide>;
  currentMain: MainSide | null;
  nextInstanceId: number;
  /** Workers: the instances that registered this thread, and the newest of them. */
  readonly workerInstances: Map<number, WorkerSide>;
  currentWorker: WorkerSide | null;
  /** Workers: the dispatcher the worker module installed the handlers on. */
  workerDispatcher: Dispatcher | null;
}

const STATE = Symbol.for('@nuncio/thread-local:state');
const holder = globalThis as typeof globalThis & { [STATE]?: ThreadState };

export function threadState(): ThreadState {
  let state = holder[STATE];
  if (state === undefined) {
    state = {
      mainInstances: new Map(),
      currentMain: null,
      nextInstanceId: 1,
      workerInstances: new Map(),
      currentWorker: null,
      workerDispatcher: null,
    };
    holder[STATE] = state;
  }
  return state;
}
