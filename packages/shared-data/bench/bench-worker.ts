// One benchmark thread: opens the store, waits for the start signal, then runs get/set operations
// until told to stop, counting the operations made while the measuring phase was on.
import { workerData } from 'node:worker_threads';
import { type SharedDataDescriptor, SharedDataStore } from '../src/index.ts';
import { EnvoyStyleStore } from './envoy-baseline.ts';

const { descriptor, design, control, index, keys, getsPerSet, seed } = workerData as {
  descriptor: SharedDataDescriptor;
  design: 'striped' | 'envoy';
  control: Int32Array;
  index: number;
  keys: string[];
  getsPerSet: number;
  seed: number;
};

// control[0]: phase. control[1 + index]: this worker's count, written when it stops.
const WARMUP = 1;
const MEASURE = 2;
const STOP = 3;
const BATCH = 256;

const store =
  design === 'envoy' ? new EnvoyStyleStore(descriptor) : SharedDataStore.open(descriptor);
const value = new Uint8Array(16);
let state = seed | 1;
let ops = 0;

Atomics.add(control, 1 + 64, 1);
Atomics.notify(control, 1 + 64);
while (Atomics.load(control, 0) < WARMUP) Atomics.wait(control, 0, 0, 100);
for (;;) {
  const phase = Atomics.load(control, 0);
  if (phase === STOP) break;
  for (let i = 0; i < BATCH; i++) {
    // xorshift32: a cheap per-thread key choice, the same for both stores.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const key = keys[(state >>> 0) % keys.length]!;
    if (i % (getsPerSet + 1) === getsPerSet) {
      value[0] = i;
      store.set('vm', key, value);
    } else {
      store.get('vm', key);
    }
  }
  if (phase === MEASURE) ops += BATCH;
}
Atomics.store(control, 1 + index, ops);
