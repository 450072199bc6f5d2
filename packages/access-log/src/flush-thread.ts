// The flush thread (Envoy's "AccessLogFlush"): the only code that writes access-log files. It
// sleeps on the control buffer's WAKE word with the flush interval as its timeout, so it wakes on a
// writer's size trigger, on a request from the manager, or when the interval runs out. Each time it
// takes every complete record out of every ring, groups them by file and writes each file once.
// It is synchronous on purpose: a write that blocks (slow disk, full pipe) blocks this thread only.
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  type MessagePort,
  parentPort,
  receiveMessageOnPort,
  workerData,
} from 'node:worker_threads';
import {
  BYTES_FLUSHED,
  CLOSED,
  DATA_OFFSET,
  FLUSHED_BY_TIMER,
  HEAD,
  REOPEN_FAILED,
  recordSize,
  SKIP_MARKER,
  STDERR_FILE_ID,
  STDOUT_FILE_ID,
  TAIL,
  WAKE,
  WRITE_COMPLETED,
  WRITE_FAILED,
} from './ring-layout.ts';

/** Messages from the manager, polled with receiveMessageOnPort. */
export type FlushThreadRequest =
  | { op: 'open'; fileId: number; path: string }
  | { op: 'addRing'; ringId: number; ring: SharedArrayBuffer; capacity: number }
  | { op: 'removeRing'; ringId: number; token: number }
  | { op: 'flush'; token: number }
  | { op: 'reopen'; token: number }
  | { op: 'close'; token: number };

/** Messages to the manager, on parentPort. */
export type FlushThreadReply = { op: 'done'; token: number } | { op: 'fatal'; message: string };

/** What the manager passes as workerData. */
export interface FlushThreadData {
  control: SharedArrayBuffer;
  port: MessagePort;
  flushIntervalMs: number;
  /** The size trigger, in bytes of one ring. */
  flushTriggerBytes: number;
}

interface Ring {
  readonly id: number;
  readonly words: Int32Array;
  readonly counters: Float64Array;
  readonly records: Int32Array;
  readonly data: Buffer;
  readonly capacity: number;
  readonly mask: number;
  /** TAIL as this (the only) consumer last wrote it. */
  tail: number;
  /** Payload bytes taken out since the last write, credited to BYTES_FLUSHED after it. */
  taken: number;
}

interface OpenFile {
  /** -1 while the file cannot be opened: its lines count as failed writes until a reopen works. */
  fd: number;
  /** Null for stdout and stderr, which are never reopened or closed. */
  readonly path: string | null;
  staging: Buffer;
  length: number;
}

const { control, port, flushIntervalMs, flushTriggerBytes } = workerData as FlushThreadData;
const wakeWord = new Int32Array(control, 0, 1);
const counters = new Float64Array(control);
const sleepWord = new Int32Array(new SharedArrayBuffer(4));

const rings: Ring[] = [];
const files: (OpenFile | undefined)[] = [];
files[STDOUT_FILE_ID] = { fd: 1, path: null, staging: Buffer.allocUnsafe(0), length: 0 };
files[STDERR_FILE_ID] = { fd: 2, path: null, staging: Buffer.allocUnsafe(0), length: 0 };

// Requests that arrived, waiting for the start of a cycle. A cycle answers only the requests it
// took at its start: a request that arrives mid-cycle may concern lines in a ring already drained.
let flushTokens: number[] = [];
let reopenTokens: number[] = [];
let removals: { ringId: number; token: number }[] = [];
let closeToken: number | null = null;

function bump(index: number): void {
  counters[index] = (counters[index] as number) + 1;
}

/** Opens `path` for appending; -1 (counted as a failed reopen) when it cannot be opened. */
function openFile(path: string): number {
  try {
    return openSync(path, 'a');
  } catch {
    bump(REOPEN_FAILED);
    return -1;
  }
}

function receive(): void {
  for (;;) {
    const received = receiveMessageOnPort(port);
    if (received === undefined) return;
    const request = received.message as FlushThreadRequest;
    switch (request.op) {
      case 'open':
        files[request.fileId] = {
          fd: openFile(request.path),
          path: request.path,
          staging: Buffer.allocUnsafe(64 * 1024),
          length: 0,
        };
        break;
      case 'addRing':
        rings.push({
          id: request.ringId,
          words: new Int32Array(request.ring, 0, DATA_OFFSET >> 2),
          counters: new Float64Array(request.ring, 0, DATA_OFFSET >> 3),
          records: new Int32Array(request.ring, DATA_OFFSET, request.capacity >> 2),
          data: Buffer.from(request.ring, DATA_OFFSET, request.capacity),
          capacity: request.capacity,
          mask: request.capacity - 1,
          tail: Atomics.load(new Int32Array(request.ring, 0, DATA_OFFSET >> 2), TAIL),
          taken: 0,
        });
        break;
      case 'removeRing':
        removals.push({ ringId: request.ringId, token: request.token });
        break;
      case 'flush':
        flushTokens.push(request.token);
        break;
      case 'reopen':
        reopenTokens.push(request.token);
        break;
      case 'close':
        closeToken = request.token;
        break;
    }
  }
}

function stage(file: OpenFile, source: Buffer, start: number, length: number): void {
  const needed = file.length + length;
  if (needed > file.staging.length) {
    const grown = Buffer.allocUnsafe(Math.max(needed, file.staging.length * 2, 64 * 1024));
    file.staging.copy(grown, 0, 0, file.length);
    file.staging = grown;
  }
  source.copy(file.staging, file.length, start, start + length);
  file.length = needed;
}

/** Takes every complete record out of `ring` into its file's staging buffer; returns the bytes. */
function drain(ring: Ring): number {
  // Acquire: every record before this HEAD is fully written (see the README).
  const head = Atomics.load(ring.words, HEAD);
  let tail = ring.tail;
  let bytes = 0;
  while (tail !== head) {
    const index = tail & ring.mask;
    const length = ring.records[index >> 2] as number;
    if (length === SKIP_MARKER) {
      tail = (tail + (ring.capacity - index)) | 0;
      continue;
    }
    const fileId = ring.records[(index >> 2) + 1] as number;
    let file = files[fileId];
    if (file === undefined) {
      // The writer learnt the id after the manager posted 'open'; the message is there by now.
      receive();
      file = files[fileId];
    }
    if (file === undefined) bump(WRITE_FAILED);
    else stage(file, ring.data, index + 8, length);
    bytes += length;
    tail = (tail + recordSize(length)) | 0;
  }
  ring.tail = tail;
  ring.taken += bytes;
  // Release: the writer may reuse the space only after the copy above.
  Atomics.store(ring.words, TAIL, tail);
  return bytes;
}

function sleep(ms: number): void {
  Atomics.wait(sleepWord, 0, 0, ms);
}

function writeAll(fd: number, buffer: Buffer, length: number): boolean {
  if (fd < 0) return false;
  let offset = 0;
  while (offset < length) {
    try {
      offset += writeSync(fd, buffer, offset, length - offset);
    } catch (error) {
      // stdout and stderr may be non-blocking pipes: wait for room rather than lose lines.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        sleep(1);
        continue;
      }
      return false;
    }
  }
  return true;
}

function writeFiles(): void {
  for (const file of files) {
    if (file === undefined || file.length === 0) continue;
    bump(writeAll(file.fd, file.staging, file.length) ? WRITE_COMPLETED : WRITE_FAILED);
    file.length = 0;
  }
  for (const ring of rings) {
    if (ring.taken === 0) continue;
    ring.counters[BYTES_FLUSHED] = (ring.counters[BYTES_FLUSHED] as number) + ring.taken;
    ring.taken = 0;
  }
}

/** Takes out and writes everything in every ring; returns the bytes taken. */
function flushAll(): number {
  let bytes = 0;
  for (const ring of rings) bytes += drain(ring);
  writeFiles();
  return bytes;
}

function reopenFiles(): void {
  for (const file of files) {
    if (file === undefined || file.path === null) continue;
    const fd = openFile(file.path);
    // When the new open fails, keep writing to the old descriptor: the rotated file is better
    // than nowhere.
    if (fd < 0) continue;
    if (file.fd >= 0) {
      try {
        closeSync(file.fd);
      } catch {
        // Already unusable; the new descriptor replaces it either way.
      }
    }
    file.fd = fd;
  }
}

function reply(message: FlushThreadReply): void {
  parentPort?.postMessage(message);
}

function cycle(timedOut: boolean): boolean {
  receive();
  const flushes = flushTokens;
  const reopens = reopenTokens;
  const removing = removals;
  const closing = closeToken;
  flushTokens = [];
  reopenTokens = [];
  removals = [];
  closeToken = null;

  const bytes = flushAll();
  if (timedOut && bytes > 0) bump(FLUSHED_BY_TIMER);

  if (reopens.length > 0) {
    reopenFiles();
    for (const token of reopens) reply({ op: 'done', token });
  }
  for (const { ringId, token } of removing) {
    const at = rings.findIndex((r) => r.id === ringId);
    const ring = rings[at];
    if (ring !== undefined) {
      // Refuse further lines, then take what raced in before the refusal was seen.
      Atomics.store(ring.words, CLOSED, 1);
      drain(ring);
      writeFiles();
      rings.splice(at, 1);
    }
    reply({ op: 'done', token });
  }
  for (const token of flushes) reply({ op: 'done', token });

  if (closing === null) return true;
  for (const ring of rings) Atomics.store(ring.words, CLOSED, 1);
  flushAll();
  for (const file of files) {
    if (file === undefined || file.path === null || file.fd < 0) continue;
    try {
      closeSync(file.fd);
    } catch {
      // Nothing left to do for a descriptor that cannot be closed.
    }
  }
  reply({ op: 'done', token: closing });
  return false;
}

/**
 * True when a ring already holds the size trigger's worth again. A writer wakes this thread only
 * when its ring crosses the trigger, and a ring that filled up while this thread was busy crossed
 * it long ago; so, like Envoy's flush loop that checks its buffer before waiting on its condition
 * variable, look before sleeping.
 */
function ringsAboveTrigger(): boolean {
  for (const ring of rings) {
    if (((Atomics.load(ring.words, HEAD) - ring.tail) | 0) >= flushTriggerBytes) return true;
  }
  return false;
}

function run(): void {
  let timedOut = false;
  for (;;) {
    // Read the word before looking at the rings: a wake-up that comes while this cycle runs
    // changes it, and the wait below then returns at once instead of sleeping through it.
    const seen = Atomics.load(wakeWord, WAKE);
    if (!cycle(timedOut)) return;
    if (ringsAboveTrigger()) {
      timedOut = false;
      continue;
    }
    timedOut = Atomics.wait(wakeWord, WAKE, seen, flushIntervalMs) === 'timed-out';
  }
}

try {
  run();
} catch (error) {
  reply({
    op: 'fatal',
    message: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
} finally {
  port.close();
}
