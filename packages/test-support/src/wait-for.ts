import { setTimeout as sleep } from 'node:timers/promises';

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many milliseconds (default 5000). */
  timeoutMs?: number;
  /** Poll every this many milliseconds (default 10). */
  intervalMs?: number;
  /** Named in the error when the time runs out. */
  what?: string;
}

/**
 * Polls `condition` until it returns a truthy value (which is returned) or the time runs out, in
 * which case it throws naming `what` and the last value seen.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await condition();
    if (last) return last as NonNullable<T>;
    if (Date.now() >= deadline) {
      throw new Error(
        `waitFor: ${options.what ?? 'condition'} not met within ${timeoutMs} ms (last value: ${String(last)})`,
      );
    }
    await sleep(intervalMs);
  }
}

/** Resolves as `promise` does, or rejects naming `what` when it takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
