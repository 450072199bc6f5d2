// The worker side of thread-local storage, loaded into every worker through
// `startWorkers({ modules: [threadLocalWorkerModule] })`: its `init` installs the handlers main's
// instance talks to, its `shutdown` frees the worker's objects (Envoy's `shutdownThread()`).
import type { WorkerContext } from '@nuncio/dispatcher';
import { installThreadLocalHandlers, shutdownWorkerThreadLocals } from './worker-handlers.ts';

/** Installs the thread-local handlers on the worker's dispatcher. */
export function init(context: WorkerContext): void {
  installThreadLocalHandlers(context.dispatcher);
}

/** Frees this worker's thread-local objects, disposing those that can be. */
export function shutdown(): void {
  shutdownWorkerThreadLocals();
}
