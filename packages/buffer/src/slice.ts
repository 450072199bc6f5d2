/**
 * One slice of a buffer: the bytes `base[start, end)`. Kept as a base and two offsets rather than a
 * `subarray` view so that draining part of a slice, or appending to the tail slab, moves a number
 * instead of allocating a view. Internal: never handed out (views are made for callers).
 */
export class Slice {
  base: Buffer;
  start: number;
  end: number;

  constructor(base: Buffer, start: number, end: number) {
    this.base = base;
    this.start = start;
    this.end = end;
  }
}
