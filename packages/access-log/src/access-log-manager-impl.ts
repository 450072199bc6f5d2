import { closeSync, constants, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { AccessLogSpec } from './access-log.ts';
import { parseAccessLogConfig } from './access-log-config.ts';
import type { AccessLogFileRef, AccessLogManager } from './access-log-manager.ts';
import {
  ACCESS_LOG_FILE_STAT_NAMES,
  type AccessLogFileStats,
  type AccessLogFileStatsSinks,
} from './access-log-stats.ts';
import { AccessLogWriter } from './access-log-writer.ts';
import {
  closedError,
  flushThreadFailedError,
  invalidOptionError,
  openFailedError,
} from './errors.ts';
import type { FlushThreadData, FlushThreadReply, FlushThreadRequest } from './flush-thread.ts';
import {
  BYTES_BUFFERED,
  BYTES_FLUSHED,
  CONTROL_BYTES,
  DATA_OFFSET,
  FLUSHED_BY_TIMER,
  LINES_BUFFERED,
  LINES_DROPPED,
  REOPEN_FAILED,
  STDERR_FILE_ID,
  STDOUT_FILE_ID,
  WAKE,
  WRITE_COMPLETED,
  WRITE_FAILED,
} from './ring-layout.ts';
import type { AccessLogThreadHandle } from './thread-handle.ts';

/** Envoy's flush thread name; 14 characters, within Linux's 15-character thread names. */
export const FLUSH_THREAD_NAME = 'AccessLogFlush';

/** Options of {@link AccessLogManagerImpl}. */
export interface AccessLogManagerOptions {
  /**
   * Longest time a handed-over line waits before it is written, in milliseconds (Envoy's
   * `--file-flush-interval-msec`, default 10000).
   */
  flushIntervalMs?: number;
  /**
   * The size trigger: a thread's ring holding this many bytes wakes the flush thread at once
   * (Envoy's minimum flush size, default 64 KiB). Capped at half of `bufferBytesPerThread`.
   */
  flushMinSizeBytes?: number;
  /**
   * Record space of each thread's ring in bytes: a power of two from 4 KiB to 1 GiB (default
   * 1 MiB). A line that finds its ring full is dropped and counted; lines larger than half of it
   * are always dropped.
   */
  bufferBytesPerThread?: number;
  /** Where to report statistics (Envoy's `filesystem.*` names); unset names report nowhere. */
  stats?: AccessLogFileStatsSinks;
  /** The flush thread's name (default `AccessLogFlush`); Linux shows its first 15 characters. */
  flushThreadName?: string;
}

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

interface RingRecord {
  readonly counters: Float64Array;
}

const flushThreadUrl = new URL(
  import.meta.url.endsWith('.ts') ? './flush-thread.ts' : './flush-thread.js',
  import.meta.url,
);

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw invalidOptionError(name, `must be a positive integer, got ${value}`);
  }
  return value;
}

/** The main-thread side: files, rings, requests to the flush thread, statistics. */
export class AccessLogManagerImpl implements AccessLogManager {
  readonly flushThreadName: string;
  readonly flushThreadId: number;
  private readonly flushIntervalMs: number;
  private readonly capacity: number;
  private readonly trigger: number;
  private readonly control: SharedArrayBuffer;
  private readonly wakeWord: Int32Array;
  private readonly controlCounters: Float64Array;
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private readonly files: Map<string, AccessLogFileRef>;
  private readonly rings: Map<number, RingRecord>;
  /** Counters of released rings, kept so that the totals never go down. */
  private readonly retired: Float64Array;
  private readonly pending: Map<number, Pending>;
  private readonly sinks: AccessLogFileStatsSinks;
  private readonly reported: AccessLogFileStats;
  private readonly syncTimer: NodeJS.Timeout | null;
  private nextFileId: number;
  private nextRingId: number;
  private nextToken: number;
  private closing: Promise<void> | null;
  private failure: Error | null;
  private exited: boolean;

  constructor(options: AccessLogManagerOptions = {}) {
    this.flushIntervalMs = positiveInteger('flushIntervalMs', options.flushIntervalMs ?? 10_000);
    const capacity = positiveInteger(
      'bufferBytesPerThread',
      options.bufferBytesPerThread ?? 1 << 20,
    );
    if (capacity < 4096 || capacity > 1 << 30 || (capacity & (capacity - 1)) !== 0) {
      throw invalidOptionError(
        'bufferBytesPerThread',
        `must be a power of two from 4096 to 2^30, got ${capacity}`,
      );
    }
    this.capacity = capacity;
    const minFlush = positiveInteger('flushMinSizeBytes', options.flushMinSizeBytes ?? 64 * 1024);
    this.trigger = Math.min(minFlush, capacity >> 1);
    this.flushThreadName = options.flushThreadName ?? FLUSH_THREAD_NAME;
    this.control = new SharedArrayBuffer(CONTROL_BYTES);
    this.wakeWord = new Int32Array(this.control, 0, 1);
    this.controlCounters = new Float64Array(this.control);
    this.files = new Map();
    this.rings = new Map();
    this.retired = new Float64Array(DATA_OFFSET >> 3);
    this.pending = new Map();
    this.sinks = options.stats ?? {};
    this.reported = emptyStats();
    this.nextFileId = 2;
    this.nextRingId = 1;
    this.nextToken = 1;
    this.closing = null;
    this.failure = null;
    this.exited = false;

    const channel = new MessageChannel();
    this.port = channel.port1;
    const data: FlushThreadData = {
      control: this.control,
      port: channel.port2,
      flushIntervalMs: this.flushIntervalMs,
      flushTriggerBytes: this.trigger,
    };
    this.worker = new Worker(flushThreadUrl, {
      name: this.flushThreadName,
      workerData: data,
      transferList: [channel.port2],
    });
    this.flushThreadId = this.worker.threadId;
    // The flush thread must not keep the process alive by itself; it is ref'd while a request
    // waits for its answer.
    this.worker.unref();
    this.worker.on('message', (reply: FlushThreadReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.fail(flushThreadFailedError(error.message)));
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (this.pending.size > 0 || this.closing === null) {
        this.fail(flushThreadFailedError(`exited with code ${code}`));
      }
    });
    const hasSinks = Object.keys(this.sinks).length > 0;
    this.syncTimer = hasSinks ? setInterval(() => this.syncStats(), this.flushIntervalMs) : null;
    this.syncTimer?.unref();
  }

  createAccessLogFile(path: string): AccessLogFileRef {
    this.assertOpen('createAccessLogFile');
    const resolved = resolve(path);
    const known = this.files.get(resolved);
    if (known !== undefined) return known;
    try {
      // Open (creating) and close it here, on the main thread, so that a bad path fails at config
      // time as in Envoy. The flush thread opens its own descriptor: a descriptor belongs to the
      // thread that opens it. O_NONBLOCK keeps a FIFO without a reader from blocking this thread.
      closeSync(
        openSync(
          resolved,
          constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK,
          0o666,
        ),
      );
    } catch (error) {
      throw openFailedError(resolved, error);
    }
    const ref: AccessLogFileRef = { fileId: this.nextFileId++, path: resolved };
    this.files.set(resolved, ref);
    this.post({ op: 'open', fileId: ref.fileId, path: resolved });
    return ref;
  }

  createAccessLog(config: unknown, where = 'accessLog'): AccessLogSpec {
    this.assertOpen('createAccessLog');
    const definition = parseAccessLogConfig(config, where);
    const sink = definition.sink;
    const fileId =
      sink.kind === 'file'
        ? this.createAccessLogFile(sink.path).fileId
        : sink.kind === 'stdout'
          ? STDOUT_FILE_ID
          : STDERR_FILE_ID;
    return { fileId, sink, format: definition.format };
  }

  registerThread(): AccessLogThreadHandle {
    this.assertOpen('registerThread');
    const ring = new SharedArrayBuffer(DATA_OFFSET + this.capacity);
    const ringId = this.nextRingId++;
    this.rings.set(ringId, { counters: new Float64Array(ring, 0, DATA_OFFSET >> 3) });
    this.post({ op: 'addRing', ringId, ring, capacity: this.capacity });
    return {
      ringId,
      ring,
      control: this.control,
      capacity: this.capacity,
      flushTriggerBytes: this.trigger,
    };
  }

  createWriter(): AccessLogWriter {
    return new AccessLogWriter(this.registerThread());
  }

  async releaseThread(handle: AccessLogThreadHandle): Promise<void> {
    const record = this.rings.get(handle.ringId);
    if (record === undefined) return;
    if (this.closing !== null) return;
    await this.request({ op: 'removeRing', ringId: handle.ringId, token: 0 });
    for (let i = 0; i < this.retired.length; i++) {
      this.retired[i] = (this.retired[i] as number) + (record.counters[i] as number);
    }
    this.rings.delete(handle.ringId);
  }

  flush(): Promise<void> {
    return this.request({ op: 'flush', token: 0 });
  }

  reopen(): Promise<void> {
    return this.request({ op: 'reopen', token: 0 });
  }

  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    const done = this.request({ op: 'close', token: 0 });
    this.closing = done
      .then(() => this.waitForExit())
      .finally(() => {
        if (this.syncTimer !== null) clearInterval(this.syncTimer);
        this.syncStats();
        this.port.close();
      });
    return this.closing;
  }

  stats(): AccessLogFileStats {
    const sum = Float64Array.from(this.retired);
    for (const record of this.rings.values()) {
      for (let i = 0; i < sum.length; i++)
        sum[i] = (sum[i] as number) + (record.counters[i] as number);
    }
    const c = this.controlCounters;
    const dropped = sum[LINES_DROPPED] as number;
    return {
      flushed_by_timer: c[FLUSHED_BY_TIMER] as number,
      reopen_failed: c[REOPEN_FAILED] as number,
      write_buffered: sum[LINES_BUFFERED] as number,
      write_completed: c[WRITE_COMPLETED] as number,
      write_failed: (c[WRITE_FAILED] as number) + dropped,
      write_dropped: dropped,
      write_total_buffered: Math.max(
        0,
        (sum[BYTES_BUFFERED] as number) - (sum[BYTES_FLUSHED] as number),
      ),
    };
  }

  syncStats(): void {
    const now = this.stats();
    const sinks = this.sinks;
    for (const name of ACCESS_LOG_FILE_STAT_NAMES) {
      if (name === 'write_total_buffered') {
        sinks.write_total_buffered?.set(now.write_total_buffered);
        continue;
      }
      const delta = now[name] - this.reported[name];
      if (delta > 0) sinks[name]?.add(delta);
      this.reported[name] = now[name];
    }
  }

  private assertOpen(operation: string): void {
    if (this.closing !== null || this.exited) throw closedError(operation);
  }

  private post(request: FlushThreadRequest): void {
    this.port.postMessage(request);
  }

  private wake(): void {
    Atomics.add(this.wakeWord, WAKE, 1);
    Atomics.notify(this.wakeWord, WAKE);
  }

  private request(request: Extract<FlushThreadRequest, { token: number }>): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closing !== null || this.exited) {
      return Promise.reject(closedError(request.op));
    }
    const token = this.nextToken++;
    return new Promise<void>((resolvePromise, reject) => {
      this.pending.set(token, { resolve: resolvePromise, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.post({ ...request, token });
      this.wake();
    });
  }

  private onReply(reply: FlushThreadReply): void {
    if (reply.op === 'fatal') {
      this.fail(flushThreadFailedError(reply.message));
      return;
    }
    const pending = this.pending.get(reply.token);
    if (pending === undefined) return;
    this.pending.delete(reply.token);
    if (this.pending.size === 0) this.worker.unref();
    pending.resolve();
  }

  private fail(error: Error): void {
    if (this.failure === null) this.failure = error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.worker.unref();
  }

  private waitForExit(): Promise<void> {
    if (this.exited) return Promise.resolve();
    this.worker.ref();
    return new Promise((done) => this.worker.once('exit', () => done()));
  }
}

function emptyStats(): AccessLogFileStats {
  const stats = {} as AccessLogFileStats;
  for (const name of ACCESS_LOG_FILE_STAT_NAMES) stats[name] = 0;
  return stats;
}

/** Creates an {@link AccessLogManager} and starts its flush thread. */
export function createAccessLogManager(options: AccessLogManagerOptions = {}): AccessLogManager {
  return new AccessLogManagerImpl(options);
}
