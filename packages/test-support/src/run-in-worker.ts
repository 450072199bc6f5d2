import { Worker } from 'node:worker_threads';

/** Options for {@link runInWorker}. */
export interface RunInWorkerOptions {
  /** Terminate the worker and reject after this many milliseconds (default 10000). */
  timeoutMs?: number;
  /** The worker's name (shows as the OS thread name). */
  name?: string;
}

// Sources run as .ts (type stripping) in tests; the built package runs as .js.
const runnerUrl = new URL(
  import.meta.url.endsWith('.ts') ? './worker-runner.ts' : './worker-runner.js',
  import.meta.url,
);

/**
 * Runs the named export of `moduleUrl` in a fresh worker thread with `args` (structured-cloned) and
 * resolves with what it returns (awaited, cloned back). Rejects with the function's error, or when
 * the worker exits early or outlives `timeoutMs`; the worker is always ended.
 */
export function runInWorker<T = unknown>(
  moduleUrl: string | URL,
  exportName: string,
  args: unknown[] = [],
  options: RunInWorkerOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const worker = new Worker(runnerUrl, {
    workerData: { moduleUrl: String(moduleUrl), exportName, args },
    ...(options.name === undefined ? {} : { name: options.name }),
  });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`runInWorker: ${exportName} did not finish within ${timeoutMs} ms`));
      void worker.terminate();
    }, timeoutMs);
    worker.once('message', (message: { ok: boolean; value?: T; error?: unknown }) => {
      clearTimeout(timer);
      if (message.ok) resolve(message.value as T);
      else reject(message.error);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runInWorker: worker exited with code ${code} before answering`));
    });
  });
}
