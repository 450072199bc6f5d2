// Baseline worker of the benchmark: a bare MessagePort that answers pings and counts sinks.
import { type MessagePort, parentPort } from 'node:worker_threads';

let received = 0;
parentPort?.once('message', (port: MessagePort) => {
  port.on('message', (message: { kind: number; value: unknown }) => {
    if (message.kind === 0) port.postMessage(message.value);
    else received++;
    if (message.kind === 2) port.postMessage(received);
  });
});
