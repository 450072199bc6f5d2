import { pino } from 'pino';
import { closedError, openFailedError, writeFailedError } from './errors.ts';
import type { SharedLevels } from './shared-levels.ts';

type SonicBoom = ReturnType<typeof pino.destination>;

// sonic-boom keeps its progress in fields its typings do not declare. flush() reads them to know
// when everything handed over so far has reached the file descriptor; sonic-boom's own
// flush(cb) returns at once when minLength is 0 (as here) and fsyncs otherwise.
interface SonicBoomProgress {
  _writing: boolean;
  _len: number;
  _opening?: boolean;
  destroyed: boolean;
}

/**
 * One thread's end of the log output: pino's asynchronous destination (sonic-boom with
 * `sync: false`) on stderr or on the log file. A write hands the line to sonic-boom, which writes
 * from libuv's thread pool, so the calling thread never waits on I/O. Every thread appends to the
 * file through its own descriptor opened with O_APPEND: each write lands whole at the end.
 */
export class LogDestination {
  /** `stderr` or the file path, for messages. */
  readonly target: string;
  readonly #file: string | null;
  readonly #sonic: SonicBoom;
  readonly #progress: SonicBoomProgress;
  readonly #shared: SharedLevels;
  #reopenSeen: number;
  #closed: boolean;
  #closing: Promise<void> | null;
  #broken: boolean;
  #dropped: number;
  #writeErrors: number;
  #lastError: unknown;

  constructor(logPath: string | null, shared: SharedLevels, maxBufferBytes: number) {
    this.target = logPath ?? 'stderr';
    this.#file = logPath;
    this.#shared = shared;
    this.#reopenSeen = shared.reopenGeneration();
    this.#closed = false;
    this.#closing = null;
    this.#broken = false;
    this.#dropped = 0;
    this.#writeErrors = 0;
    this.#lastError = null;
    this.#sonic =
      logPath === null
        ? pino.destination({ fd: 2, sync: false, maxLength: maxBufferBytes })
        : pino.destination({ dest: logPath, sync: false, mkdir: true, maxLength: maxBufferBytes });
    this.#progress = this.#sonic as unknown as SonicBoomProgress;
    // Without a listener an 'error' event would throw and take the thread down: a failing log
    // write must not. Errors are counted; a pending flush() or close() rejects with them.
    this.#sonic.on('error', (error: NodeJS.ErrnoException) => {
      // pino's own listener re-emits errors other than EPIPE: count each error once.
      if (error === this.#lastError) return;
      this.#lastError = error;
      this.#writeErrors++;
      // pino's destination turns itself into a no-op after EPIPE (the reader went away).
      if (error.code === 'EPIPE') this.#broken = true;
    });
    this.#sonic.on('drop', () => {
      this.#dropped++;
    });
  }

  /** Hands one line over (pino calls this). Lines written after close() are counted as dropped. */
  write(line: string): void {
    if (this.#closed) {
      this.#dropped++;
      return;
    }
    // Another thread asked for a reopen (log rotation): follow it before this line. One load.
    if (this.#file !== null) {
      const generation = this.#shared.reopenGeneration();
      if (generation !== this.#reopenSeen) {
        this.#reopenSeen = generation;
        this.#sonic.reopen();
      }
    }
    this.#sonic.write(line);
  }

  /** Lines dropped because the buffer was full or the destination closed. */
  dropped(): number {
    return this.#dropped;
  }

  /** Write errors reported by the destination so far. */
  writeErrors(): number {
    return this.#writeErrors;
  }

  /**
   * Reopens the file now (for `generation`, the reopen generation this thread has seen) and
   * resolves once the new descriptor is open; lines written meanwhile wait in the buffer. Resolves
   * at once for stderr.
   */
  reopen(generation: number): Promise<void> {
    if (this.#closed) return Promise.reject(closedError('reopen'));
    this.#reopenSeen = generation;
    if (this.#file === null || this.#broken) return Promise.resolve();
    const file = this.#file;
    const opened = nextEvent(this.#sonic, ['ready']).catch((error: unknown) => {
      throw openFailedError(file, error);
    });
    this.#sonic.reopen();
    return opened;
  }

  /** pino's `logger.flush(cb)` lands here: calls `cb` once {@link flushed} settles. */
  flush(cb?: (error?: Error) => void): void {
    this.flushed().then(
      () => cb?.(),
      (error: Error) => cb?.(error),
    );
  }

  /** Resolves once every line handed over so far has been written to the descriptor. */
  async flushed(): Promise<void> {
    const progress = this.#progress;
    for (;;) {
      if (this.#broken || progress.destroyed) return;
      if (progress._opening === true) {
        await this.#wait(['ready']);
      } else if (!progress._writing && progress._len === 0) {
        return;
      } else {
        // A write round ends in 'drain', or in a reopen ('ready') when one was asked meanwhile.
        await this.#wait(['drain', 'ready']);
      }
    }
  }

  /**
   * Writes what is buffered, then closes the descriptor (never stderr's). Idempotent: later calls
   * return the first call's promise. Lines written afterwards are dropped.
   */
  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    this.#closed = true;
    this.#closing = this.#end();
    return this.#closing;
  }

  async #end(): Promise<void> {
    if (this.#broken || this.#progress.destroyed) return;
    const closed = nextEvent(this.#sonic, ['close']);
    this.#sonic.end();
    try {
      await closed;
    } catch (error) {
      this.#sonic.destroy();
      throw writeFailedError(this.target, error);
    }
  }

  async #wait(events: readonly string[]): Promise<void> {
    try {
      await nextEvent(this.#sonic, events);
    } catch (error) {
      throw writeFailedError(this.target, error);
    }
  }
}

/** Resolves on the first of `events`, rejects on 'error'; removes its listeners either way. */
function nextEvent(sonic: SonicBoom, events: readonly string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onEvent = () => {
      cleanup();
      resolve();
    };
    const onError = (error: unknown) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      for (const event of events) sonic.off(event, onEvent);
      sonic.off('error', onError);
    };
    for (const event of events) sonic.once(event, onEvent);
    sonic.once('error', onError);
  });
}
