// Shared-memory layouts used by the writers (producers), the flush thread (consumer) and the
// manager (stats reader). One ring per writing thread: a single-producer single-consumer byte ring
// in a SharedArrayBuffer. Words written by different threads live on different 64-byte lines.
//
// Ring buffer (byte offsets):
//   0    Int32  HEAD            producer's write position (free-running, wraps at 2^32)
//   8    Float64 LINES_BUFFERED  producer: lines accepted
//   16   Float64 LINES_DROPPED   producer: lines refused
//   24   Float64 BYTES_BUFFERED  producer: payload bytes accepted
//   64   Int32  TAIL            consumer's read position
//   72   Float64 BYTES_FLUSHED   consumer: payload bytes taken out and written (or failed)
//   128  Int32  CLOSED          1 once the ring no longer drains (manager closed / ring released)
//   132  Int32  CLAIMED         1 once a writer owns the ring (one producer only)
//   192  data: `capacity` bytes (a power of two) of records
//
// Record: Int32 payload length, Int32 file id, payload (UTF-8), padding to a multiple of 8 bytes.
// A length of -1 is a skip marker: the rest of the data area up to its end is unused and the next
// record starts at offset 0 (records never wrap, so a payload is always one contiguous slice).

/** Int32 index of HEAD. */
export const HEAD = 0;
/** Int32 index of TAIL. */
export const TAIL = 16;
/** Int32 index of CLOSED. */
export const CLOSED = 32;
/** Int32 index of CLAIMED. */
export const CLAIMED = 33;
/** Float64 indices of the ring's counters. */
export const LINES_BUFFERED = 1;
export const LINES_DROPPED = 2;
export const BYTES_BUFFERED = 3;
export const BYTES_FLUSHED = 9;

/** Byte offset of the data area. */
export const DATA_OFFSET = 192;
/** Bytes of a record header. */
export const RECORD_HEADER = 8;
/** Record length that marks "skip to the start of the data area". */
export const SKIP_MARKER = -1;

/** Bytes a record of `payload` bytes takes: header plus payload, rounded up to 8. */
export function recordSize(payload: number): number {
  return (RECORD_HEADER + payload + 7) & ~7;
}

// Control buffer (one per manager), byte offsets:
//   0    Int32  WAKE           bumped (then notified) to wake the flush thread
//   64   Float64 WRITE_COMPLETED, WRITE_FAILED, FLUSHED_BY_TIMER, REOPEN_FAILED (flush thread)
export const CONTROL_BYTES = 128;
/** Int32 index of WAKE. */
export const WAKE = 0;
/** Float64 indices of the flush thread's counters. */
export const WRITE_COMPLETED = 8;
export const WRITE_FAILED = 9;
export const FLUSHED_BY_TIMER = 10;
export const REOPEN_FAILED = 11;

/** File ids reserved for the standard streams. */
export const STDOUT_FILE_ID = 0;
export const STDERR_FILE_ID = 1;
