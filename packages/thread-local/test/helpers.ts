// Shared set-up of the tests: a pool of workers that load the thread-local worker module, the
// fixtures' objects and the inspection handlers, registered with a fresh thread-local instance.
import {
  currentDispatcher,
  startWorkers,
  type WorkerPool,
  type WorkerRuntimeOptions,
} from '@nuncio/dispatcher';
import {
  createThreadLocal,
  type ThreadLocalError,
  type ThreadLocalInstance,
  threadLocalWorkerModule,
} from '../src/index.ts';
import type { InspectHandlers } from './fixtures/inspect-module.ts';

export const objectsModule = new URL('./fixtures/objects.ts', import.meta.url);
export const inspectModule = new URL('./fixtures/inspect-module.ts', import.meta.url);

export interface Cluster {
  pool: WorkerPool<InspectHandlers>;
  tls: ThreadLocalInstance;
  /** What the instance reported through `onError`. */
  errors: ThreadLocalError[];
}

/**
 * Starts `concurrency` workers (default 2), creates an instance, registers the workers, runs `fn`,
 * then shuts everything down in Envoy's order: global threading, the workers, main's thread.
 */
export async function withCluster(
  options: WorkerRuntimeOptions & { register?: boolean },
  fn: (cluster: Cluster) => Promise<void>,
): Promise<void> {
  const { register = true, ...runtime } = options;
  const pool = await startWorkers<InspectHandlers>({
    concurrency: 2,
    modules: [threadLocalWorkerModule, objectsModule, inspectModule],
    shutdownTimeoutMs: 5000,
    ...runtime,
  });
  const errors: ThreadLocalError[] = [];
  const tls = createThreadLocal({ onError: (error) => errors.push(error) });
  try {
    if (register) await tls.registerWorkers(pool);
    await fn({ pool, tls, errors });
  } finally {
    tls.shutdownGlobalThreading();
    await pool.shutdown();
    tls.shutdownThread();
  }
}

/** Resolves after main's dispatcher has run what is queued on it now. */
export function drainMain(): Promise<void> {
  return new Promise((resolve) => currentDispatcher().post(resolve));
}
