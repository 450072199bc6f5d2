// Micro benchmark: OwnedBuffer against the naive way of buffering in Node (Buffer.concat on every
// add, subarray on every drain), on the data-path patterns the buffer exists for. Both sides do the
// same work and check the same result, in the same run.

import { Writable } from 'node:stream';
import type { BenchFigure } from '@nuncio/bench-support';
import { measureOpsPerSecond, reportBench } from '@nuncio/bench-support';
import { OwnedBuffer } from '@nuncio/buffer';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 700);
const warmupMs = 200;

/** The naive buffer: one contiguous Buffer, re-made on every add. */
class ConcatBuffer {
  data: Buffer = Buffer.alloc(0);
  add(chunk: Buffer): void {
    this.data = this.data.length === 0 ? chunk : Buffer.concat([this.data, chunk]);
  }
  drain(size: number): void {
    this.data = this.data.subarray(size);
  }
  /** Moves the first `size` bytes of `other` to the end of this one. */
  move(other: ConcatBuffer, size: number): void {
    this.add(other.data.subarray(0, size));
    other.drain(size);
  }
}

let sink = 0;

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark result check failed: ${what}`);
}

// 1. Many small writes (an HTTP/1.1 encoder writing header lines), drained in pieces as a socket
//    would take them.
const SMALL = Array.from({ length: 256 }, (_, i) =>
  Buffer.from(`x-header-${i}: ${'v'.repeat(i % 40)}\r\n`),
);
const SMALL_TOTAL = SMALL.reduce((n, b) => n + b.length, 0);
const DRAIN_PIECE = 1460;

function smallWritesOwned(): void {
  const buffer = new OwnedBuffer();
  for (const chunk of SMALL) buffer.add(chunk);
  while (buffer.length > 0) buffer.drain(Math.min(DRAIN_PIECE, buffer.length));
  sink += buffer.length;
}

function smallWritesConcat(): void {
  const buffer = new ConcatBuffer();
  for (const chunk of SMALL) buffer.add(chunk);
  while (buffer.data.length > 0) buffer.drain(Math.min(DRAIN_PIECE, buffer.data.length));
  sink += buffer.data.length;
}

// 2. Socket-sized reads (16 KiB) added and drained in pieces by a parser (4 KiB at a time).
const READS = Array.from({ length: 16 }, (_, i) => Buffer.alloc(16 * 1024, i));

function readsOwned(): void {
  const buffer = new OwnedBuffer();
  for (const chunk of READS) {
    buffer.add(chunk);
    while (buffer.length >= 4096) buffer.drain(4096);
  }
  sink += buffer.length;
}

function readsConcat(): void {
  const buffer = new ConcatBuffer();
  for (const chunk of READS) {
    buffer.add(chunk);
    while (buffer.data.length >= 4096) buffer.drain(4096);
  }
  sink += buffer.data.length;
}

// 3. HTTP/1.1 request heads arriving in 1 KiB reads, every CRLF found as the data arrives (so
//    matches span slice boundaries), then the head drained.
const HEAD = Buffer.from(
  `GET /some/long/path?query=1 HTTP/1.1\r\n${Array.from({ length: 120 }, (_, i) => `x-h${i}: ${'a'.repeat(30 + (i % 17))}\r\n`).join('')}\r\n`,
);
const HEAD_READS: Buffer[] = [];
for (let at = 0; at < HEAD.length; at += 1024) HEAD_READS.push(HEAD.subarray(at, at + 1024));
const CRLF = Buffer.from('\r\n');
const HEAD_LINES = HEAD.toString().split('\r\n').length - 1;

function crlfOwned(): void {
  const buffer = new OwnedBuffer();
  let lines = 0;
  let from = 0;
  for (const read of HEAD_READS) {
    buffer.add(read);
    for (;;) {
      const at = buffer.search(CRLF, from);
      if (at === -1) break;
      lines++;
      from = at + 2;
    }
  }
  buffer.drain(from);
  check(lines === HEAD_LINES, 'owned CRLF count');
  sink += lines;
}

function crlfConcat(): void {
  const buffer = new ConcatBuffer();
  let lines = 0;
  let from = 0;
  for (const read of HEAD_READS) {
    buffer.add(read);
    for (;;) {
      const at = buffer.data.indexOf(CRLF, from);
      if (at === -1) break;
      lines++;
      from = at + 2;
    }
  }
  buffer.drain(from);
  check(lines === HEAD_LINES, 'concat CRLF count');
  sink += lines;
}

// 4. A proxy's hand-off: each 16 KiB read moved from the downstream read buffer to the upstream
//    write buffer, which a socket drains in 64 KiB writes.
function moveOwned(): void {
  const read = new OwnedBuffer();
  const write = new OwnedBuffer();
  for (const chunk of READS) {
    read.add(chunk);
    write.move(read);
    if (write.length >= 65536) write.drain(65536);
  }
  sink += write.length;
}

function moveConcat(): void {
  const read = new ConcatBuffer();
  const write = new ConcatBuffer();
  for (const chunk of READS) {
    read.add(chunk);
    write.move(read, read.data.length);
    if (write.data.length >= 65536) write.drain(65536);
  }
  sink += write.data.length;
}

// 5. Partial moves: a filter passing on 3000-byte records out of the reads.
function partialMoveOwned(): void {
  const read = new OwnedBuffer();
  const write = new OwnedBuffer();
  for (const chunk of READS) {
    read.add(chunk);
    while (read.length >= 3000) write.move(read, 3000);
    if (write.length >= 65536) write.drain(write.length);
  }
  sink += write.length;
}

function partialMoveConcat(): void {
  const read = new ConcatBuffer();
  const write = new ConcatBuffer();
  for (const chunk of READS) {
    read.add(chunk);
    while (read.data.length >= 3000) write.move(read, 3000);
    if (write.data.length >= 65536) write.drain(write.data.length);
  }
  sink += write.data.length;
}

// 6. An encoder's small string writes flushed to a stream: slices written under cork (one writev),
//    against one Buffer.concat per add, and against the careful naive way (collect, then one concat).
const LINES = SMALL.map((b) => b.toString());
const out = new Writable({
  writev(chunks, done) {
    sink += chunks.length;
    done();
  },
  write(_chunk, _encoding, done) {
    sink++;
    done();
  },
});

function flushOwned(): void {
  const buffer = new OwnedBuffer();
  for (const line of LINES) buffer.add(line);
  out.cork();
  for (const slice of buffer) out.write(slice);
  buffer.drain(buffer.length);
  out.uncork();
}

function flushConcat(): void {
  const buffer = new ConcatBuffer();
  for (const line of LINES) buffer.add(Buffer.from(line));
  out.write(buffer.data);
  buffer.drain(buffer.data.length);
}

function flushCollect(): void {
  const chunks: Buffer[] = [];
  for (const line of LINES) chunks.push(Buffer.from(line));
  out.write(Buffer.concat(chunks));
}

const cases: [string, () => void, () => void, string?][] = [
  [
    `add ${SMALL.length} small writes (${SMALL_TOTAL} B), drain by ${DRAIN_PIECE}`,
    smallWritesOwned,
    smallWritesConcat,
  ],
  ['add 16 x 16 KiB reads, drain by 4 KiB', readsOwned, readsConcat],
  [
    `find ${HEAD_LINES} CRLFs in a ${HEAD.length} B head read in 1 KiB pieces`,
    crlfOwned,
    crlfConcat,
  ],
  ['move 16 x 16 KiB reads to a write buffer', moveOwned, moveConcat],
  ['move 3000 B records out of 16 x 16 KiB reads', partialMoveOwned, partialMoveConcat],
  [`${LINES.length} string writes flushed to a stream`, flushOwned, flushConcat],
  [
    `${LINES.length} string writes flushed to a stream`,
    flushOwned,
    flushCollect,
    'chunk array + one concat',
  ],
];

const figures: BenchFigure[] = [];
for (const [name, subject, baseline, baselineName = 'Buffer.concat'] of cases) {
  const options = { durationMs, warmupMs };
  const value = await measureOpsPerSecond(subject, options);
  const base = await measureOpsPerSecond(baseline, options);
  figures.push({
    name,
    unit: 'ops/s',
    value,
    baseline: base,
    baselineName,
    target: '>= 1x',
  });
}
reportBench('buffer', figures);
if (sink === -1) console.log('unreachable');
