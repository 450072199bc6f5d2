// Functions run in worker threads by the tests (through runInWorker): each opens the process's
// stores from their descriptors, makes its thread's environment and plugin cache, and drives
// plugins through the stream interface.
import { currentDispatcher } from '@nuncio/dispatcher';
import { type SharedDataDescriptor, SharedDataStore } from '@nuncio/shared-data';
import { StatsStore, type StatsStoreDescriptor } from '@nuncio/stats';
import { waitFor } from '@nuncio/test-support';
import {
  FilterHeadersStatus,
  HeaderMapImpl,
  type WasmHostEnvironment,
  WasmPluginCache,
  type WasmPluginDescriptor,
} from '../../src/index.ts';
import { MemoryLogger, RecordingCallbacks } from './helpers.ts';

function environment(
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
): WasmHostEnvironment & {
  sharedData: SharedDataStore;
} {
  return {
    dispatcher: currentDispatcher(),
    sharedData: SharedDataStore.open(store),
    stats: StatsStore.open(stats),
    logger: new MemoryLogger(),
  };
}

/** Runs `count` requests through the shared-data counter plugin; returns the counts seen. */
export function sharedCounter(
  descriptor: WasmPluginDescriptor,
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  count: number,
): number[] {
  const env = environment(store, stats);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    const headers = new HeaderMapImpl();
    const stream = plugin.createStream(new RecordingCallbacks());
    stream.onRequestHeaders(headers, true);
    stream.onDestroy();
    seen.push(Number(headers.get('x-count')));
  }
  plugin.release();
  cache.close();
  env.sharedData.close();
  return seen;
}

/** Registers the queue (consumer plugin) and waits until `expected` jobs arrived. */
export async function queueConsumer(
  descriptor: WasmPluginDescriptor,
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  expected: number,
): Promise<{ received: number; last: string | undefined; threadId: number }> {
  const env = environment(store, stats);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  const vmId = descriptor.plugin.vmId;
  await waitFor(
    () => Number(env.sharedData.getString(vmId, 'jobs_received').value ?? 0) >= expected,
    {
      timeoutMs: 10_000,
      what: 'jobs received by the consumer',
    },
  );
  const result = {
    received: Number(env.sharedData.getString(vmId, 'jobs_received').value),
    last: env.sharedData.getString(vmId, 'last_job').value,
    threadId: env.dispatcher.threadId,
  };
  plugin.release();
  cache.close();
  return result;
}

/** Enqueues `jobs` through the producer plugin once the queue exists. */
export async function queueProducer(
  descriptor: WasmPluginDescriptor,
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  jobs: string[],
): Promise<string[]> {
  const env = environment(store, stats);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  const results: string[] = [];
  for (const job of jobs) {
    const headers = await waitFor(
      () => {
        const h = new HeaderMapImpl([['x-job', job]]);
        plugin.createStream(new RecordingCallbacks()).onRequestHeaders(h, true);
        return h.get('x-resolve') === '0' ? h : undefined;
      },
      { timeoutMs: 10_000, what: 'the queue to be registered' },
    );
    results.push(headers.get('x-enqueue') ?? 'none');
  }
  plugin.release();
  cache.close();
  return results;
}

/**
 * Sends `count` requests through the trap plugin, the one at index `trapAt` with `x-trap: yes`
 * (-1 for none), yielding to the event loop between requests. Returns each request's outcome.
 */
export async function trapScenario(
  descriptor: WasmPluginDescriptor,
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  count: number,
  trapAt: number,
): Promise<string[]> {
  const env = environment(store, stats);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) {
    const callbacks = new RecordingCallbacks();
    const headers = new HeaderMapImpl(i === trapAt ? [['x-trap', 'yes']] : []);
    const status = plugin.createStream(callbacks).onRequestHeaders(headers, true);
    if (status === FilterHeadersStatus.Continue && headers.get('x-ok') === 'yes')
      outcomes.push('ok');
    else if (callbacks.failed.length === 1) outcomes.push('failed');
    else outcomes.push(`unexpected ${status}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  plugin.release();
  cache.close();
  return outcomes;
}

/**
 * Sends one request per round through the create-or-CAS plugin, with x-key `round-<r>`, each round
 * started together with the other workers (a barrier on `control[0]`). Returns the rounds whose
 * insert this worker's plugin won and how many of its inserts lost.
 */
export function createOrCasRounds(
  descriptor: WasmPluginDescriptor,
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  rounds: number,
  workers: number,
  control: Int32Array,
): { inserted: number[]; lostInserts: number } {
  const env = environment(store, stats);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  const inserted: number[] = [];
  let lostInserts = 0;
  for (let r = 0; r < rounds; r++) {
    const target = workers * (r + 1);
    if (Atomics.add(control, 0, 1) + 1 === target) Atomics.notify(control, 0);
    for (;;) {
      const seen = Atomics.load(control, 0);
      if (seen >= target) break;
      Atomics.wait(control, 0, seen, 100);
    }
    const headers = new HeaderMapImpl([['x-key', `round-${r}`]]);
    const stream = plugin.createStream(new RecordingCallbacks());
    stream.onRequestHeaders(headers, true);
    stream.onDestroy();
    if (headers.get('x-inserted') === '1') inserted.push(r);
    else if (headers.get('x-inserted') !== '0') throw new Error(`round ${r}: no write`);
    lostInserts += Number(headers.get('x-lost-inserts'));
  }
  plugin.release();
  cache.close();
  env.sharedData.close();
  return { inserted, lostInserts };
}
