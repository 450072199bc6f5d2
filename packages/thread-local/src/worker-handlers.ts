import type { Dispatcher } from '@nuncio/dispatcher';
import { threadNotRegisteredError } from './errors.ts';
import {
  type AttachMessage,
  type FreeMessage,
  type PublishMessage,
  type RunMessage,
  type SetMessage,
  TlsHandler,
} from './protocol.ts';
import { threadState } from './thread-state.ts';
import { OpKind, WorkerThreadLocal } from './worker-thread-local.ts';

function instanceFor(id: number): WorkerThreadLocal {
  const state = threadState();
  const instance = state.workerInstances.get(id) as WorkerThreadLocal | undefined;
  if (instance === undefined) {
    throw threadNotRegisteredError(state.workerDispatcher?.name ?? 'worker');
  }
  return instance;
}

/**
 * Installs, on a worker's dispatcher, the handlers through which main's thread-local instances
 * register the worker and send it slot changes. The worker module does it in its `init`; call it
 * yourself only for a worker you started without `startWorkers`. Idempotent.
 */
export function installThreadLocalHandlers(dispatcher: Dispatcher): void {
  const state = threadState();
  if (state.workerDispatcher === dispatcher) return;
  state.workerDispatcher = dispatcher;
  dispatcher.registerHandler(TlsHandler.Attach, (message: AttachMessage) => {
    const instance = new WorkerThreadLocal(message.instance, message.threadIndex, dispatcher);
    state.workerInstances.set(instance.id, instance);
    state.currentWorker = instance;
    return instance.attach(message);
  });
  dispatcher.registerHandler(TlsHandler.Set, (message: SetMessage) =>
    instanceFor(message.instance).receive(OpKind.Set, message),
  );
  dispatcher.registerHandler(TlsHandler.Run, (message: RunMessage) =>
    instanceFor(message.instance).receive(OpKind.Run, message),
  );
  dispatcher.registerHandler(TlsHandler.Publish, (message: PublishMessage) =>
    instanceFor(message.instance).receive(OpKind.Publish, message),
  );
  dispatcher.registerHandler(TlsHandler.Free, (message: FreeMessage) =>
    instanceFor(message.instance).receive(OpKind.Free, message),
  );
}

/** `shutdownThread()` of every instance that registered this worker. */
export function shutdownWorkerThreadLocals(): void {
  let failure: { error: unknown } | null = null;
  for (const instance of [...threadState().workerInstances.values()]) {
    try {
      instance.shutdownThread();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure !== null) throw failure.error;
}
