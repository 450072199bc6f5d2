import { MessageChannel, threadId } from 'node:worker_threads';
import type { DeferredDeletable } from './deferred-deletable.ts';
import type {
  CallbackErrorHandler,
  CallbackSource,
  Dispatcher,
  PostCallback,
} from './dispatcher.ts';
import type { DispatcherHandle } from './dispatcher-handle.ts';
import { exitedError, handlerExistsError, invalidArgumentError } from './errors.ts';
import type { Handler } from './handler.ts';
import type { DispatcherCounters, LoopStats } from './loop-stats.ts';
import { LoopStatsRecorder } from './loop-stats-recorder.ts';
import { type MessageHost, PortEndpoint } from './message-runner.ts';
import type { SchedulableCallback } from './schedulable-callback.ts';
import {
  type IterationScheduler,
  Pending,
  SchedulableCallbackImpl,
} from './schedulable-callback-impl.ts';
import { realTimeSource, type TimeSource } from './time-source.ts';
import type { Timer, TimerCallback } from './timer.ts';
import { type CallbackRunner, TimerImpl } from './timer-impl.ts';
import type { WatchDog } from './watch-dog.ts';

/** Options for {@link createDispatcher}. */
export interface DispatcherOptions {
  /** The dispatcher's name (default `main_thread` on the main thread, else `thread_<threadId>`). */
  name?: string;
  /** Clocks handed out as `timeSource` (default the real ones). */
  timeSource?: TimeSource;
  /** Record loop delay percentiles for `loopStats()` (default true). */
  monitorLoopDelay?: boolean;
  /** Sampling interval of the loop delay monitor in ms (default 20). */
  loopDelayResolutionMs?: number;
  /** Receives the errors callbacks throw (default: logged with `console.error`). */
  onError?: CallbackErrorHandler;
}

/** Values of `DispatcherImpl.state`. */
const State = { Running: 0, Exiting: 1, Exited: 2 } as const;
type State = (typeof State)[keyof typeof State];

/** A queued post: `fn(arg)`. Same-thread posts have no argument; cross-thread ones carry the message. */
type QueuedFn = (arg: unknown) => void;

/** The default error handler: log with the dispatcher's name and the callback kind. */
function logCallbackError(error: unknown, context: { dispatcher: string; source: string }): void {
  console.error(
    `[nuncio] dispatcher ${context.dispatcher}: ${context.source} callback threw`,
    error,
  );
}

/**
 * The dispatcher. One run per loop iteration, scheduled with `setImmediate` when there is work: the
 * check phase comes right after the poll phase, so a run sees every post made by that iteration's
 * I/O callbacks, runs between I/O callbacks rather than inside one, and a post made during a run
 * lands in the next iteration (an immediate queued from the check phase waits for the next one).
 * `queueMicrotask` would run after every single I/O callback instead of once per iteration, and a
 * zero timer costs a millisecond.
 */
export class DispatcherImpl implements Dispatcher, CallbackRunner, IterationScheduler, MessageHost {
  readonly name: string;
  readonly threadId: number;
  readonly timeSource: TimeSource;

  // The post queue holds pairs (fn, arg). Two arrays alternate so that a run owns its batch while
  // posts made during it fill the other one: no copy and no allocation per run.
  private postQueue: unknown[];
  private spareQueue: unknown[];
  private toDelete: DeferredDeletable[];
  private spareToDelete: DeferredDeletable[];
  private deferredDeleting: boolean;
  private readonly currentIteration: SchedulableCallbackImpl[];
  private readonly nextIteration: SchedulableCallbackImpl[];
  private runScheduled: boolean;
  private inRun: boolean;
  private runCount: number;
  private readonly runBound: () => void;
  private state: State;

  private readonly handlers: Map<string, Handler>;
  private readonly endpoints: Set<PortEndpoint>;
  private readonly exitCallbacks: (() => void)[];
  private errorHandler: CallbackErrorHandler;
  private watchdog: WatchDog | null;
  private touchTimer: NodeJS.Timeout | null;
  private readonly loopStatsRecorder: LoopStatsRecorder;

  private postRuns: number;
  private postCallbacks: number;
  private remoteMessages: number;
  private unknownHandler: number;
  private callbackErrors: number;
  private droppedAfterExit: number;

  constructor(options: DispatcherOptions = {}) {
    this.threadId = threadId;
    this.name = options.name ?? (threadId === 0 ? 'main_thread' : `thread_${threadId}`);
    this.timeSource = options.timeSource ?? realTimeSource;
    const resolution = options.loopDelayResolutionMs ?? 20;
    if (!(Number.isInteger(resolution) && resolution >= 1)) {
      throw invalidArgumentError('loopDelayResolutionMs', resolution, 'an integer >= 1');
    }
    this.postQueue = [];
    this.spareQueue = [];
    this.toDelete = [];
    this.spareToDelete = [];
    this.deferredDeleting = false;
    this.currentIteration = [];
    this.nextIteration = [];
    this.runScheduled = false;
    this.inRun = false;
    this.runCount = 0;
    this.runBound = this.run.bind(this);
    this.state = State.Running;
    this.handlers = new Map();
    this.endpoints = new Set();
    this.exitCallbacks = [];
    this.errorHandler = options.onError ?? logCallbackError;
    this.watchdog = null;
    this.touchTimer = null;
    this.loopStatsRecorder = new LoopStatsRecorder(options.monitorLoopDelay ?? true, resolution);
    this.postRuns = 0;
    this.postCallbacks = 0;
    this.remoteMessages = 0;
    this.unknownHandler = 0;
    this.callbackErrors = 0;
    this.droppedAfterExit = 0;
    // Built in, so the main thread can read any thread's figures with one call.
    this.handlers.set('nuncio.loopStats', () => this.loopStats());
    this.handlers.set('nuncio.counters', () => this.counters());
  }

  get exited(): boolean {
    return this.state === State.Exited;
  }

  post(callback: PostCallback): void {
    this.enqueue(callback as QueuedFn, undefined);
  }

  /** Queues `fn(arg)`: the shared path of same-thread posts and cross-thread messages. */
  enqueue(fn: QueuedFn, arg: unknown): void {
    if (this.state === State.Exited) {
      this.droppedAfterExit++;
      return;
    }
    this.postQueue.push(fn, arg);
    if (!this.runScheduled) {
      this.runScheduled = true;
      setImmediate(this.runBound);
    }
  }

  createTimer(callback: TimerCallback): Timer {
    return new TimerImpl(this, callback);
  }

  createSchedulableCallback(callback: () => void): SchedulableCallback {
    return new SchedulableCallbackImpl(this, callback);
  }

  deferredDelete(deletable: DeferredDeletable): void {
    this.toDelete.push(deletable);
    if (deletable.deleteIsPending !== undefined) {
      try {
        deletable.deleteIsPending();
      } catch (error) {
        this.reportError(error, 'deferredDelete');
      }
    }
    this.ensureRun();
  }

  clearDeferredDeleteList(): void {
    const list = this.toDelete;
    const count = list.length;
    if (this.deferredDeleting || count === 0) return;
    // Objects deferred while this list is being cleared go to the other list, for the next clear.
    this.toDelete = this.spareToDelete;
    this.deferredDeleting = true;
    for (let i = 0; i < count; i++) {
      const deletable = list[i] as DeferredDeletable;
      list[i] = undefined as unknown as DeferredDeletable;
      try {
        deletable.onDeferredDelete();
      } catch (error) {
        this.reportError(error, 'deferredDelete');
      }
    }
    list.length = 0;
    this.spareToDelete = list;
    this.deferredDeleting = false;
  }

  exit(): void {
    if (this.state !== State.Running) return;
    this.state = State.Exiting;
    // The last run executes what is queued, then finishes the exit.
    this.ensureRun();
  }

  onExit(callback: () => void): void {
    if (this.state === State.Exited) callback();
    else this.exitCallbacks.push(callback);
  }

  isThreadSafe(): boolean {
    return threadId === this.threadId;
  }

  loopStats(): LoopStats {
    return this.loopStatsRecorder.read(this.name);
  }

  resetLoopStats(): void {
    this.loopStatsRecorder.reset();
  }

  counters(): DispatcherCounters {
    return {
      postRuns: this.postRuns,
      postCallbacks: this.postCallbacks,
      remoteMessages: this.remoteMessages,
      unknownHandler: this.unknownHandler,
      callbackErrors: this.callbackErrors,
      droppedAfterExit: this.droppedAfterExit,
    };
  }

  setErrorHandler(handler: CallbackErrorHandler): void {
    this.errorHandler = handler;
  }

  registerHandler<P, R>(name: string, handler: Handler<P, R>): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw invalidArgumentError('handler name', name, 'a non-empty string');
    }
    if (typeof handler !== 'function') {
      throw invalidArgumentError(`handler "${name}"`, handler, 'a function');
    }
    if (this.state === State.Exited) throw exitedError(this.name, `register handler "${name}"`);
    if (this.handlers.has(name)) throw handlerExistsError(name, this.name);
    this.handlers.set(name, handler as Handler);
  }

  unregisterHandler(name: string): boolean {
    return this.handlers.delete(name);
  }

  createHandle(): DispatcherHandle {
    if (this.state === State.Exited) throw exitedError(this.name, 'create a handle');
    const { port1, port2 } = new MessageChannel();
    this.endpoints.add(new PortEndpoint(this, port1));
    return { name: this.name, threadId: this.threadId, port: port2 };
  }

  registerWatchdog(watchdog: WatchDog, minTouchIntervalMs: number): void {
    if (!(minTouchIntervalMs >= 1 && minTouchIntervalMs <= 2_147_483_647)) {
      throw invalidArgumentError('minTouchIntervalMs', minTouchIntervalMs, 'a number >= 1');
    }
    this.stopWatchdog();
    this.watchdog = watchdog;
    watchdog.touch();
    // Keeps an idle loop touching; unref'd so that it never keeps the thread alive by itself.
    this.touchTimer = setInterval(() => watchdog.touch(), minTouchIntervalMs);
    this.touchTimer.unref();
  }

  // ---- internal: used by timers, schedulable callbacks and message endpoints ----

  runCallback(callback: () => void, source: CallbackSource): void {
    if (this.state === State.Exited) {
      this.droppedAfterExit++;
      return;
    }
    const watchdog = this.watchdog;
    if (watchdog !== null) watchdog.touch();
    try {
      callback();
    } catch (error) {
      this.reportError(error, source);
    }
  }

  scheduleCurrentIteration(callback: SchedulableCallbackImpl): void {
    callback.pending = Pending.CurrentIteration;
    this.currentIteration.push(callback);
    this.ensureRun();
  }

  scheduleNextIteration(callback: SchedulableCallbackImpl): void {
    callback.pending = Pending.NextIteration;
    // Inside a run (the check phase), the next run is in the next iteration. Outside one, the next
    // run may still belong to this iteration, so the one after it is the first safe one.
    callback.dueRun = this.inRun ? this.runCount + 1 : this.runCount + 2;
    this.nextIteration.push(callback);
    this.ensureRun();
  }

  handlerFor(name: string): Handler | undefined {
    return this.handlers.get(name);
  }

  noteRemoteMessage(): void {
    this.remoteMessages++;
  }

  noteUnknownHandler(): void {
    this.unknownHandler++;
  }

  reportError(error: unknown, source: CallbackSource, handler?: string): void {
    this.callbackErrors++;
    try {
      this.errorHandler(
        error,
        handler === undefined
          ? { dispatcher: this.name, source }
          : { dispatcher: this.name, source, handler },
      );
    } catch {
      // An error handler that throws must not take the loop down with it.
    }
  }

  endpointClosed(endpoint: PortEndpoint): void {
    this.endpoints.delete(endpoint);
  }

  private ensureRun(): void {
    if (this.runScheduled || this.state === State.Exited) return;
    this.runScheduled = true;
    setImmediate(this.runBound);
  }

  private run(): void {
    this.runScheduled = false;
    this.inRun = true;
    this.runCount++;
    try {
      this.clearDeferredDeleteList();
      const batch = this.postQueue;
      if (batch.length > 0) this.runPostCallbacks(batch);
      if (this.nextIteration.length > 0) this.promoteDueCallbacks();
      if (this.currentIteration.length > 0) this.runCurrentIteration();
      this.clearDeferredDeleteList();
    } finally {
      this.inRun = false;
    }
    if (this.state === State.Exiting) this.finishExit();
  }

  private runPostCallbacks(batch: unknown[]): void {
    this.postQueue = this.spareQueue;
    this.postRuns++;
    const watchdog = this.watchdog;
    const length = batch.length;
    for (let i = 0; i < length; i += 2) {
      const fn = batch[i] as QueuedFn;
      const arg = batch[i + 1];
      // Dropped before it runs, so whatever the callback holds can go once it returns.
      batch[i] = undefined;
      batch[i + 1] = undefined;
      if (watchdog !== null) watchdog.touch();
      try {
        fn(arg);
      } catch (error) {
        this.reportError(error, 'post');
      }
    }
    this.postCallbacks += length >> 1;
    batch.length = 0;
    this.spareQueue = batch;
  }

  private promoteDueCallbacks(): void {
    const list = this.nextIteration;
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const callback = list[i] as SchedulableCallbackImpl;
      // Entries whose callback was cancelled, or already promoted through another entry, drop out.
      if (callback.pending !== Pending.NextIteration) continue;
      if (callback.dueRun <= this.runCount) {
        callback.pending = Pending.CurrentIteration;
        this.currentIteration.push(callback);
      } else {
        list[kept++] = callback;
      }
    }
    list.length = kept;
    if (kept > 0) this.ensureRun();
  }

  private runCurrentIteration(): void {
    const list = this.currentIteration;
    // Callbacks scheduled for the current iteration while this loop runs are appended and run too.
    for (let i = 0; i < list.length; i++) {
      const callback = list[i] as SchedulableCallbackImpl;
      list[i] = undefined as unknown as SchedulableCallbackImpl;
      if (callback.pending !== Pending.CurrentIteration) continue;
      callback.pending = Pending.None;
      this.runCallback(callback.callback, 'schedulable');
    }
    list.length = 0;
  }

  private finishExit(): void {
    this.state = State.Exited;
    for (const endpoint of this.endpoints) endpoint.close();
    this.endpoints.clear();
    this.stopWatchdog();
    this.watchdog?.stopWatching();
    this.watchdog = null;
    this.loopStatsRecorder.stop();
    this.droppedAfterExit += this.postQueue.length >> 1;
    this.postQueue.length = 0;
    for (const callback of this.currentIteration) callback.pending = Pending.None;
    for (const callback of this.nextIteration) callback.pending = Pending.None;
    this.currentIteration.length = 0;
    this.nextIteration.length = 0;
    this.clearDeferredDeleteList();
    const callbacks = this.exitCallbacks.splice(0);
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        this.reportError(error, 'exit');
      }
    }
  }

  private stopWatchdog(): void {
    if (this.touchTimer !== null) {
      clearInterval(this.touchTimer);
      this.touchTimer = null;
    }
  }
}

/**
 * Creates a dispatcher for this thread. Most code wants `currentDispatcher()` instead, which
 * creates the thread's dispatcher once and shares it.
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  return new DispatcherImpl(options);
}
