/**
 * The versions of one slot in shared memory: cell 0 is the newest version main has published, cell
 * `1 + i` the version registered thread `i` holds. Threads write their own cell when they apply a
 * snapshot, so main reads every thread's version at once, without a message; a worker reads cell 0
 * to skip a snapshot that a newer one, already on its way, replaces.
 *
 * 64-bit cells (read with `Atomics`, so never torn): versions never wrap.
 */
export class VersionBoard {
  readonly buffer: SharedArrayBuffer;
  private readonly cells: BigInt64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.cells = new BigInt64Array(buffer);
  }

  /** A zeroed board for `maxThreads` threads. */
  static create(maxThreads: number): VersionBoard {
    return new VersionBoard(new SharedArrayBuffer(8 * (1 + maxThreads)));
  }

  published(): number {
    return Number(Atomics.load(this.cells, 0));
  }

  setPublished(version: number): void {
    Atomics.store(this.cells, 0, BigInt(version));
  }

  held(threadIndex: number): number {
    return Number(Atomics.load(this.cells, 1 + threadIndex));
  }

  setHeld(threadIndex: number, version: number): void {
    Atomics.store(this.cells, 1 + threadIndex, BigInt(version));
  }
}
