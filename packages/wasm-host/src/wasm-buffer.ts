/**
 * A body or connection data buffer as the host needs it for `proxy_get_buffer_bytes` and
 * `proxy_set_buffer_bytes`: a structural subset of `@nuncio/buffer`'s `BufferInstance`, so an
 * `OwnedBuffer` can be passed as is. The host copies bytes out of the module's memory before
 * handing them to `add` or `prepend`, so a buffer may keep them by reference.
 */
export interface WasmBuffer {
  /** Number of bytes held. */
  readonly length: number;
  /** Copies `size` bytes from `start` into `target` at `targetOffset` (no drain). */
  copyOut(start: number, size: number, target: Uint8Array, targetOffset: number): Uint8Array;
  /** Removes the first `size` bytes. */
  drain(size: number): void;
  /** Inserts bytes at the front. */
  prepend(data: Uint8Array): void;
  /** Appends bytes at the end. */
  add(data: Uint8Array): void;
}
