// Functions that the tests run inside worker threads.
import { threadId } from 'node:worker_threads';

export function add(a: number, b: number): number {
  return a + b;
}

export async function myThreadId(): Promise<number> {
  return threadId;
}

export function fail(message: string): never {
  throw new Error(message);
}

export function spin(): never {
  for (;;) {
    // A worker that never yields: runInWorker must end it on its time limit.
  }
}
