import { StatsStore, type StatsStoreDescriptor } from '@nuncio/stats';

// One stats store view per thread, shared by every cluster manager of the thread: opening a view
// claims a histogram slot, so opening one per slot would waste them.
let threadStore: StatsStore | null = null;

/**
 * Makes `store` the stats store this thread's cluster manager records into, instead of opening
 * its own view of the descriptor it is given. Call it on a worker that already opened the store
 * (a worker may hold only so many views: `maxThreads`); the main thread's cluster manager does it
 * with the store it was created with.
 */
export function provideStatsStore(store: StatsStore): void {
  threadStore = store;
}

/** This thread's store for `descriptor`: the one provided, or a view opened once. */
export function statsStoreFor(descriptor: StatsStoreDescriptor): StatsStore {
  threadStore ??= StatsStore.open(descriptor);
  return threadStore;
}
