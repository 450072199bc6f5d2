/**
 * What `set` does with a nonzero `cas` for a key that does not exist: `'mismatch'` returns
 * `CasMismatch` and writes nothing (the default: a CAS loop whose key was dropped starts over
 * instead of resurrecting stale data); `'insert'` creates the key, as Envoy does.
 */
export type CasOnMissingKey = 'mismatch' | 'insert';

/** Options of `SharedDataStore.set`. */
export interface SharedDataSetOptions {
  /**
   * Default `'mismatch'`. A proxy-wasm host passes `'insert'`: proxy-wasm-cpp-host's
   * `SharedData::set` compares the cas only when the key exists and otherwise inserts the value,
   * and the decision here is taken under the stripe lock, so it is atomic across threads.
   */
  readonly casOnMissingKey?: CasOnMissingKey;
}
