import type { WasmBuffer } from './wasm-buffer.ts';

/**
 * A simple {@link WasmBuffer} over one contiguous byte array, for tests and small bodies (use
 * `@nuncio/buffer`'s `OwnedBuffer` on the data path).
 */
export class BytesBuffer implements WasmBuffer {
  private bytes: Uint8Array;

  constructor(initial: Uint8Array | string = new Uint8Array(0)) {
    this.bytes = typeof initial === 'string' ? new TextEncoder().encode(initial) : initial;
  }

  get length(): number {
    return this.bytes.length;
  }

  copyOut(start: number, size: number, target: Uint8Array, targetOffset: number): Uint8Array {
    target.set(this.bytes.subarray(start, start + size), targetOffset);
    return target;
  }

  drain(size: number): void {
    this.bytes = this.bytes.subarray(Math.min(size, this.bytes.length));
  }

  prepend(data: Uint8Array): void {
    const next = new Uint8Array(data.length + this.bytes.length);
    next.set(data, 0);
    next.set(this.bytes, data.length);
    this.bytes = next;
  }

  add(data: Uint8Array): void {
    const next = new Uint8Array(this.bytes.length + data.length);
    next.set(this.bytes, 0);
    next.set(data, this.bytes.length);
    this.bytes = next;
  }

  /** A copy of the content. */
  toBytes(): Uint8Array {
    return this.bytes.slice();
  }

  /** The content decoded as UTF-8. */
  toString(): string {
    return new TextDecoder().decode(this.bytes);
  }
}
