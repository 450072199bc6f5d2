import { Worker } from 'node:worker_threads';
import { currentDispatcher } from './current-dispatcher.ts';
import type { Dispatcher } from './dispatcher.ts';
import { invalidArgumentError, watchdogNoFreeSlotError } from './errors.ts';
import type { GuardDog, WatchdogThreadStats, WatchdogTotals } from './guard-dog.ts';
import type { GuardThreadData } from './guard-dog-thread.ts';
import {
  bufferBytes,
  fieldIndex,
  H_CAPACITY,
  H_KILLED,
  H_STOP,
  MAIN_SLOT,
  readName,
  S_GENERATION,
  S_MEGA_MISS,
  S_MISS,
  S_NAME_LENGTH,
  S_STATE,
  SlotState,
  writeName,
} from './heartbeat-layout.ts';
import { attachWatchdog, releaseSlot, type WatchdogRegistration } from './shared-watch-dog.ts';
import {
  guardLoopIntervalMs,
  type ResolvedWatchdogConfig,
  resolveWatchdogConfig,
  type WatchdogsConfig,
} from './watchdog-config.ts';

/** Options for {@link startGuardDog}: Envoy's `watchdogs` plus how the guards run. */
export interface GuardDogOptions extends WatchdogsConfig {
  /** Threads that can be watched, main thread included (default 257: main plus 256 workers). */
  maxThreads?: number;
  /** Signal sent to the process on a kill or multikill (default `SIGABRT`, Envoy's abort). */
  killSignal?: NodeJS.Signals;
  /** Watch this thread's dispatcher as the main thread at once (default true). */
  watchMainThread?: boolean;
}

// Sources run as .ts (type stripping) in tests; the built package runs as .js.
const guardThreadUrl = new URL(
  import.meta.url.endsWith('.ts') ? './guard-dog-thread.ts' : './guard-dog-thread.js',
  import.meta.url,
);

class GuardDogImpl implements GuardDog {
  readonly mainThreadConfig: ResolvedWatchdogConfig;
  readonly workerConfig: ResolvedWatchdogConfig;
  readonly guardThreadIds: { readonly mainThread: number; readonly workers: number };
  private readonly buffer: SharedArrayBuffer;
  private readonly ints: Int32Array;
  private readonly capacity: number;
  private readonly mainGuard: Worker;
  private readonly workersGuard: Worker;
  private stopped: Promise<void> | null;
  private readonly running: Promise<void>;

  constructor(options: GuardDogOptions) {
    this.mainThreadConfig = resolveWatchdogConfig(
      options.mainThreadWatchdog,
      'watchdogs.mainThreadWatchdog',
    );
    this.workerConfig = resolveWatchdogConfig(options.workerWatchdog, 'watchdogs.workerWatchdog');
    const capacity = options.maxThreads ?? 257;
    if (!(Number.isInteger(capacity) && capacity >= 2 && capacity <= 65_536)) {
      throw invalidArgumentError('maxThreads', capacity, 'an integer from 2 to 65536');
    }
    const killSignal = options.killSignal ?? 'SIGABRT';
    if (typeof killSignal !== 'string' || !killSignal.startsWith('SIG')) {
      throw invalidArgumentError('killSignal', killSignal, 'a signal name such as "SIGABRT"');
    }
    this.capacity = capacity;
    this.buffer = new SharedArrayBuffer(bufferBytes(capacity));
    this.ints = new Int32Array(this.buffer);
    this.ints[H_CAPACITY] = capacity;
    writeName(this.ints, MAIN_SLOT, 'main_thread');
    this.mainGuard = this.startGuard(
      'dog:main_thread',
      MAIN_SLOT,
      1,
      this.mainThreadConfig,
      killSignal,
    );
    this.workersGuard = this.startGuard(
      'dog:workers_guard',
      1,
      capacity,
      this.workerConfig,
      killSignal,
    );
    this.guardThreadIds = {
      mainThread: this.mainGuard.threadId,
      workers: this.workersGuard.threadId,
    };
    this.stopped = null;
    this.running = Promise.all([running(this.mainGuard), running(this.workersGuard)]).then(
      () => {},
    );
    // Observed here so that a failure nobody awaits is not an unhandled rejection; the guard's
    // 'error' listener already logs it.
    this.running.catch(() => {});
  }

  whenRunning(): Promise<void> {
    return this.running;
  }

  watchMainThread(dispatcher: Dispatcher = currentDispatcher()): void {
    const registration = this.take(MAIN_SLOT, dispatcher.name, true, this.mainThreadConfig);
    attachWatchdog(dispatcher, registration);
  }

  registerWorker(name: string): WatchdogRegistration {
    if (typeof name !== 'string' || name.length === 0) {
      throw invalidArgumentError('thread name', name, 'a non-empty string');
    }
    let unused = -1;
    let reusable = -1;
    for (let slot = 1; slot < this.capacity; slot++) {
      const free = Atomics.load(this.ints, fieldIndex(slot, S_STATE)) === SlotState.Free;
      const used = Atomics.load(this.ints, fieldIndex(slot, S_NAME_LENGTH)) > 0;
      if (used && readName(this.ints, slot) === name) {
        // The same thread again (a restarted worker): keep its counts. If the old registration
        // is still active, the new generation supersedes it.
        return this.take(slot, name, true, this.workerConfig);
      }
      if (!used && unused < 0) unused = slot;
      else if (used && free && reusable < 0) reusable = slot;
    }
    const slot = unused >= 0 ? unused : reusable;
    if (slot < 0) throw watchdogNoFreeSlotError(name, this.capacity);
    return this.take(slot, name, false, this.workerConfig);
  }

  unregister(registration: WatchdogRegistration): void {
    if (registration.buffer !== this.buffer) return;
    releaseSlot(this.ints, registration.slot, registration.generation);
  }

  threadStats(): WatchdogThreadStats[] {
    const stats: WatchdogThreadStats[] = [];
    for (let slot = 0; slot < this.capacity; slot++) {
      if (Atomics.load(this.ints, fieldIndex(slot, S_GENERATION)) === 0) continue;
      stats.push(this.read(slot));
    }
    return stats;
  }

  statsFor(name: string): WatchdogThreadStats | undefined {
    for (let slot = 0; slot < this.capacity; slot++) {
      if (Atomics.load(this.ints, fieldIndex(slot, S_GENERATION)) === 0) continue;
      if (readName(this.ints, slot) === name) return this.read(slot);
    }
    return undefined;
  }

  totals(): WatchdogTotals {
    const totals: WatchdogTotals = {
      mainThread: { watchdogMiss: 0, watchdogMegaMiss: 0 },
      workers: { watchdogMiss: 0, watchdogMegaMiss: 0 },
    };
    for (const thread of this.threadStats()) {
      const sum = thread.role === 'main' ? totals.mainThread : totals.workers;
      sum.watchdogMiss += thread.watchdogMiss;
      sum.watchdogMegaMiss += thread.watchdogMegaMiss;
    }
    return totals;
  }

  killedThread(): string | null {
    const slot = Atomics.load(this.ints, H_KILLED) - 1;
    return slot < 0 ? null : readName(this.ints, slot);
  }

  stop(): Promise<void> {
    if (this.stopped === null) {
      Atomics.store(this.ints, H_STOP, 1);
      Atomics.notify(this.ints, H_STOP);
      const exited = (worker: Worker) => {
        if (worker.threadId === -1) return Promise.resolve();
        // Held open while waiting: an unref'd guard would let the loop end before it has exited.
        worker.ref();
        return new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      };
      this.stopped = Promise.all([exited(this.mainGuard), exited(this.workersGuard)]).then(
        () => {},
      );
    }
    return this.stopped;
  }

  private startGuard(
    name: string,
    firstSlot: number,
    endSlot: number,
    config: ResolvedWatchdogConfig,
    killSignal: NodeJS.Signals,
  ): Worker {
    const workerData: GuardThreadData = {
      buffer: this.buffer,
      firstSlot,
      endSlot,
      config,
      loopIntervalMs: guardLoopIntervalMs(config),
      killSignal,
      guardName: name,
    };
    const worker = new Worker(guardThreadUrl, { name, workerData });
    // A guard never keeps the process alive; it is there only while something else is.
    worker.unref();
    worker.on('error', (error) => console.error(`[nuncio] watchdog guard ${name} failed`, error));
    return worker;
  }

  private take(
    slot: number,
    name: string,
    keepCounts: boolean,
    config: ResolvedWatchdogConfig,
  ): WatchdogRegistration {
    const ints = this.ints;
    writeName(ints, slot, name);
    if (!keepCounts) {
      Atomics.store(ints, fieldIndex(slot, S_MISS), 0);
      Atomics.store(ints, fieldIndex(slot, S_MEGA_MISS), 0);
    }
    // Reserved, not watched, until the thread attaches: a thread still starting up (Node's
    // bootstrap, module loading) has no loop to touch with yet and must not count as stuck.
    Atomics.store(ints, fieldIndex(slot, S_STATE), SlotState.Reserved);
    const generation = Atomics.add(ints, fieldIndex(slot, S_GENERATION), 1) + 1;
    return {
      buffer: this.buffer,
      slot,
      generation,
      touchIntervalMs: Math.max(1, Math.floor(guardLoopIntervalMs(config) / 2)),
      name,
    };
  }

  private read(slot: number): WatchdogThreadStats {
    return {
      name: readName(this.ints, slot),
      role: slot === MAIN_SLOT ? 'main' : 'worker',
      active: Atomics.load(this.ints, fieldIndex(slot, S_STATE)) === SlotState.Watched,
      watchdogMiss: Atomics.load(this.ints, fieldIndex(slot, S_MISS)),
      watchdogMegaMiss: Atomics.load(this.ints, fieldIndex(slot, S_MEGA_MISS)),
    };
  }
}

/** Resolves on the guard thread's `running` message; rejects if it fails or exits before. */
function running(guard: Worker): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onMessage = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`watchdog guard thread exited with code ${code} before running`));
    };
    const cleanup = () => {
      guard.off('message', onMessage);
      guard.off('error', onError);
      guard.off('exit', onExit);
    };
    guard.on('message', onMessage);
    guard.on('error', onError);
    guard.on('exit', onExit);
  });
}

/**
 * Starts Envoy's two guard threads over a fresh shared heartbeat table and, unless told otherwise,
 * watches this thread's dispatcher as the main thread. Pass the result to `startWorkers({
 * watchdog })` to watch its workers too. Throws `NUNCIO_ERR_WATCHDOG_INVALID_CONFIG` naming a bad
 * field.
 */
export function startGuardDog(options: GuardDogOptions = {}): GuardDog {
  const guardDog = new GuardDogImpl(options);
  if (options.watchMainThread ?? true) guardDog.watchMainThread();
  return guardDog;
}
