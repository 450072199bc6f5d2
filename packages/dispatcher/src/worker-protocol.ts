// Control messages between the main thread and a worker, over the worker's parentPort. Dispatcher
// traffic goes through dispatcher handles instead; this channel only starts and stops the worker.
import type { DispatcherHandle } from './dispatcher-handle.ts';
import type { WatchdogRegistration } from './shared-watch-dog.ts';

/** The worker's `workerData`. */
export interface WorkerBootData {
  index: number;
  name: string;
  threadName: string;
  restarts: number;
  modules: string[];
  userData: unknown;
  mainHandle: DispatcherHandle;
  watchdog: WatchdogRegistration | null;
}

/** Worker to main: started, here is a handle to my dispatcher. */
export interface ReadyMessage {
  type: 'nuncio:ready';
  handle: DispatcherHandle;
}

/** Main to worker: finish your queue and exit. */
export interface ShutdownMessage {
  type: 'nuncio:shutdown';
}
