import { Buffer } from 'node:buffer';
import type { WasmMemoryObject } from './webassembly-api.ts';

/**
 * Bounds-checked access to a module's linear memory. Pointers and sizes from the module arrive as
 * (possibly negative) JavaScript numbers and are read as unsigned 32-bit values; every range is
 * checked against the memory's current size, and a range outside it makes the caller return
 * `InvalidMemoryAccess` instead of touching anything. Views are rebuilt only when the module has
 * grown its memory (the `ArrayBuffer` behind `memory.buffer` changes then).
 */
export class WasmMemory {
  private readonly memory: WasmMemoryObject;
  private buffer: ArrayBuffer;
  private bytesView: Buffer;
  private dataView: DataView;

  constructor(memory: WasmMemoryObject) {
    this.memory = memory;
    this.buffer = memory.buffer;
    this.bytesView = Buffer.from(this.buffer);
    this.dataView = new DataView(this.buffer);
  }

  /** The memory's size in bytes now. */
  get size(): number {
    return this.refresh().length;
  }

  /** The whole memory as a `Buffer` view, fresh after any growth. */
  refresh(): Buffer {
    const current = this.memory.buffer;
    if (current !== this.buffer) {
      this.buffer = current;
      this.bytesView = Buffer.from(current);
      this.dataView = new DataView(current);
    }
    return this.bytesView;
  }

  /** True when `[pointer, pointer + size)` lies inside the memory. */
  inBounds(pointer: number, size: number): boolean {
    const p = pointer >>> 0;
    const n = size >>> 0;
    return p + n <= this.refresh().length;
  }

  /** A view (no copy) of the range, or null when it is out of bounds. Valid until memory grows. */
  view(pointer: number, size: number): Buffer | null {
    const p = pointer >>> 0;
    const n = size >>> 0;
    const bytes = this.refresh();
    if (p + n > bytes.length) return null;
    return bytes.subarray(p, p + n);
  }

  /** A copy of the range, or null when it is out of bounds. */
  copy(pointer: number, size: number): Uint8Array | null {
    const v = this.view(pointer, size);
    return v === null ? null : new Uint8Array(v);
  }

  /** The range decoded as UTF-8, or null when it is out of bounds. */
  utf8(pointer: number, size: number): string | null {
    const p = pointer >>> 0;
    const n = size >>> 0;
    const bytes = this.refresh();
    if (p + n > bytes.length) return null;
    return bytes.toString('utf8', p, p + n);
  }

  /** The range as a byte-per-character string (header names and values), or null. */
  latin1(pointer: number, size: number): string | null {
    const p = pointer >>> 0;
    const n = size >>> 0;
    const bytes = this.refresh();
    if (p + n > bytes.length) return null;
    return bytes.toString('latin1', p, p + n);
  }

  /** Reads a little-endian uint32, or returns -1 when out of bounds. */
  getU32(pointer: number): number {
    const p = pointer >>> 0;
    if (p + 4 > this.refresh().length) return -1;
    return this.dataView.getUint32(p, true);
  }

  /** Writes a little-endian uint32; false when out of bounds. */
  setU32(pointer: number, value: number): boolean {
    const p = pointer >>> 0;
    if (p + 4 > this.refresh().length) return false;
    this.dataView.setUint32(p, value >>> 0, true);
    return true;
  }

  /** Writes a little-endian uint64; false when out of bounds. */
  setU64(pointer: number, value: bigint): boolean {
    const p = pointer >>> 0;
    if (p + 8 > this.refresh().length) return false;
    this.dataView.setBigUint64(p, BigInt.asUintN(64, value), true);
    return true;
  }

  /** Copies `data` to `pointer`; false when out of bounds. */
  write(pointer: number, data: Uint8Array): boolean {
    const p = pointer >>> 0;
    const bytes = this.refresh();
    if (p + data.length > bytes.length) return false;
    bytes.set(data, p);
    return true;
  }
}
