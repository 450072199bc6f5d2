import type { Dispatcher } from './dispatcher.ts';
import { invalidArgumentError } from './errors.ts';
import { fieldIndex, S_GENERATION, S_STATE, S_TOUCHED, SlotState } from './heartbeat-layout.ts';
import type { WatchDog } from './watch-dog.ts';

/**
 * A thread's place in a guard dog's shared memory, made on the main thread by
 * `GuardDog.registerWorker()` and passed to the thread (it is structured-cloneable: the buffer is
 * shared, not copied).
 */
export interface WatchdogRegistration {
  /** The guard dog's shared memory. */
  readonly buffer: SharedArrayBuffer;
  /** The thread's slot in it. */
  readonly slot: number;
  /** The slot's generation when registered: a stale registration cannot release a newer one. */
  readonly generation: number;
  /** How often the thread's dispatcher touches while idle (half the guard's interval). */
  readonly touchIntervalMs: number;
  /** The watched thread's name, as the guard reports it. */
  readonly name: string;
}

/** The per-thread end of the shared-memory watchdog. */
export class SharedWatchDog implements WatchDog {
  private readonly ints: Int32Array;
  private readonly touchedIndex: number;
  private readonly slot: number;
  private readonly generation: number;

  constructor(registration: WatchdogRegistration) {
    this.ints = new Int32Array(registration.buffer);
    this.slot = registration.slot;
    this.generation = registration.generation;
    this.touchedIndex = fieldIndex(registration.slot, S_TOUCHED);
  }

  /** Starts the watch: from now on the guard expects touches. */
  startWatching(): void {
    if (Atomics.load(this.ints, fieldIndex(this.slot, S_GENERATION)) !== this.generation) return;
    Atomics.store(this.ints, this.touchedIndex, 1);
    Atomics.store(this.ints, fieldIndex(this.slot, S_STATE), SlotState.Watched);
  }

  touch(): void {
    // A plain store: the flag only has to become visible; the guard takes it with Atomics.exchange.
    this.ints[this.touchedIndex] = 1;
  }

  stopWatching(): void {
    releaseSlot(this.ints, this.slot, this.generation);
  }
}

/** Ends the watch of `slot` if it still belongs to `generation`. */
export function releaseSlot(ints: Int32Array, slot: number, generation: number): void {
  if (Atomics.load(ints, fieldIndex(slot, S_GENERATION)) === generation) {
    Atomics.store(ints, fieldIndex(slot, S_STATE), SlotState.Free);
  }
}

/**
 * Has `dispatcher` (this thread's) touch the watchdog slot of `registration`: before every callback
 * and, while idle, every `registration.touchIntervalMs`. The guard starts counting misses for the
 * thread from this call on. For threads you start yourself; workers started by
 * `startWorkers({ watchdog })` are attached for you once their modules' `init` has run.
 */
export function attachWatchdog(
  dispatcher: Dispatcher,
  registration: WatchdogRegistration,
): WatchDog {
  if (!(registration?.buffer instanceof SharedArrayBuffer)) {
    throw invalidArgumentError('registration', registration, 'a WatchdogRegistration');
  }
  const watchdog = new SharedWatchDog(registration);
  dispatcher.registerWatchdog(watchdog, registration.touchIntervalMs);
  watchdog.startWatching();
  return watchdog;
}
