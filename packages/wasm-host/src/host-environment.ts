import type { Dispatcher } from '@nuncio/dispatcher';
import type { SharedDataStore } from '@nuncio/shared-data';
import type { Scope } from '@nuncio/stats';
import type { HttpCallClient } from './http-call.ts';
import type { WasmLogger } from './wasm-logger.ts';

/**
 * What one thread gives the plugins that run on it. Make one per thread (main and each worker),
 * from that thread's own dispatcher, shared-data handle and stats store.
 */
export interface WasmHostEnvironment {
  /** This thread's dispatcher: tick timers, queue wake-ups. */
  readonly dispatcher: Dispatcher;
  /** This thread's handle on the process's shared-data store (shared data and queues). */
  readonly sharedData: SharedDataStore;
  /** The root stats scope: `wasm.*` stats and the plugins' own metrics. Without it, no stats. */
  readonly stats?: Scope;
  /** Plugin logs and host messages; defaults to a stderr logger at info. */
  readonly logger?: WasmLogger;
  /** The wire of `proxy_http_call`; without one every cluster is unknown (`BadArgument`). */
  readonly httpCallClient?: HttpCallClient;
  /**
   * The namespace of plugin-defined metrics (Envoy's `wasmcustom`, which Envoy's admin strips
   * from its outputs). Default `wasmcustom`.
   */
  readonly customStatNamespace?: string;
}
