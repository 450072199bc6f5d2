/**
 * Envoy's `Event::Dispatcher` for Node.js: one dispatcher per thread over its libuv loop, with
 * Envoy's batched `post()`, timers, schedulable callbacks and deferred delete; typed cross-thread
 * posts through transferable handles; a runtime of named worker threads; and the watchdog, guard
 * threads reading heartbeats from shared memory.
 * @packageDocumentation
 */

export {
  currentDispatcher,
  mainDispatcher,
} from './current-dispatcher.ts';
export type { DeferredDeletable } from './deferred-deletable.ts';
export type {
  CallbackErrorContext,
  CallbackErrorHandler,
  CallbackSource,
  Dispatcher,
  PostCallback,
} from './dispatcher.ts';
export type { DispatcherHandle } from './dispatcher-handle.ts';
export { createDispatcher, type DispatcherOptions } from './dispatcher-impl.ts';
export { DispatcherError, DispatcherErrorCode } from './errors.ts';
export type { GuardDog, WatchdogThreadStats, WatchdogTotals } from './guard-dog.ts';
export { type GuardDogOptions, startGuardDog } from './guard-dog-impl.ts';
export type {
  Handler,
  HandlerMap,
  HandlerName,
  PayloadOf,
  PostArgs,
  ResultOf,
} from './handler.ts';
export type { DispatcherCounters, LoopDelay, LoopStats } from './loop-stats.ts';
export type { RemoteDispatcher, RemoteDispatcherCounters } from './remote-dispatcher.ts';
export { remoteDispatcher } from './remote-dispatcher-impl.ts';
export type { SchedulableCallback } from './schedulable-callback.ts';
export { attachWatchdog, type WatchdogRegistration } from './shared-watch-dog.ts';
export { realTimeSource, type TimeSource } from './time-source.ts';
export type { Timer, TimerCallback } from './timer.ts';
export type { WatchDog } from './watch-dog.ts';
export {
  defaultWatchdogConfig,
  type ResolvedWatchdogConfig,
  type WatchdogConfig,
  type WatchdogsConfig,
} from './watchdog-config.ts';
export { startWorkers } from './worker-pool-impl.ts';
export type {
  CrashPolicy,
  ShutdownReport,
  WorkerContext,
  WorkerCrash,
  WorkerInfo,
  WorkerPool,
  WorkerPoolEvents,
  WorkerRuntimeOptions,
  WorkerShutdown,
} from './worker-runtime.ts';
