import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { currentDispatcher } from './current-dispatcher.ts';
import type { Dispatcher } from './dispatcher.ts';
import {
  invalidArgumentError,
  workerCrashedError,
  workerShutdownTimeoutError,
  workerStartFailedError,
} from './errors.ts';
import type { GuardDog } from './guard-dog.ts';
import { type GuardDogOptions, startGuardDog } from './guard-dog-impl.ts';
import type { HandlerMap } from './handler.ts';
import type { LoopStats } from './loop-stats.ts';
import type { RemoteDispatcher } from './remote-dispatcher.ts';
import { remoteDispatcher } from './remote-dispatcher-impl.ts';
import type { WatchdogRegistration } from './shared-watch-dog.ts';
import type { ReadyMessage, WorkerBootData } from './worker-protocol.ts';
import type {
  CrashPolicy,
  ShutdownReport,
  WorkerCrash,
  WorkerInfo,
  WorkerPool,
  WorkerPoolEvents,
  WorkerRuntimeOptions,
  WorkerShutdown,
} from './worker-runtime.ts';

// Sources run as .ts (type stripping) in tests; the built package runs as .js.
const workerMainUrl = new URL(
  import.meta.url.endsWith('.ts') ? './worker-main.ts' : './worker-main.js',
  import.meta.url,
);

/** Linux keeps the first 15 bytes of a thread name. */
const OS_THREAD_NAME_BYTES = 15;

const SlotState = { Starting: 0, Running: 1, Stopping: 2, Exited: 3 } as const;
type SlotState = (typeof SlotState)[keyof typeof SlotState];

/** One worker index and its current thread. */
interface Slot<H extends object> {
  readonly index: number;
  readonly name: string;
  readonly threadName: string;
  worker: Worker | null;
  state: SlotState;
  info: WorkerInfo<H> | null;
  restarts: number;
  registration: WatchdogRegistration | null;
  /** The last `error` event of the current thread: the cause reported when it exits. */
  lastError: unknown;
  exitCode: number;
  started: { resolve(info: WorkerInfo<H>): void; reject(error: unknown): void } | null;
  exitWaiter: ((exitCode: number) => void) | null;
}

interface ResolvedOptions {
  concurrency: number;
  modules: string[];
  workerData: unknown;
  crashPolicy: CrashPolicy;
  shutdownTimeoutMs: number;
  startTimeoutMs: number;
  resourceLimits: WorkerRuntimeOptions['resourceLimits'];
  execArgv: string[] | undefined;
}

function osThreadName(threadName: string): string {
  const bytes = Buffer.from(threadName, 'utf8');
  return bytes.length <= OS_THREAD_NAME_BYTES
    ? threadName
    : bytes.subarray(0, OS_THREAD_NAME_BYTES).toString('utf8');
}

function moduleUrl(module: string | URL, index: number): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) {
    throw invalidArgumentError(`modules[${index}]`, module, 'a URL or an absolute path');
  }
  if (isAbsolute(module)) return pathToFileURL(module).href;
  if (module.startsWith('.')) {
    // It would resolve against this package's files, not the caller's.
    throw invalidArgumentError(
      `modules[${index}]`,
      module,
      'a URL or an absolute path, not a relative one',
    );
  }
  return module;
}

function resolveOptions(options: WorkerRuntimeOptions): ResolvedOptions {
  const concurrency = options.concurrency ?? availableParallelism();
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw invalidArgumentError('concurrency', concurrency, 'an integer >= 1');
  }
  const crashPolicy = options.crashPolicy ?? 'exit';
  if (crashPolicy !== 'exit' && crashPolicy !== 'restart') {
    throw invalidArgumentError('crashPolicy', crashPolicy, '"exit" or "restart"');
  }
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5000;
  if (!(shutdownTimeoutMs >= 0 && shutdownTimeoutMs <= 2_147_483_647)) {
    throw invalidArgumentError('shutdownTimeoutMs', shutdownTimeoutMs, 'a number of ms >= 0');
  }
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  if (!(startTimeoutMs > 0 && startTimeoutMs <= 2_147_483_647)) {
    throw invalidArgumentError('startTimeoutMs', startTimeoutMs, 'a number of ms > 0');
  }
  return {
    concurrency,
    modules: (options.modules ?? []).map(moduleUrl),
    workerData: options.workerData,
    crashPolicy,
    shutdownTimeoutMs,
    startTimeoutMs,
    resourceLimits: options.resourceLimits,
    execArgv: options.execArgv,
  };
}

function isGuardDog(value: GuardDog | GuardDogOptions): value is GuardDog {
  return typeof (value as GuardDog).registerWorker === 'function';
}

class WorkerPoolImpl<H extends object>
  extends EventEmitter<WorkerPoolEvents<H>>
  implements WorkerPool<H>
{
  readonly guardDog: GuardDog | null;
  private readonly options: ResolvedOptions;
  private readonly main: Dispatcher;
  private readonly ownsGuardDog: boolean;
  private readonly slots: Slot<H>[];
  private shutdownPromise: Promise<ShutdownReport> | null;

  constructor(
    options: ResolvedOptions,
    main: Dispatcher,
    guardDog: GuardDog | null,
    ownsGuardDog: boolean,
  ) {
    super();
    this.options = options;
    this.main = main;
    this.guardDog = guardDog;
    this.ownsGuardDog = ownsGuardDog;
    this.shutdownPromise = null;
    this.slots = [];
    for (let index = 0; index < options.concurrency; index++) {
      this.slots.push({
        index,
        name: `worker_${index}`,
        threadName: `wrk:worker_${index}`,
        worker: null,
        state: SlotState.Exited,
        info: null,
        restarts: 0,
        registration: null,
        lastError: undefined,
        exitCode: 0,
        started: null,
        exitWaiter: null,
      });
    }
  }

  get workers(): readonly WorkerInfo<H>[] {
    const infos: WorkerInfo<H>[] = [];
    for (const slot of this.slots) if (slot.info !== null) infos.push(slot.info);
    return infos;
  }

  async start(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            workerStartFailedError(
              this.slots.find((slot) => slot.state === SlotState.Starting)?.threadName ?? 'worker',
              new Error(`not started within ${this.options.startTimeoutMs} ms`),
            ),
          ),
        this.options.startTimeoutMs,
      );
    });
    try {
      await Promise.race([Promise.all(this.slots.map((slot) => this.spawn(slot))), timeout]);
    } catch (error) {
      await this.abortStart();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  loopStats(): Promise<LoopStats[]> {
    return Promise.all(
      this.workers.map(
        (worker) =>
          (worker.dispatcher as RemoteDispatcher<HandlerMap>).call(
            'nuncio.loopStats',
          ) as Promise<LoopStats>,
      ),
    );
  }

  shutdown(): Promise<ShutdownReport> {
    this.shutdownPromise ??= this.stopAll();
    return this.shutdownPromise;
  }

  private spawn(slot: Slot<H>): Promise<WorkerInfo<H>> {
    const mainHandle = this.main.createHandle();
    const registration = this.guardDog?.registerWorker(slot.name) ?? null;
    const boot: WorkerBootData = {
      index: slot.index,
      name: slot.name,
      threadName: slot.threadName,
      restarts: slot.restarts,
      modules: this.options.modules,
      userData: this.options.workerData,
      mainHandle,
      watchdog: registration,
    };
    const worker = new Worker(workerMainUrl, {
      name: slot.threadName,
      workerData: boot,
      transferList: [mainHandle.port],
      ...(this.options.resourceLimits === undefined
        ? {}
        : { resourceLimits: this.options.resourceLimits }),
      ...(this.options.execArgv === undefined ? {} : { execArgv: this.options.execArgv }),
    });
    slot.worker = worker;
    slot.state = SlotState.Starting;
    slot.registration = registration;
    slot.lastError = undefined;
    worker.on('message', (message: ReadyMessage) => this.onControlMessage(slot, worker, message));
    worker.on('error', (error) => {
      if (slot.worker === worker) slot.lastError = error;
    });
    worker.on('exit', (exitCode) => this.onWorkerExit(slot, worker, exitCode));
    return new Promise<WorkerInfo<H>>((resolve, reject) => {
      slot.started = { resolve, reject };
    });
  }

  private onControlMessage(slot: Slot<H>, worker: Worker, message: ReadyMessage): void {
    if (message?.type !== 'nuncio:ready' || slot.worker !== worker) return;
    const info: WorkerInfo<H> = {
      index: slot.index,
      name: slot.name,
      threadName: slot.threadName,
      osThreadName: osThreadName(slot.threadName),
      threadId: worker.threadId,
      dispatcher: remoteDispatcher<H>(message.handle),
      restarts: slot.restarts,
      thread: worker,
    };
    slot.info = info;
    if (slot.state === SlotState.Starting) slot.state = SlotState.Running;
    const started = slot.started;
    slot.started = null;
    started?.resolve(info);
  }

  private onWorkerExit(slot: Slot<H>, worker: Worker, exitCode: number): void {
    if (slot.worker !== worker) return;
    const previous = slot.state;
    slot.state = SlotState.Exited;
    slot.exitCode = exitCode;
    slot.worker = null;
    if (slot.registration !== null) this.guardDog?.unregister(slot.registration);
    slot.info?.dispatcher.close();
    const cause = slot.lastError ?? new Error(`exited with code ${exitCode}`);
    if (slot.info !== null && slot.info.thread === worker) this.emit('exit', slot.info, exitCode);

    const started = slot.started;
    slot.started = null;
    if (previous === SlotState.Starting) {
      started?.reject(workerStartFailedError(slot.threadName, cause));
    }
    if (previous === SlotState.Stopping || this.shutdownPromise !== null) {
      const waiter = slot.exitWaiter;
      slot.exitWaiter = null;
      waiter?.(exitCode);
      return;
    }
    // A worker exiting while running is a crash; one failing while restarting stays down, since
    // starting it yet again would most likely fail the same way.
    if (previous === SlotState.Running) this.crashed(slot, worker, cause, this.options.crashPolicy);
    else if (slot.restarts > 0) this.crashed(slot, worker, cause, 'none');
  }

  private crashed(
    slot: Slot<H>,
    worker: Worker,
    cause: unknown,
    action: WorkerCrash['action'],
  ): void {
    const error = workerCrashedError(slot.threadName, cause);
    const crash: WorkerCrash = {
      index: slot.index,
      name: slot.name,
      threadName: slot.threadName,
      threadId: slot.info?.threadId ?? worker.threadId,
      error,
      cause,
      action,
    };
    const next =
      action === 'exit'
        ? 'ending the process (crashPolicy "exit")'
        : action === 'restart'
          ? 'restarting it'
          : 'leaving it down';
    console.error(`[nuncio] worker ${slot.threadName} crashed; ${next}:`, cause);
    this.emit('crash', crash);
    if (action === 'exit') {
      process.exit(1);
    }
    if (action === 'restart') {
      slot.restarts++;
      let restarted: Promise<WorkerInfo<H>>;
      try {
        restarted = this.spawn(slot);
      } catch (error) {
        // No thread was started (say, the watchdog had no slot left): the index stays down.
        console.error(`[nuncio] worker ${slot.threadName} could not be restarted:`, error);
        return;
      }
      restarted.then(
        (info) => this.emit('restart', info),
        () => {
          // Reported by onWorkerExit as a crash with action 'none'.
        },
      );
    }
  }

  private async abortStart(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        if (worker === null) return;
        slot.state = SlotState.Stopping;
        const exited = new Promise<void>((resolve) => {
          slot.exitWaiter = () => resolve();
        });
        await worker.terminate();
        await exited;
      }),
    );
    if (this.ownsGuardDog) await this.guardDog?.stop();
  }

  private async stopAll(): Promise<ShutdownReport> {
    const workers = await Promise.all(this.slots.map((slot) => this.stopSlot(slot)));
    if (this.ownsGuardDog) await this.guardDog?.stop();
    return { workers };
  }

  private stopSlot(slot: Slot<H>): Promise<WorkerShutdown> {
    const worker = slot.worker;
    if (worker === null) {
      return Promise.resolve({
        index: slot.index,
        name: slot.name,
        outcome: 'exited',
        exitCode: slot.exitCode,
      });
    }
    slot.state = SlotState.Stopping;
    const timeoutMs = this.options.shutdownTimeoutMs;
    return new Promise<WorkerShutdown>((resolve) => {
      let error: ReturnType<typeof workerShutdownTimeoutError> | undefined;
      const timer = setTimeout(() => {
        error = workerShutdownTimeoutError(slot.threadName, timeoutMs);
        console.error(`[nuncio] ${error.message}`);
        void worker.terminate();
      }, timeoutMs);
      slot.exitWaiter = (exitCode) => {
        clearTimeout(timer);
        resolve(
          error === undefined
            ? { index: slot.index, name: slot.name, outcome: 'exited', exitCode }
            : { index: slot.index, name: slot.name, outcome: 'terminated', exitCode, error },
        );
      };
      worker.postMessage({ type: 'nuncio:shutdown' });
    });
  }
}

/**
 * Starts `concurrency` worker threads named `wrk:worker_<i>`, each running a dispatcher named
 * `worker_<i>` connected to this thread's, imports `modules` in each and awaits their `init`.
 * Resolves once every worker has started; rejects with `NUNCIO_ERR_WORKER_START_FAILED` naming the
 * worker (and ends the others) when one fails or `startTimeoutMs` passes.
 */
export async function startWorkers<WorkerHandlers extends object = HandlerMap>(
  options: WorkerRuntimeOptions = {},
): Promise<WorkerPool<WorkerHandlers>> {
  const resolved = resolveOptions(options);
  const main = options.dispatcher ?? currentDispatcher();
  let guardDog: GuardDog | null = null;
  let ownsGuardDog = false;
  if (options.watchdog !== undefined) {
    if (isGuardDog(options.watchdog)) {
      guardDog = options.watchdog;
    } else {
      // The main thread watched is the pool's main dispatcher, which need not be the current one.
      guardDog = startGuardDog({ ...options.watchdog, watchMainThread: false });
      ownsGuardDog = true;
      if (options.watchdog.watchMainThread ?? true) guardDog.watchMainThread(main);
    }
  }
  const pool = new WorkerPoolImpl<WorkerHandlers>(resolved, main, guardDog, ownsGuardDog);
  // Started together: the workers' start-up overlaps the guards'.
  await Promise.all([pool.start(), guardDog?.whenRunning()]);
  return pool;
}
