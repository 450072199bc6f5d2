/**
 * Envoy's thread-local storage (`ThreadLocal::Instance`, `SlotAllocator`, `Slot`) for Node.js
 * worker threads: main allocates slots and sets per-thread objects through named initializers,
 * runs updates on every thread with a completion barrier, and publishes versioned snapshots that
 * each thread swaps in during its quiescent period; reads are plain property reads.
 * @packageDocumentation
 */

export {
  type CallbackHandle,
  CallbackManager,
  type CallbackManagerOptions,
} from './callback-manager.ts';
export { getSlot, threadLocal } from './current-thread-local.ts';
export {
  defineThreadLocal,
  defineThreadLocalUpdate,
  type ThreadLocalDefinition,
  type ThreadLocalInitializer,
  type ThreadLocalUpdate,
} from './definition.ts';
export { ThreadLocalError, ThreadLocalErrorCode } from './errors.ts';
export {
  type BuildAsyncOptions,
  type ColumnArray,
  type ColumnType,
  type NumberColumn,
  SharedTable,
  type SharedTableBuilder,
  type SharedTableData,
  type StringColumn,
  type TableRow,
  type TableSchema,
} from './shared-table.ts';
export type {
  AppliedReport,
  ArgsOf,
  Slot,
  SlotRef,
  SnapshotStats,
  ThreadVersion,
} from './slot.ts';
export type {
  RegisteredThread,
  ThreadLocalInstance,
  ThreadLocalOptions,
} from './thread-local.ts';
export { createThreadLocal } from './thread-local-impl.ts';
export type { SnapshotOf, ThreadLocalObject } from './thread-local-object.ts';
export { installThreadLocalHandlers } from './worker-handlers.ts';
export { threadLocalWorkerModule } from './worker-module-url.ts';
