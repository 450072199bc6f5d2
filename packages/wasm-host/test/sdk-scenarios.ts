// Functions the SDK suites run in worker threads (through runInWorker): each opens the process's
// stores from their descriptors, makes its thread's environment and plugin cache (the VM copies
// are instantiated here, from the base VMs compiled on the main thread), drives SDK plugins
// through the stream interface as a filter would, and returns what it saw.
import { isMainThread, threadId } from 'node:worker_threads';
import { OwnedBuffer } from '@nuncio/buffer';
import { currentDispatcher } from '@nuncio/dispatcher';
import { type SharedDataDescriptor, SharedDataStore } from '@nuncio/shared-data';
import { StatsStore, type StatsStoreDescriptor } from '@nuncio/stats';
import { waitFor } from '@nuncio/test-support';
import {
  BytesBuffer,
  FilterDataStatus,
  HeaderMapImpl,
  type HeaderPair,
  PeerType,
  type StreamAttributes,
  type WasmHostEnvironment,
  WasmPluginCache,
  type WasmPluginDescriptor,
} from '../src/index.ts';
import { UndiciHttpCallClient } from '../src/undici.ts';
import { MemoryLogger, RecordingCallbacks } from './support/helpers.ts';

type Env = WasmHostEnvironment & { sharedData: SharedDataStore; logger: MemoryLogger };

function environment(
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  httpCallPort?: number,
): Env {
  return {
    dispatcher: currentDispatcher(),
    sharedData: SharedDataStore.open(store),
    stats: StatsStore.open(stats),
    logger: new MemoryLogger(),
    ...(httpCallPort === undefined
      ? {}
      : {
          httpCallClient: new UndiciHttpCallClient({
            hasCluster: (name) => name === 'backend',
            chooseHost: () => ({ address: '127.0.0.1', port: httpCallPort }),
          }),
        }),
  };
}

async function closeEnvironment(env: Env, cache: WasmPluginCache): Promise<void> {
  cache.close();
  await (env.httpCallClient as UndiciHttpCallClient | undefined)?.close();
  env.sharedData.close();
}

/** One HTTP stream as a filter would drive it. */
export interface RequestSpec {
  /** Which of the scenario's plugins serves it (default 0). */
  readonly plugin?: number;
  readonly headers: HeaderPair[];
  /** Request body chunks (the last one ends the stream unless trailers follow). */
  readonly body?: string[];
  readonly trailers?: HeaderPair[];
  readonly response?: { readonly headers: HeaderPair[]; readonly body?: string[] };
  readonly attributes?: StreamAttributes;
  /** Wait for the plugin to resume the request (after an http_call) before going on. */
  readonly waitForContinue?: boolean;
  /** Leave the stream open: no on_log, no on_done. */
  readonly keepOpen?: boolean;
}

/** What one stream saw. */
export interface RequestOutcome {
  readonly requestHeadersStatus: number;
  /** The request headers as the plugin left them (after it resumed, when waited for). */
  readonly requestHeaders: HeaderPair[];
  readonly requestBodyStatuses: number[];
  /** What went upstream: chunks let through plus what was buffered at the end. */
  readonly requestBody: string | undefined;
  readonly requestTrailers: HeaderPair[] | undefined;
  readonly responseHeadersStatus: number | undefined;
  readonly responseHeaders: HeaderPair[] | undefined;
  readonly responseBodyStatuses: number[];
  readonly responseBody: string | undefined;
  readonly localReplies: {
    statusCode: number;
    body: string;
    headers: HeaderPair[];
    grpcStatus: number | undefined;
    details: string;
  }[];
  /** Stream types `failStream` was called with. */
  readonly failed: number[];
  readonly continued: number;
}

/** What {@link httpExchange} returns. */
export interface ExchangeResult {
  readonly outcomes: RequestOutcome[];
  readonly logs: string[];
  readonly isMainThread: boolean;
  readonly threadId: number;
}

/** Feeds body chunks as Envoy does: a stop buffers, a continue lets the buffer through. */
function driveBody(
  chunks: readonly string[],
  endsStream: boolean,
  call: (buffer: BytesBuffer, endOfStream: boolean) => number,
): { statuses: number[]; body: string } {
  const statuses: number[] = [];
  const buffer = new BytesBuffer();
  let passed = '';
  chunks.forEach((chunk, i) => {
    buffer.add(new TextEncoder().encode(chunk));
    const status = call(buffer, endsStream && i === chunks.length - 1);
    statuses.push(status);
    if (status === FilterDataStatus.Continue) {
      passed += buffer.toString();
      buffer.drain(buffer.length);
    }
  });
  return { statuses, body: passed + buffer.toString() };
}

/**
 * Runs `requests` through `descriptors` (one plugin cache for all, as one worker holds them) and
 * reports each stream. With `httpCallPort`, `http_call` goes to 127.0.0.1:<port> as cluster
 * "backend".
 */
export async function httpExchange(
  descriptors: WasmPluginDescriptor[],
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  requests: RequestSpec[],
  httpCallPort?: number,
): Promise<ExchangeResult> {
  const env = environment(store, stats, httpCallPort);
  const cache = new WasmPluginCache(env);
  const plugins = descriptors.map((d) => cache.getOrCreate(d));
  const outcomes: RequestOutcome[] = [];
  for (const spec of requests) {
    const callbacks = Object.assign(new RecordingCallbacks(), {
      attributes: () => spec.attributes,
    });
    const plugin = plugins[spec.plugin ?? 0];
    if (plugin === undefined) throw new Error(`no plugin ${spec.plugin}`);
    const stream = plugin.createStream(callbacks);
    const hasBody = (spec.body?.length ?? 0) > 0 || spec.trailers !== undefined;
    const headers = new HeaderMapImpl(spec.headers);
    const requestHeadersStatus = stream.onRequestHeaders(headers, !hasBody);
    if (spec.waitForContinue) {
      await waitFor(() => callbacks.continued > 0 || callbacks.failed.length > 0, {
        timeoutMs: 10_000,
        what: 'the plugin to resume the request',
      });
    }
    const request = driveBody(spec.body ?? [], spec.trailers === undefined, (b, end) =>
      stream.onRequestBody(b, end),
    );
    let requestTrailers: HeaderPair[] | undefined;
    if (spec.trailers !== undefined) {
      const trailers = new HeaderMapImpl(spec.trailers);
      stream.onRequestTrailers(trailers);
      requestTrailers = [...trailers.pairs()];
    }
    let responseHeadersStatus: number | undefined;
    let responseHeaders: HeaderPair[] | undefined;
    let response = { statuses: [] as number[], body: undefined as string | undefined };
    if (spec.response !== undefined) {
      const map = new HeaderMapImpl(spec.response.headers);
      responseHeadersStatus = stream.onResponseHeaders(
        map,
        (spec.response.body?.length ?? 0) === 0,
      );
      responseHeaders = [...map.pairs()];
      if ((spec.response.body?.length ?? 0) > 0) {
        response = driveBody(spec.response.body ?? [], true, (b, end) =>
          stream.onResponseBody(b, end),
        );
      }
    }
    if (!spec.keepOpen) {
      stream.onLog();
      stream.onDestroy();
    }
    outcomes.push({
      requestHeadersStatus,
      requestHeaders: [...headers.pairs()],
      requestBodyStatuses: request.statuses,
      requestBody: spec.body === undefined ? undefined : request.body,
      requestTrailers,
      responseHeadersStatus,
      responseHeaders,
      responseBodyStatuses: response.statuses,
      responseBody: response.body,
      localReplies: callbacks.localReplies.map((r) => ({
        statusCode: r.statusCode,
        body: new TextDecoder().decode(r.body),
        headers: [...r.headers],
        grpcStatus: r.grpcStatus,
        details: r.details,
      })),
      failed: [...callbacks.failed],
      continued: callbacks.continued,
    });
    // Let queued work (wake-ups, timers) run between streams, as a worker's loop would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (const plugin of plugins) plugin.release();
  await closeEnvironment(env, cache);
  return {
    outcomes,
    logs: env.logger.lines.map((l) => l.message),
    isMainThread,
    threadId,
  };
}

/**
 * Waits on `barrier` (an Int32Array over a SharedArrayBuffer) until `parties` threads arrived,
 * so that workers start their contended work together.
 */
function arriveAndWait(barrier: SharedArrayBuffer, parties: number): void {
  const cells = new Int32Array(barrier);
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const arrived = Atomics.load(cells, 0);
    if (arrived >= parties) return;
    if (Date.now() > deadline) throw new Error('the other workers never arrived at the barrier');
    Atomics.wait(cells, 0, arrived, 50);
  }
}

/**
 * Sends `count` requests through the shared-data counter plugin once `parties` workers are
 * ready; returns the values the plugin wrote and its total cas retries.
 */
export function contendedCounter(
  descriptor: WasmPluginDescriptor,
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  count: number,
  barrier: SharedArrayBuffer,
  parties: number,
): { values: number[]; retries: number; errors: string[] } {
  const env = environment(store, stats);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  arriveAndWait(barrier, parties);
  const values: number[] = [];
  const errors: string[] = [];
  let retries = 0;
  for (let i = 0; i < count; i++) {
    const headers = new HeaderMapImpl();
    const stream = plugin.createStream(new RecordingCallbacks());
    stream.onRequestHeaders(headers, true);
    stream.onLog();
    stream.onDestroy();
    const error = headers.get('x-count-error');
    if (error !== undefined) errors.push(error);
    values.push(Number(headers.get('x-count')));
    retries += Number(headers.get('x-cas-retries') ?? 0);
  }
  plugin.release();
  cache.close();
  env.sharedData.close();
  return { values, retries, errors };
}

/** Holds the queue's consumer plugin on this worker until `expected` jobs were dequeued. */
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
  const received = () => Number(env.sharedData.getString(vmId, 'jobs_received').value ?? 0);
  await waitFor(() => received() >= expected, { timeoutMs: 15_000, what: 'the jobs to arrive' });
  const result = {
    received: received(),
    last: env.sharedData.getString(vmId, 'last_job').value,
    threadId,
  };
  plugin.release();
  await closeEnvironment(env, cache);
  return result;
}

/** Enqueues `jobs` through the producer plugin, each once the queue resolves. */
export async function queueProducer(
  descriptor: WasmPluginDescriptor,
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  jobs: string[],
): Promise<{ enqueued: string[]; threadId: number }> {
  const env = environment(store, stats);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  const enqueued: string[] = [];
  for (const job of jobs) {
    const headers = await waitFor(
      () => {
        const h = new HeaderMapImpl([['x-job', job]]);
        const stream = plugin.createStream(new RecordingCallbacks());
        stream.onRequestHeaders(h, true);
        stream.onLog();
        stream.onDestroy();
        return h.get('x-resolve') === 'ok' ? h : undefined;
      },
      { timeoutMs: 15_000, what: 'the queue to be registered' },
    );
    enqueued.push(headers.get('x-enqueue') ?? 'none');
  }
  plugin.release();
  await closeEnvironment(env, cache);
  return { enqueued, threadId };
}

/**
 * Holds the tick plugin on this worker until its "ticks" counter reaches `expected` (and, with
 * `httpCallPort`, until as many of its calls were answered), then for `settleMs` more; returns
 * the counters at both moments.
 */
export async function ticker(
  descriptor: WasmPluginDescriptor,
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  expected: number,
  settleMs: number,
  httpCallPort?: number,
): Promise<{ reached: number; afterSettle: number; answered: number }> {
  const env = environment(store, stats, httpCallPort);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  const vmId = descriptor.plugin.vmId;
  const read = (key: string) => Number(env.sharedData.getString(vmId, key).value ?? 0);
  const answersExpected = httpCallPort === undefined ? 0 : expected;
  await waitFor(() => read('ticks') >= expected && read('calls_answered') >= answersExpected, {
    timeoutMs: 15_000,
    what: `${expected} ticks`,
  });
  const reached = read('ticks');
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const result = { reached, afterSettle: read('ticks'), answered: read('calls_answered') };
  plugin.release();
  await closeEnvironment(env, cache);
  return result;
}

/** One step of a TCP stream driven through the stream interface. */
export type TcpStep =
  | { readonly down: string; readonly end?: boolean }
  | { readonly up: string; readonly end?: boolean };

/** Drives one TCP connection through the network plugin and reports each step. */
export function tcpConnection(
  descriptor: WasmPluginDescriptor,
  store: SharedDataDescriptor,
  stats: StatsStoreDescriptor,
  steps: TcpStep[],
  attributes: StreamAttributes,
): {
  newConnection: number;
  results: { status: number; data: string }[];
  closedDownstream: number;
  failed: number[];
} {
  const env = environment(store, stats);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(descriptor);
  const callbacks = Object.assign(new RecordingCallbacks(), { attributes: () => attributes });
  const stream = plugin.createStream(callbacks);
  const newConnection = stream.onNewConnection();
  const results: { status: number; data: string }[] = [];
  for (const step of steps) {
    const buffer = new OwnedBuffer();
    if ('down' in step) {
      buffer.add(step.down);
      results.push({ status: stream.onDownstreamData(buffer, step.end ?? false), data: '' });
    } else {
      buffer.add(step.up);
      results.push({ status: stream.onUpstreamData(buffer, step.end ?? false), data: '' });
    }
    (results[results.length - 1] as { data: string }).data = buffer.toString();
  }
  stream.onUpstreamConnectionClose(PeerType.Remote);
  stream.onDownstreamConnectionClose(PeerType.Local);
  plugin.release();
  cache.close();
  env.sharedData.close();
  return {
    newConnection,
    results,
    closedDownstream: callbacks.downstreamClosed,
    failed: [...callbacks.failed],
  };
}
