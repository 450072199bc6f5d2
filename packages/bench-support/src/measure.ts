/** Options for {@link measureOpsPerSecond}. */
export interface OpsPerSecondOptions {
  /** How long to measure, after warm-up (default 1000 ms). */
  durationMs?: number;
  /** How long to warm up first (default 200 ms). */
  warmupMs?: number;
  /** Operations per call of `batch` (default 1): lets a batch run a tight loop of many ops. */
  opsPerBatch?: number;
}

/**
 * Calls `batch` repeatedly for `durationMs` and returns operations per second. `batch` may return a
 * promise (awaited before the next call), for subjects that complete asynchronously.
 */
export async function measureOpsPerSecond(
  batch: () => unknown,
  options: OpsPerSecondOptions = {},
): Promise<number> {
  const durationMs = options.durationMs ?? 1000;
  const warmupMs = options.warmupMs ?? 200;
  const opsPerBatch = options.opsPerBatch ?? 1;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) await batch();
  let batches = 0;
  const start = performance.now();
  const end = start + durationMs;
  let now = start;
  while (now < end) {
    await batch();
    batches++;
    now = performance.now();
  }
  return (batches * opsPerBatch * 1000) / (now - start);
}
