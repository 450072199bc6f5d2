/**
 * Helpers shared by the tests of every Nuncio package. Private: never published.
 * @packageDocumentation
 */
export { freePort } from './free-port.ts';
export { type LoopbackServer, startEchoServer, startTcpServer } from './loopback-server.ts';
export { type RunInWorkerOptions, runInWorker } from './run-in-worker.ts';
export { type ThreadName, threadNames } from './thread-names.ts';
export { type WaitForOptions, waitFor, withTimeout } from './wait-for.ts';
