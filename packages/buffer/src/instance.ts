/**
 * Data a buffer takes in: bytes (a Node `Buffer` is a `Uint8Array`), a string (encoded as UTF-8), or
 * another buffer instance.
 */
export type BufferData = Uint8Array | string | BufferInstance;

/**
 * Envoy's `Buffer::Instance`: a drainable byte queue held as a list of slices, so that adding,
 * moving and draining copy no bytes that do not need copying.
 *
 * Contract shared by every method:
 * - Single thread: an instance belongs to the thread that made it; nothing here is thread-safe.
 * - Ownership in: bytes given to `add`, `prepend` or `replace` are kept by reference (no copy, save
 *   for small pieces, which are packed together), so the caller must not change them afterwards.
 * - Ownership out: every `Buffer` handed out (`linearize`, `frontSlice`, `getRawSlices`, the
 *   iterator) is a view into the buffer's storage: read it, write it to a socket, but do not change
 *   it. Such a view stays valid (its bytes never change) after the buffer is drained or changed;
 *   the buffer never writes over bytes it has handed out. `copyOut` and `toBuffer` return copies.
 * - Offsets are from the front of the buffer, in bytes. Bad sizes throw a `BufferError` (these are
 *   programming errors): negative or fractional sizes, or ranges past the end.
 */
export interface BufferInstance {
  /** Number of bytes held. */
  readonly length: number;

  /** Number of slices the bytes are held in (what `getRawSlices()` would return). */
  readonly sliceCount: number;

  /**
   * Appends `data` at the end. A `Uint8Array` is kept by reference (small ones are copied into a
   * shared tail slice to avoid thousands of tiny slices); a string is encoded as UTF-8; another
   * buffer instance has its bytes appended and is left unchanged (Envoy's `add(const Instance&)`).
   */
  add(data: BufferData): void;

  /**
   * Inserts `data` at the front. A `Uint8Array` is kept by reference; a string is encoded as UTF-8;
   * another buffer instance is moved in whole and left empty (Envoy's `prepend(Instance&)`).
   */
  prepend(data: BufferData): void;

  /** Removes the first `size` bytes. Throws when `size` exceeds `length`. */
  drain(size: number): void;

  /**
   * Moves the first `size` bytes of `other` (all of it when `size` is omitted) to the end of this
   * buffer, draining them from `other`. Whole slices change owner without copying.
   */
  move(other: BufferInstance, size?: number): void;

  /**
   * Copies `size` bytes starting at `start` into `target` at `targetOffset` without draining (a
   * peek), and returns `target`. Without `target`, returns a new `Buffer` of `size` bytes.
   */
  copyOut<T extends Uint8Array = Buffer>(
    start: number,
    size: number,
    target?: T,
    targetOffset?: number,
  ): T;

  /**
   * Returns a contiguous view of the first `size` bytes. Copies only when they are spread over
   * several slices, and then keeps the copy as the buffer's first slice so a second call is free.
   * For parsers that need contiguous bytes; prefer `search`/`startsWith`/`copyOut` otherwise.
   */
  linearize(size: number): Buffer;

  /**
   * Offset of the first occurrence of `needle` that starts at or after `start` and ends within the
   * first `start + maxLength` bytes (a match may span slices), or -1. An empty needle is found at
   * `start`. A string needle is UTF-8 encoded on every call: pass a `Buffer` on hot paths.
   */
  search(needle: Uint8Array | string, start?: number, maxLength?: number): number;

  /** Whether the buffer begins with `prefix` (a string is UTF-8 encoded). */
  startsWith(prefix: Uint8Array | string): boolean;

  /** The bytes decoded as one string (`utf8` unless `encoding` says otherwise). */
  toString(encoding?: BufferEncoding): string;

  /** A new `Buffer` holding a copy of all the bytes (exactly one copy). */
  toBuffer(): Buffer;

  /** Empties the buffer. */
  clear(): void;

  /**
   * Replaces the `size` bytes at `start` by `data` (a string is UTF-8 encoded), the operation behind
   * proxy-wasm's `set_buffer_bytes`. `replace(length, 0, data)` appends; `replace(0, 0, data)`
   * prepends; `replace(0, length, data)` swaps the whole contents.
   */
  replace(start: number, size: number, data: Uint8Array | string): void;

  /** A view of the first slice (empty when the buffer is), e.g. for a parser's fast path. */
  frontSlice(): Buffer;

  /**
   * Views of the slices in order, at most `maxSlices` of them: what `socket.writev`, or
   * `socket.cork()` then one `write` per slice, wants. Draining afterwards does not change them.
   */
  getRawSlices(maxSlices?: number): Buffer[];

  /**
   * Iterates over views of the slices in order (as `getRawSlices()` without the array). Do not
   * change the buffer while iterating; drain after the loop.
   */
  [Symbol.iterator](): IterableIterator<Buffer>;
}
