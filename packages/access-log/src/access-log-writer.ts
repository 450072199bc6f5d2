// The producer side of a thread's ring. See ring-layout.ts for the layout and the README for why
// the ordering is correct: payload and header are plain stores made visible by the Atomics.store
// of HEAD; the flush thread reads them only after its Atomics.load of HEAD, and frees the space
// only by its Atomics.store of TAIL after it has copied them out.

import type { AccessLog, AccessLogSpec } from './access-log.ts';
import { createFormatter } from './access-log-config.ts';
import { AccessLogImpl } from './access-log-impl.ts';
import { handleInUseError } from './errors.ts';
import {
  BYTES_BUFFERED,
  CLAIMED,
  CLOSED,
  DATA_OFFSET,
  HEAD,
  LINES_BUFFERED,
  LINES_DROPPED,
  RECORD_HEADER,
  recordSize,
  SKIP_MARKER,
  TAIL,
  WAKE,
} from './ring-layout.ts';
import type { AccessLogThreadHandle } from './thread-handle.ts';

/**
 * A thread's writer: hands lines to the flush thread through the thread's own ring. Create one per
 * thread from an {@link AccessLogThreadHandle} (the manager's `registerThread()`), then bind access
 * logs to it with {@link AccessLogWriter.createAccessLog}. Use it on its own thread only.
 */
export class AccessLogWriter {
  /** The ring's id in its manager. */
  readonly ringId: number;
  private readonly words: Int32Array;
  private readonly counters: Float64Array;
  private readonly records: Int32Array;
  private readonly data: Buffer;
  private readonly wake: Int32Array;
  private readonly capacity: number;
  private readonly mask: number;
  private readonly trigger: number;
  private readonly maxPayload: number;
  /** HEAD as this (the only) producer last wrote it. */
  private head: number;
  /** TAIL as last read; re-read only near the size trigger or when the ring looks full. */
  private cachedTail: number;

  /** Takes ownership of the handle's ring; throws when another writer already owns it. */
  constructor(handle: AccessLogThreadHandle) {
    this.ringId = handle.ringId;
    this.words = new Int32Array(handle.ring, 0, DATA_OFFSET >> 2);
    this.counters = new Float64Array(handle.ring, 0, DATA_OFFSET >> 3);
    this.records = new Int32Array(handle.ring, DATA_OFFSET, handle.capacity >> 2);
    this.data = Buffer.from(handle.ring, DATA_OFFSET, handle.capacity);
    this.wake = new Int32Array(handle.control, 0, 1);
    this.capacity = handle.capacity;
    this.mask = handle.capacity - 1;
    this.trigger = handle.flushTriggerBytes;
    // A record larger than half the ring could wait forever behind a skip marker.
    this.maxPayload = (handle.capacity >> 1) - RECORD_HEADER;
    if (Atomics.compareExchange(this.words, CLAIMED, 0, 1) !== 0) {
      throw handleInUseError(handle.ringId);
    }
    this.head = Atomics.load(this.words, HEAD);
    this.cachedTail = Atomics.load(this.words, TAIL);
  }

  /**
   * Hands one line (write the newline yourself) to the flush thread for file `fileId`. Never
   * blocks: returns false, and counts the line as dropped, when the ring has no room for it, when
   * it is larger than half the ring, or when the manager was closed. An empty line is ignored.
   */
  write(fileId: number, line: string): boolean {
    const length = line.length;
    if (length === 0) return true;
    if (Atomics.load(this.words, CLOSED) !== 0) return this.drop();
    const head = this.head;
    const index = head & this.mask;
    // Fast path: room for the worst case (3 UTF-8 bytes per UTF-16 unit) before the end of the
    // data area, and the ring stays below the size trigger even then (judged by a TAIL that can
    // only be behind the real one, so the ring is at most this full). Then the line is encoded
    // straight into the ring without measuring it first, and nobody needs waking.
    const worst = recordSize(length * 3);
    if (worst <= this.capacity - index && ((head - this.cachedTail) | 0) + worst < this.trigger) {
      const payload = this.data.write(line, index + RECORD_HEADER, 'utf8');
      this.publish(head, index, payload, fileId, recordSize(payload));
      return true;
    }
    return this.writeSlow(fileId, line);
  }

  /** The general case: measure the line, look at the real TAIL, skip to the start if needed. */
  private writeSlow(fileId: number, line: string): boolean {
    const payload = Buffer.byteLength(line, 'utf8');
    if (payload > this.maxPayload) return this.drop();
    const size = recordSize(payload);
    let head = this.head;
    let index = head & this.mask;
    const contiguous = this.capacity - index;
    // A record never wraps: when it does not fit before the end, skip to the start.
    const needed = size <= contiguous ? size : contiguous + size;
    let used = (head - this.cachedTail) | 0;
    if (used + needed >= this.trigger) {
      // Near the trigger (or the end of the room): look at where the flush thread really is.
      this.cachedTail = Atomics.load(this.words, TAIL);
      used = (head - this.cachedTail) | 0;
      if (used + needed > this.capacity) return this.drop();
    }
    if (size > contiguous) {
      this.records[index >> 2] = SKIP_MARKER;
      head = (head + contiguous) | 0;
      index = 0;
    }
    this.data.write(line, index + RECORD_HEADER, payload, 'utf8');
    this.publish(head, index, payload, fileId, size);
    if (used < this.trigger && used + needed >= this.trigger) {
      // The size trigger: bump the wake word first, so a flush thread that is busy right now
      // sees a changed word and does not go to sleep on it.
      Atomics.add(this.wake, WAKE, 1);
      Atomics.notify(this.wake, WAKE);
    }
    return true;
  }

  /** Writes the record header and counters, then publishes the record by storing HEAD. */
  private publish(head: number, index: number, payload: number, fileId: number, size: number) {
    const records = this.records;
    records[index >> 2] = payload;
    records[(index >> 2) + 1] = fileId;
    const counters = this.counters;
    counters[LINES_BUFFERED] = (counters[LINES_BUFFERED] as number) + 1;
    counters[BYTES_BUFFERED] = (counters[BYTES_BUFFERED] as number) + payload;
    const next = (head + size) | 0;
    this.head = next;
    // Release: the payload, header and counters above are visible to whoever loads this HEAD.
    Atomics.store(this.words, HEAD, next);
  }

  /** Binds an access log (from the manager's `createAccessLog`) to this thread's ring. */
  createAccessLog(spec: AccessLogSpec): AccessLog {
    return new AccessLogImpl(this, spec.fileId, createFormatter(spec.format));
  }

  private drop(): false {
    const counters = this.counters;
    counters[LINES_DROPPED] = (counters[LINES_DROPPED] as number) + 1;
    return false;
  }
}
