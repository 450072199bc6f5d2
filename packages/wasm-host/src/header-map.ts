import type { HeaderPair } from './pairs.ts';

/**
 * The header map a stream hands the host (Envoy's `Http::HeaderMap` as the wasm context sees it):
 * request or response headers or trailers, or an `http_call` response's. Names are lowercase
 * (the host lowercases the names plugins give); names and values are byte-per-character
 * (latin1) strings, so any bytes a plugin writes reach the wire unchanged. Pseudo-headers
 * (`:path`, `:status`...) are ordinary entries. Implement it over your own header storage, or use
 * {@link HeaderMapImpl}.
 */
export interface WasmHeaderMap {
  /** Number of entries (a name with two values counts twice). */
  readonly size: number;
  /** The first value of `name`, or undefined. */
  get(name: string): string | undefined;
  /** Appends an entry (keeps existing values of `name`). */
  add(name: string, value: string): void;
  /** Replaces every value of `name` with one entry (adds it when absent). */
  set(name: string, value: string): void;
  /** Removes every value of `name`. */
  remove(name: string): void;
  /** Removes every entry. */
  clear(): void;
  /** Every entry, in order. */
  pairs(): readonly HeaderPair[];
  /** Sum of the byte lengths of names and values (Envoy's `byteSize()`). */
  byteSize(): number;
}
