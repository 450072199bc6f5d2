// A listener's open-connection count against its limit, in shared memory so that every worker's
// listener counts against the same limit (Envoy's per-listener connection limit is global too).

/** Reads and changes a listener's open-connection count. */
export class ConnectionLimit {
  /** No limit. */
  static readonly UNLIMITED = Number.POSITIVE_INFINITY;
  /** The limit (`UNLIMITED` for none); may be changed while connections are counted. */
  max: number;
  private readonly count: Int32Array;

  /**
   * `counter` is a `SharedArrayBuffer` of at least 4 bytes shared by every worker of the listener
   * (made by {@link ConnectionLimit.createCounter}); without one the count is this thread's only.
   */
  constructor(max: number, counter?: SharedArrayBuffer) {
    this.max = max;
    this.count = new Int32Array(counter ?? new SharedArrayBuffer(4), 0, 1);
  }

  /** A counter for {@link ConnectionLimit}'s constructor, to share between threads. */
  static createCounter(): SharedArrayBuffer {
    return new SharedArrayBuffer(4);
  }

  /** Counts one more connection, unless that would pass the limit. */
  tryAcquire(): boolean {
    const before = Atomics.add(this.count, 0, 1);
    if (before < this.max) return true;
    Atomics.sub(this.count, 0, 1);
    return false;
  }

  /** Counts one connection fewer. */
  release(): void {
    Atomics.sub(this.count, 0, 1);
  }

  /** The connections counted now (over every thread sharing the counter). */
  current(): number {
    return Atomics.load(this.count, 0);
  }
}
