/**
 * What a thread needs to hand lines to the flush thread: its own ring in shared memory and the
 * flush thread's wake-up word. Plain data: post it to the worker (workerData or postMessage) and
 * build an {@link AccessLogWriter} from it there. One writer per handle: each ring has exactly one
 * producer.
 */
export interface AccessLogThreadHandle {
  /** The ring's id, unique within its manager. */
  readonly ringId: number;
  /** The ring: header words, counters and `capacity` bytes of records. */
  readonly ring: SharedArrayBuffer;
  /** The manager's control words (the flush thread's wake-up word). */
  readonly control: SharedArrayBuffer;
  /** Bytes of record space in the ring (a power of two). */
  readonly capacity: number;
  /** Ring fill, in bytes, at which the writer wakes the flush thread (the size trigger). */
  readonly flushTriggerBytes: number;
}
