// Worker module of the benchmark: the handlers the dispatcher side is measured against.
import type { WorkerContext } from '../src/index.ts';

let received = 0;

export function init({ dispatcher }: WorkerContext): void {
  dispatcher.registerHandler('echo', (payload: unknown) => payload);
  dispatcher.registerHandler('sink', () => {
    received++;
  });
  dispatcher.registerHandler('received', () => received);
}
