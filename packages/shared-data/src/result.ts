/**
 * What a data-path call of the store returns. Where proxy-wasm's `WasmResult` has the condition,
 * the number is the same (`Ok` 0, `NotFound` 1, `BadArgument` 2, `Empty` 7, `CasMismatch` 8), so a
 * proxy-wasm host passes it straight through; the conditions proxy-wasm has no number for start at
 * 100 (see {@link toWasmResult}). Expected outcomes are returned, never thrown.
 */
export const SharedDataResult = {
  /** The call did what it was asked. */
  Ok: 0,
  /** No such key (get, remove) or no such queue (resolve, enqueue, dequeue). */
  NotFound: 1,
  /** A key, name or value is too long, or an argument has the wrong type or range. */
  BadArgument: 2,
  /** The queue holds no item (dequeue). */
  Empty: 7,
  /**
   * The `cas` given is not the key's current one (or the key does not exist, unless `set` was
   * told to insert it); nothing written.
   */
  CasMismatch: 8,
  /** The store has no room for the entry (`maxKeys` reached or no free blocks); nothing written. */
  StoreFull: 100,
  /** The queue is at its item or byte bound, or the queue table is full; nothing written. */
  QueueFull: 101,
  /**
   * A lock could not be taken within `lockTimeoutMs`: a thread died holding it and nobody has run
   * recovery (`releaseLocksOf`) yet. Nothing written.
   */
  LockTimeout: 102,
} as const;

/** One of the {@link SharedDataResult} values. */
export type SharedDataResult = (typeof SharedDataResult)[keyof typeof SharedDataResult];

/** proxy-wasm's `WasmResult::InternalFailure`. */
const WASM_INTERNAL_FAILURE = 10;

/**
 * The proxy-wasm `WasmResult` number to hand a plugin for `result`: the shared numbers unchanged,
 * and `InternalFailure` (10) for the conditions proxy-wasm has no number for (store full, queue
 * full, lock timeout).
 */
export function toWasmResult(result: SharedDataResult): number {
  return result >= 100 ? WASM_INTERNAL_FAILURE : result;
}

const names = new Map<number, string>(Object.entries(SharedDataResult).map(([k, v]) => [v, k]));

/** The name of a result code (`'CasMismatch'`), for logs and messages. */
export function sharedDataResultName(result: number): string {
  return names.get(result) ?? `Unknown(${result})`;
}
