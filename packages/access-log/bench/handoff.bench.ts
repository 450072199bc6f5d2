// Lines per second from a worker thread: handed to the flush thread through the worker's ring,
// against writing them on the worker itself (fs.appendFileSync per line, and a buffered
// fs.createWriteStream). All measured in one run, in the same kind of worker, to the same disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportBench } from '@nuncio/bench-support';
import { runInWorker } from '@nuncio/test-support';
import { createAccessLogManager } from '../src/index.ts';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 1500);
const worker = new URL('./handoff-worker.ts', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'nuncio-access-log-bench-'));
const options = { timeoutMs: durationMs * 10 + 30_000 };

try {
  const manager = createAccessLogManager({ bufferBytesPerThread: 16 << 20, flushIntervalMs: 1000 });
  const file = manager.createAccessLogFile(join(dir, 'ring.log'));
  const handOff = await runInWorker<{ rate: number; refused: number }>(
    worker,
    'handOff',
    [manager.registerThread(), file.fileId, durationMs],
    options,
  );
  await manager.flush();
  const retrying = await runInWorker<{ lines: number; elapsedMs: number; refused: number }>(
    worker,
    'handOffRetrying',
    [manager.registerThread(), file.fileId, durationMs],
    options,
  );
  const flushStart = performance.now();
  await manager.flush();
  const toDisk = (retrying.lines * 1000) / (retrying.elapsedMs + performance.now() - flushStart);

  const spec = manager.createAccessLog({
    name: 'envoy.access_loggers.file',
    typedConfig: { path: join(dir, 'formatted.log') },
  });
  const formatted = await runInWorker<{ rate: number; refused: number }>(
    worker,
    'logDefaultFormat',
    [manager.registerThread(), spec, durationMs],
    options,
  );
  await manager.close();

  const append = await runInWorker<number>(
    worker,
    'appendPerLine',
    [join(dir, 'append.log'), durationMs],
    options,
  );
  const stream = await runInWorker<{ rate: number; linesPerSecondToDisk: number }>(
    worker,
    'writeStream',
    [join(dir, 'stream.log'), durationMs, false],
    options,
  );
  const streamFormatted = await runInWorker<{ rate: number; linesPerSecondToDisk: number }>(
    worker,
    'writeStream',
    [join(dir, 'stream-formatted.log'), durationMs, true],
    options,
  );

  console.log(
    `ring full: ${handOff.refused} lines refused in the burst run, ${retrying.refused} retries in ` +
      `the end-to-end run, ${formatted.refused} refused in the formatted run`,
  );
  reportBench('access-log-handoff', [
    {
      name: 'writer.write() from a worker',
      unit: 'lines/s',
      value: handOff.rate,
      baseline: append,
      baselineName: 'fs.appendFileSync per line',
      target: 'far above appendFileSync',
    },
    {
      name: 'writer.write() from a worker',
      unit: 'lines/s',
      value: handOff.rate,
      baseline: stream.rate,
      baselineName: 'createWriteStream.write in-thread',
      target: '>= 1x',
    },
    {
      name: 'worker to disk, retrying when full (incl. final flush)',
      unit: 'lines/s',
      value: toDisk,
      baseline: stream.linesPerSecondToDisk,
      baselineName: 'createWriteStream until finished',
    },
    {
      name: 'AccessLog.log() default format',
      unit: 'lines/s',
      value: formatted.rate,
      baseline: streamFormatted.rate,
      baselineName: 'same formatter + createWriteStream.write',
      target: '>= 1x',
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
