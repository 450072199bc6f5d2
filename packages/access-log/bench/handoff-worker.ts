// Runs inside a worker thread for handoff.bench.ts: each function measures one way of getting
// access-log lines out of a worker, for the same time, and returns lines per second.

import { once } from 'node:events';
import { appendFileSync, createWriteStream } from 'node:fs';
import { measureOpsPerSecond } from '@nuncio/bench-support';
import {
  type AccessLogSpec,
  type AccessLogThreadHandle,
  AccessLogWriter,
  createFormatter,
  DEFAULT_ACCESS_LOG_FORMAT,
  type StreamInfo,
} from '../src/index.ts';

const BATCH = 1000;
const LINE = `[2024-01-01T00:00:00.000Z] "- - -" 0 - 154 0 226 - "-" "-" "-" "-" "10.0.2.1:80"\n`;

function info(i: number): StreamInfo {
  return {
    startTimeMs: 1_704_067_200_000 + i,
    durationMs: 226,
    bytesReceived: 154,
    bytesSent: i,
    downstreamRemoteAddress: { address: '10.0.35.28', port: 51234 },
    upstreamHost: { address: '10.0.2.1', port: 80 },
  };
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this worker for `ms`, as a worker busy with its connections would be. */
function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

/**
 * The worker-side cost of handing lines over: bursts of 500 lines (about 48 KiB), timed, with 1 ms
 * (untimed) between bursts, as from a worker that also serves connections. Returns lines/s inside
 * write() and how many lines found the ring full.
 */
export function handOff(
  handle: AccessLogThreadHandle,
  fileId: number,
  durationMs: number,
): { rate: number; refused: number } {
  const writer = new AccessLogWriter(handle);
  let refused = 0;
  let lines = 0;
  let timed = 0;
  for (let warm = 0; warm < 200; warm++) {
    for (let i = 0; i < 500; i++) writer.write(fileId, LINE);
    sleep(1);
  }
  while (timed < durationMs) {
    const start = performance.now();
    for (let i = 0; i < 500; i++) if (!writer.write(fileId, LINE)) refused++;
    timed += performance.now() - start;
    lines += 500;
    sleep(1);
  }
  return { rate: (lines * 1000) / timed, refused };
}

/**
 * Throughput of the whole path: the worker writes as fast as it can for `durationMs`, backing off
 * 1 ms whenever its ring is full (so every line is written once). Returns the lines written and
 * the time taken; the caller adds the final flush.
 */
export function handOffRetrying(
  handle: AccessLogThreadHandle,
  fileId: number,
  durationMs: number,
): { lines: number; elapsedMs: number; refused: number } {
  const writer = new AccessLogWriter(handle);
  let lines = 0;
  let refused = 0;
  const start = performance.now();
  const end = start + durationMs;
  while (performance.now() < end) {
    for (let i = 0; i < BATCH; i++) {
      while (!writer.write(fileId, LINE)) {
        refused++;
        sleep(1);
      }
    }
    lines += BATCH;
  }
  return { lines, elapsedMs: performance.now() - start, refused };
}

/** Lines/s through `AccessLog.log()`: formatting with Envoy's default format plus the hand-off. */
export async function logDefaultFormat(
  handle: AccessLogThreadHandle,
  spec: AccessLogSpec,
  durationMs: number,
): Promise<{ rate: number; refused: number }> {
  const log = new AccessLogWriter(handle).createAccessLog(spec);
  const infos = Array.from({ length: BATCH }, (_, i) => info(i));
  let refused = 0;
  const rate = await measureOpsPerSecond(
    () => {
      for (let i = 0; i < BATCH; i++) if (!log.log(infos[i] as StreamInfo)) refused++;
    },
    { durationMs, opsPerBatch: BATCH },
  );
  return { rate, refused };
}

/** Baseline: one synchronous append per line, on the worker itself. */
export function appendPerLine(path: string, durationMs: number): Promise<number> {
  return measureOpsPerSecond(
    () => {
      for (let i = 0; i < BATCH; i++) appendFileSync(path, LINE);
    },
    { durationMs, opsPerBatch: BATCH, warmupMs: 100 },
  );
}

/**
 * Baseline: an in-thread buffered stream, honouring backpressure (waits for 'drain' when write()
 * says so), ended and flushed at the end: lines/s until everything is written.
 */
export async function writeStream(path: string, durationMs: number, formatted: boolean) {
  const stream = createWriteStream(path, { flags: 'a' });
  const formatter = createFormatter({
    kind: 'text',
    format: DEFAULT_ACCESS_LOG_FORMAT,
    omitEmptyValues: false,
  });
  const infos = Array.from({ length: BATCH }, (_, i) => info(i));
  const start = performance.now();
  let lines = 0;
  const rate = await measureOpsPerSecond(
    async () => {
      let ok = true;
      for (let i = 0; i < BATCH; i++) {
        ok = stream.write(formatted ? formatter.format(infos[i] as StreamInfo) : LINE) && ok;
      }
      lines += BATCH;
      if (!ok) await once(stream, 'drain');
    },
    { durationMs, opsPerBatch: BATCH },
  );
  stream.end();
  await once(stream, 'finish');
  return { rate, linesPerSecondToDisk: (lines * 1000) / (performance.now() - start) };
}
