// What each thread's plugins run with. The thread's own stores are preferred (a worker may hold
// only so many views of the stats store), else one view per thread is opened from the descriptors
// the main thread sent.
import { type SharedDataDescriptor, SharedDataStore } from '@nuncio/shared-data';
import { StatsStore, type StatsStoreDescriptor } from '@nuncio/stats';
import type { HttpCallClient, WasmLogger } from '@nuncio/wasm-host';

/**
 * What a program may give this thread's plugins instead of what the thread-local slot would open
 * itself (see {@link provideWasmThreadEnvironment}).
 */
export interface WasmThreadEnvironment {
  /** This thread's view of the stats store (else one is opened from the descriptor). */
  readonly stats?: StatsStore;
  /** This thread's handle on the shared-data store (else one is opened from the descriptor). */
  readonly sharedData?: SharedDataStore;
  /** Where plugin logs go (default: stderr, from info). */
  readonly logger?: WasmLogger;
  /** The wire of `proxy_http_call` on this thread (without it every cluster is unknown). */
  readonly httpCallClient?: HttpCallClient;
}

let provided: WasmThreadEnvironment = {};
let openedStats: StatsStore | undefined;
let openedSharedData: SharedDataStore | undefined;

/**
 * Gives the plugins of this thread the program's own stats view, shared-data handle, logger or
 * `http_call` client. Call it on the thread (a worker's `init`, or main before creating the
 * `WasmPluginManager`) before the first plugin runs there; later calls affect plugins started
 * afterwards.
 */
export function provideWasmThreadEnvironment(environment: WasmThreadEnvironment): void {
  provided = { ...provided, ...environment };
}

/** @internal This thread's pieces, opening the stores from the descriptors when not provided. */
export function threadEnvironment(
  sharedData: SharedDataDescriptor,
  stats: StatsStoreDescriptor | undefined,
): {
  sharedData: SharedDataStore;
  stats: StatsStore | undefined;
  logger: WasmLogger | undefined;
  httpCallClient: HttpCallClient | undefined;
} {
  let statsStore = provided.stats;
  if (statsStore === undefined && stats !== undefined) {
    openedStats ??= StatsStore.open(stats);
    statsStore = openedStats;
  }
  let store = provided.sharedData;
  if (store === undefined) {
    openedSharedData ??= SharedDataStore.open(sharedData);
    store = openedSharedData;
  }
  return {
    sharedData: store,
    stats: statsStore,
    logger: provided.logger,
    httpCallClient: provided.httpCallClient,
  };
}
