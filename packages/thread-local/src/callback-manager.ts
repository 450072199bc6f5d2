/** Removes a callback added to a {@link CallbackManager}. */
export interface CallbackHandle {
  /** Removes the callback; later calls do nothing. Safe while callbacks are running. */
  remove(): void;
}

/** Options for a {@link CallbackManager}. */
export interface CallbackManagerOptions {
  /**
   * Receives what a callback throws; the other callbacks still run. Default: the first error is
   * thrown again once every callback has run.
   */
  onError?: (error: unknown) => void;
}

interface Entry<A extends unknown[]> {
  callback: ((...args: A) => void) | null;
}

/**
 * Envoy's `Common::CallbackManager`: the list of callbacks a thread-local object runs when its data
 * changes (a thread-local cluster manager's `onClusterAddOrUpdate` callbacks, say). Callbacks run
 * in the order they were added; one may remove itself or another while they run (a removed one
 * that has not run yet does not run), and one added while they run waits for the next run. Use it
 * on one thread, like the object that owns it.
 */
export class CallbackManager<A extends unknown[] = []> {
  private readonly entries: Entry<A>[];
  private readonly onError: ((error: unknown) => void) | null;
  private running: boolean;
  private removedWhileRunning: boolean;

  constructor(options: CallbackManagerOptions = {}) {
    this.entries = [];
    this.onError = options.onError ?? null;
    this.running = false;
    this.removedWhileRunning = false;
  }

  /** How many callbacks are registered. */
  get size(): number {
    let count = 0;
    for (const entry of this.entries) if (entry.callback !== null) count++;
    return count;
  }

  /** Adds `callback`; the handle removes it. */
  add(callback: (...args: A) => void): CallbackHandle {
    if (typeof callback !== 'function') throw new TypeError('callback must be a function');
    const entry: Entry<A> = { callback };
    this.entries.push(entry);
    return {
      remove: () => {
        if (entry.callback === null) return;
        entry.callback = null;
        if (this.running) this.removedWhileRunning = true;
        else this.compact();
      },
    };
  }

  /** Runs every callback with `args`, in order. */
  runCallbacks(...args: A): void {
    const entries = this.entries;
    // Callbacks added during the run are past `count`: they wait for the next run.
    const count = entries.length;
    const nested = this.running;
    this.running = true;
    let failure: { error: unknown } | null = null;
    try {
      for (let i = 0; i < count; i++) {
        const callback = (entries[i] as Entry<A>).callback;
        if (callback === null) continue;
        try {
          callback(...args);
        } catch (error) {
          if (this.onError !== null) this.onError(error);
          else failure ??= { error };
        }
      }
    } finally {
      if (!nested) {
        this.running = false;
        if (this.removedWhileRunning) {
          this.removedWhileRunning = false;
          this.compact();
        }
      }
    }
    if (failure !== null) throw failure.error;
  }

  private compact(): void {
    let kept = 0;
    for (const entry of this.entries) if (entry.callback !== null) this.entries[kept++] = entry;
    this.entries.length = kept;
  }
}
