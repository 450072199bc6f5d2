// Go and Rust SDK plugins across real worker threads: shared data with compare-and-swap under
// contention from two workers started together, a shared queue between two plugins on two
// workers, ticks on a worker's dispatcher (with http_calls from the root context), and a Go
// panic / Rust trap failing one stream on one worker (closed, or open with fail_open) while the
// next stream and the other worker go on.
import { createServer, type Server } from 'node:http';
import { runInWorker } from '@nuncio/test-support';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FilterHeadersStatus, StreamType } from '../src/index.ts';
import { MainThreadPlugins, SDKS, sdkPluginOptions } from './sdk-plugins.ts';
import type { ExchangeResult, RequestSpec } from './sdk-scenarios.ts';
import { mainEnvironment } from './support/helpers.ts';

const scenarios = new URL('./sdk-scenarios.ts', import.meta.url);
const WORKER = { timeoutMs: 40_000 };

// The "backend" cluster of the plugins' http_calls; records the paths it was asked for.
let server: Server;
let port = 0;
const calls: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    calls.push(req.url ?? '');
    res.end('tock');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

for (const sdk of SDKS) {
  describe(`${sdk.title} plugins across worker threads`, () => {
    let main: MainThreadPlugins;
    beforeEach(() => {
      main = new MainThreadPlugins(mainEnvironment());
      calls.length = 0;
    });
    afterEach(() => main.release());

    it.skipIf(!sdk.available)(
      'counts with compare-and-swap from two workers at once without losing an update',
      async () => {
        const vmId = `${sdk.sdk}-cas`;
        const plugin = main.load(sdkPluginOptions(sdk, 'shared_cas', { vmId }));
        // The start-up check on main created the key, so every increment carries a cas.
        expect(main.shared(vmId, 'hits')).toBe('0');
        const barrier = new SharedArrayBuffer(4);
        const perWorker = 300;
        type Counted = { values: number[]; retries: number; errors: string[] };
        const run = () =>
          runInWorker<Counted>(
            scenarios,
            'contendedCounter',
            [plugin, ...main.stores(), perWorker, barrier, 2],
            WORKER,
          );
        const [a, b] = await Promise.all([run(), run()]);
        expect([...a.errors, ...b.errors]).toEqual([]);
        expect(main.shared(vmId, 'hits')).toBe(String(2 * perWorker));
        // Every increment wrote a value no other one wrote: no lost update.
        const all = [...a.values, ...b.values];
        expect(new Set(all).size).toBe(2 * perWorker);
        expect(Math.max(...all)).toBe(2 * perWorker);
        console.log(
          `${sdk.title} shared data: ${a.retries + b.retries} cas retries over ${2 * perWorker} increments`,
        );
      },
    );

    it.skipIf(!sdk.available)(
      'delivers queue items from a producer plugin on one worker to the consumer plugin on another',
      async () => {
        const vmId = `${sdk.sdk}-queue-vm`;
        const consumer = main.load(
          sdkPluginOptions(sdk, 'queue', {
            vmId,
            name: 'consumer',
            configuration: 'consumer jobs',
          }),
        );
        const producer = main.load(
          sdkPluginOptions(sdk, 'queue', {
            vmId,
            name: 'producer',
            configuration: `producer ${vmId} jobs`,
          }),
        );
        const [received, produced] = await Promise.all([
          runInWorker<{ received: number; last: string; threadId: number }>(
            scenarios,
            'queueConsumer',
            [consumer, ...main.stores(), 3],
            WORKER,
          ),
          runInWorker<{ enqueued: string[]; threadId: number }>(
            scenarios,
            'queueProducer',
            [producer, ...main.stores(), ['j1', 'j2', 'j3']],
            WORKER,
          ),
        ]);
        expect(produced.enqueued).toEqual(['ok', 'ok', 'ok']);
        expect(received.received).toBe(3);
        expect(received.last).toBe('j3');
        expect(received.threadId).not.toBe(produced.threadId);
      },
    );

    it.skipIf(!sdk.available)(
      "ticks on the worker's dispatcher at the period the plugin set, and stops when it sets 0",
      async () => {
        const vmId = `${sdk.sdk}-tick`;
        const plugin = main.load(sdkPluginOptions(sdk, 'tick', { vmId, configuration: '10 3' }));
        // The start-up check on main never ticks: its VM copy is thrown away.
        const ticks = await runInWorker<{ reached: number; afterSettle: number }>(
          scenarios,
          'ticker',
          [plugin, ...main.stores(), 3, 300],
          WORKER,
        );
        expect(ticks.reached).toBe(3);
        // 300 ms is thirty periods: a timer left running would have ticked again.
        expect(ticks.afterSettle).toBe(3);
        expect(main.shared(vmId, 'ticks')).toBe('3');
      },
    );

    it.skipIf(!sdk.available)(
      'dispatches http_calls from the root context on each tick and gets every answer there',
      async () => {
        const vmId = `${sdk.sdk}-tick-call`;
        const plugin = main.load(
          sdkPluginOptions(sdk, 'tick', { vmId, configuration: '10 3 backend' }),
        );
        const ticks = await runInWorker<{ reached: number; answered: number }>(
          scenarios,
          'ticker',
          [plugin, ...main.stores(), 3, 0, port],
          WORKER,
        );
        expect(ticks.reached).toBe(3);
        expect(ticks.answered).toBe(3);
        expect(calls.filter((path) => path === '/tick')).toHaveLength(3);
      },
    );

    describe(`a ${sdk.sdk === 'go' ? 'Go panic' : 'Rust panic (a trap)'} in a callback`, () => {
      const requests = (panicAt: number): RequestSpec[] =>
        [0, 1, 2, 3].map((i) => ({
          headers: i === panicAt ? [['x-panic', 'yes']] : [['x-n', String(i)]],
        }));

      function outcomes(result: ExchangeResult): string[] {
        return result.outcomes.map((o) => {
          if (o.failed.length > 0) return `failed ${o.failed.join(',')}`;
          if (o.requestHeaders.some(([n]) => n === 'x-ok')) return 'ok';
          return o.requestHeadersStatus === FilterHeadersStatus.Continue ? 'passed' : 'stopped';
        });
      }

      it.skipIf(!sdk.available)(
        'fails that stream only (fail closed); the worker rebuilds the VM; the other worker never notices',
        async () => {
          const plugin = main.load(sdkPluginOptions(sdk, sdk.failing));
          const [panicking, other] = await Promise.all([
            runInWorker<ExchangeResult>(
              scenarios,
              'httpExchange',
              [[plugin], ...main.stores(), requests(1)],
              WORKER,
            ),
            runInWorker<ExchangeResult>(
              scenarios,
              'httpExchange',
              [[plugin], ...main.stores(), requests(-1)],
              WORKER,
            ),
          ]);
          expect(outcomes(panicking)).toEqual([
            'ok',
            `failed ${StreamType.HttpRequest}`,
            'ok',
            'ok',
          ]);
          expect(panicking.outcomes[1]?.requestHeadersStatus).toBe(
            FilterHeadersStatus.StopAllIterationAndWatermark,
          );
          expect(outcomes(other)).toEqual(['ok', 'ok', 'ok', 'ok']);
          expect(main.counter('wasm.envoy.wasm.runtime.v8.runtime_error')).toBe(1);
          // The SDK's own report of the panic reaches the log before the trap.
          expect(panicking.logs.join('\n')).toContain('the test asked this plugin to panic');
          expect(panicking.logs.some((l) => l.includes('proxy_on_request_headers failed'))).toBe(
            true,
          );
        },
      );

      it.skipIf(!sdk.available)(
        'lets the stream through untouched with fail_open, then serves on a new VM copy',
        async () => {
          const plugin = main.load(sdkPluginOptions(sdk, sdk.failing, { failOpen: true }));
          const result = await runInWorker<ExchangeResult>(
            scenarios,
            'httpExchange',
            [[plugin], ...main.stores(), requests(0)],
            WORKER,
          );
          expect(outcomes(result)).toEqual(['passed', 'ok', 'ok', 'ok']);
          expect(result.outcomes[0]?.requestHeaders).toEqual([['x-panic', 'yes']]);
          expect(main.counter('wasm.envoy.wasm.runtime.v8.runtime_error')).toBe(1);
        },
      );
    });
  });
}
