// Entry of every worker started by startWorkers(): make the thread's dispatcher, connect it to the
// main thread's, import the modules and run their init, then report ready with a handle.
import { parentPort, workerData } from 'node:worker_threads';
import { setCurrentDispatcher, setMainDispatcher } from './current-dispatcher.ts';
import { DispatcherImpl } from './dispatcher-impl.ts';
import { remoteDispatcher } from './remote-dispatcher-impl.ts';
import { attachWatchdog } from './shared-watch-dog.ts';
import type { ReadyMessage, WorkerBootData } from './worker-protocol.ts';
import type { WorkerContext } from './worker-runtime.ts';

interface WorkerModule {
  init?: (context: WorkerContext) => unknown;
  shutdown?: (context: WorkerContext) => unknown;
}

const boot = workerData as WorkerBootData;
const port = parentPort;
if (port === null) throw new Error('worker-main must run in a worker thread');

const dispatcher = new DispatcherImpl({ name: boot.name });
setCurrentDispatcher(dispatcher);
const main = remoteDispatcher(boot.mainHandle);
setMainDispatcher(main);

const context: WorkerContext = {
  dispatcher,
  index: boot.index,
  name: boot.name,
  threadName: boot.threadName,
  workerData: boot.userData,
  restarts: boot.restarts,
  mainDispatcher: main,
};

let shuttingDown = false;
const modules: WorkerModule[] = [];

async function shutdown(): Promise<void> {
  let exitCode = 0;
  for (const module of modules.slice().reverse()) {
    if (typeof module.shutdown !== 'function') continue;
    try {
      await module.shutdown(context);
    } catch (error) {
      console.error(`[nuncio] worker ${boot.threadName}: a module's shutdown failed`, error);
      exitCode = 1;
    }
  }
  dispatcher.onExit(() => {
    main.close();
    process.exit(exitCode);
  });
  dispatcher.exit();
}

// Listening on parentPort also keeps the thread alive until it is told to stop.
port.on('message', (message: { type?: string }) => {
  if (message?.type !== 'nuncio:shutdown' || shuttingDown) return;
  shuttingDown = true;
  // A post, so whatever is already queued runs first.
  dispatcher.post(() => {
    void shutdown();
  });
});

for (const url of boot.modules) {
  const module = (await import(url)) as WorkerModule;
  modules.push(module);
  if (typeof module.init === 'function') await module.init(context);
}

// Watched from here on, as Envoy's workers are once their loop runs: module loading and init are
// start-up work, bounded by startTimeoutMs instead.
if (boot.watchdog !== null) attachWatchdog(dispatcher, boot.watchdog);
const handle = dispatcher.createHandle();
const ready: ReadyMessage = { type: 'nuncio:ready', handle };
port.postMessage(ready, [handle.port]);
