/**
 * A key-value store and bounded queues in shared memory that every worker thread reads and writes
 * synchronously: the store behind proxy-wasm's `proxy_get_shared_data` / `proxy_set_shared_data`
 * and its shared queues, usable on its own to share counters and configuration among threads.
 * @packageDocumentation
 */

export {
  SharedDataClosedError,
  SharedDataError,
  SharedDataErrorCode,
  SharedDataInvalidArgumentError,
  SharedDataInvalidDescriptorError,
  SharedDataInvalidOptionError,
  SharedDataRecoverSelfError,
  SharedDataTooManyHandlesError,
} from './errors.ts';
export type { SharedDataStoreOptions } from './options.ts';
export type { SharedDataRecoveryReport } from './recovery.ts';
export { SharedDataResult, sharedDataResultName, toWasmResult } from './result.ts';
export type { CasOnMissingKey, SharedDataSetOptions } from './set-options.ts';
export {
  type SharedDataDescriptor,
  type SharedDataGetResult,
  type SharedDataGetStringResult,
  type SharedDataStats,
  SharedDataStore,
  type WatchableWorker,
} from './shared-data-store.ts';
export type {
  QueueDispatcher,
  QueueReadyOptions,
  SharedQueueDequeueResult,
  SharedQueueRegistration,
} from './shared-queue.ts';
