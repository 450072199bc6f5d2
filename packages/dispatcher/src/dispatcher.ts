import type { DeferredDeletable } from './deferred-deletable.ts';
import type { DispatcherHandle } from './dispatcher-handle.ts';
import type { Handler } from './handler.ts';
import type { DispatcherCounters, LoopStats } from './loop-stats.ts';
import type { SchedulableCallback } from './schedulable-callback.ts';
import type { TimeSource } from './time-source.ts';
import type { Timer, TimerCallback } from './timer.ts';
import type { WatchDog } from './watch-dog.ts';

/** A callback for `Dispatcher.post`. Runs on the dispatcher's thread. */
export type PostCallback = () => void;

/** Where a reported callback error came from. */
export type CallbackSource =
  | 'post'
  | 'timer'
  | 'schedulable'
  | 'handler'
  | 'deferredDelete'
  | 'exit'
  | 'remote';

/** What the dispatcher tells its error handler besides the error itself. */
export interface CallbackErrorContext {
  /** The dispatcher's name. */
  dispatcher: string;
  /** Which kind of callback threw. */
  source: CallbackSource;
  /** The handler's name, for `handler` errors and errors reported back by a remote dispatcher. */
  handler?: string;
}

/** Receives the errors a dispatcher catches; the default logs them with `console.error`. */
export type CallbackErrorHandler = (error: unknown, context: CallbackErrorContext) => void;

/**
 * Envoy's `Event::Dispatcher`: the one event dispatcher of a thread, over that thread's libuv loop.
 * Every method must be called on the dispatcher's own thread (a `Dispatcher` object cannot leave
 * its thread anyway: other threads reach it through a `DispatcherHandle`).
 *
 * Callbacks never throw into the loop: an error thrown by a post, timer, schedulable, handler or
 * deferred-delete callback is reported to the error handler, counted, and the next callback runs.
 */
export interface Dispatcher {
  /** The dispatcher's name, Envoy's: `main_thread`, `worker_0`, ... */
  readonly name: string;
  /** The Node `threadId` of the thread it belongs to (0 on the main thread). */
  readonly threadId: number;
  /** The clocks of this dispatcher. */
  readonly timeSource: TimeSource;
  /** True once `exit()` has completed. */
  readonly exited: boolean;

  /**
   * Queues `callback` to run on this thread. Callbacks run in posting order, once per loop
   * iteration as one batch: the first post into an empty queue schedules one run (in the loop's
   * check phase, after that iteration's I/O callbacks); the run takes the whole queue, clears the
   * deferred-delete list first, touches the watchdog before each callback and drops each callback
   * before the next runs. A callback posted during a run goes to the next run (next iteration).
   * After `exit()` has completed, posts are dropped and counted.
   */
  post(callback: PostCallback): void;
  /** Creates a disarmed timer that calls `callback` on this thread when it fires. */
  createTimer(callback: TimerCallback): Timer;
  /** Creates an unscheduled callback that can be scheduled for this or a later loop iteration. */
  createSchedulableCallback(callback: () => void): SchedulableCallback;
  /**
   * Keeps `deletable` referenced until the current call stack has unwound, then calls its
   * `onDeferredDelete()`. `deleteIsPending()` is called at once. The list is cleared at the start
   * and the end of each run, so before the next post callbacks and before the loop polls again.
   */
  deferredDelete(deletable: DeferredDeletable): void;
  /**
   * Deletes what `deferredDelete` queued so far. Objects deferred while clearing wait for the next
   * clear. Rarely needed by hand: the dispatcher clears the list on its own.
   */
  clearDeferredDeleteList(): void;
  /**
   * Asks the dispatcher to stop, like Envoy's `exit()`: the callbacks already queued run in one last
   * run, then the dispatcher closes its handles (remote dispatchers targeting it see it closed),
   * stops its watchdog and loop monitoring, drops whatever was posted meanwhile and calls the
   * `onExit` callbacks. Timers you armed are not cancelled: disable them, or end the thread.
   */
  exit(): void;
  /** Calls `callback` once the dispatcher has exited (at once if it already has). */
  onExit(callback: () => void): void;
  /**
   * True when called on the dispatcher's own thread, which is always the case in JavaScript (the
   * object cannot be shared between threads); kept for code written after Envoy's asserts.
   */
  isThreadSafe(): boolean;
  /** Event-loop utilisation and delay percentiles since creation or the last `resetLoopStats()`. */
  loopStats(): LoopStats;
  /** Starts a new measuring period for `loopStats()`. */
  resetLoopStats(): void;
  /** Event counts since creation. */
  counters(): DispatcherCounters;
  /** Replaces the handler of caught callback errors (the default logs them). */
  setErrorHandler(handler: CallbackErrorHandler): void;
  /**
   * Registers `handler` under `name` for cross-thread posts and calls. Throws
   * `NUNCIO_ERR_DISPATCHER_HANDLER_EXISTS` when the name is taken. Names starting with `nuncio.` are
   * reserved (`nuncio.loopStats` and `nuncio.counters` are built in).
   */
  registerHandler<P, R>(name: string, handler: Handler<P, R>): void;
  /** Removes the handler registered under `name`; returns whether there was one. */
  unregisterHandler(name: string): boolean;
  /**
   * Creates a new handle to this dispatcher, to give to one other thread. Throws
   * `NUNCIO_ERR_DISPATCHER_EXITED` after `exit()`.
   */
  createHandle(): DispatcherHandle;
  /**
   * Envoy's `registerWatchdog`: touches `watchdog` before every callback and, while idle, every
   * `minTouchIntervalMs` (on an unref'd timer). Replaces a watchdog registered earlier.
   */
  registerWatchdog(watchdog: WatchDog, minTouchIntervalMs: number): void;
}
