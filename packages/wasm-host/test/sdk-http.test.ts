// Plugins written with the Go SDK (proxy-wasm-go-sdk, Go's wasip1 reactors) and the Rust SDK
// (the proxy-wasm crate, wasm32-wasip1), built from test/plugins/{go,rust} and run unchanged:
// loaded on the main thread (base VM compiled there), instantiated and driven on a worker thread
// through the stream interface, as the HTTP filter will. Each SDK's suite skips when its
// toolchain is missing (the builder prints the one line saying what to install).
import { createServer, type Server } from 'node:http';
import { runInWorker } from '@nuncio/test-support';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FilterDataStatus,
  FilterHeadersStatus,
  type HeaderPair,
  WasmHostErrorCode,
  type WasmPluginDescriptor,
} from '../src/index.ts';
import { MainThreadPlugins, SDKS, sdkPluginOptions } from './sdk-plugins.ts';
import type { ExchangeResult, RequestSpec } from './sdk-scenarios.ts';
import { mainEnvironment } from './support/helpers.ts';

const scenarios = new URL('./sdk-scenarios.ts', import.meta.url);

function header(pairs: readonly HeaderPair[] | undefined, name: string): string | undefined {
  return pairs?.find(([n]) => n === name)?.[1];
}

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers: the call times out
    res.setHeader('x-server', 'yes');
    res.end(`hi from ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

for (const sdk of SDKS) {
  describe(`${sdk.title} plugins, HTTP streams on a worker thread`, () => {
    let main: MainThreadPlugins;
    beforeEach(() => {
      main = new MainThreadPlugins(mainEnvironment());
    });
    afterEach(() => main.release());

    function exchange(
      descriptors: WasmPluginDescriptor[],
      requests: RequestSpec[],
      httpCallPort?: number,
    ): Promise<ExchangeResult> {
      return runInWorker<ExchangeResult>(
        scenarios,
        'httpExchange',
        [descriptors, ...main.stores(), requests, httpCallPort],
        { timeoutMs: 30_000 },
      );
    }

    it.skipIf(!sdk.available)(
      'root contexts: VM configuration once per VM, plugin configuration per plugin, two plugins sharing one VM',
      async () => {
        const common = { vmId: `${sdk.sdk}-cfg-vm`, vmConfiguration: 'vm-settings' };
        const alpha = main.load(
          sdkPluginOptions(sdk, 'root_config', { ...common, name: 'alpha', configuration: 'a' }),
        );
        const beta = main.load(
          sdkPluginOptions(sdk, 'root_config', { ...common, name: 'beta', configuration: 'b' }),
        );
        expect(alpha.base.vmKey).toBe(beta.base.vmKey);
        const result = await exchange(
          [alpha, beta],
          [
            { plugin: 0, headers: [[':path', '/']] },
            { plugin: 1, headers: [[':path', '/']] },
            { plugin: 0, headers: [[':path', '/']] },
          ],
        );
        expect(result.isMainThread).toBe(false);
        const [a1, b1, a2] = result.outcomes.map((o) => o.requestHeaders);
        for (const seen of [a1, b1, a2]) {
          expect(header(seen, 'x-vm-config')).toBe('vm-settings');
          // One VM copy on the worker holds both root contexts.
          expect(header(seen, 'x-plugins-in-vm')).toBe('2');
        }
        expect(header(a1, 'x-plugin-config')).toBe('a');
        expect(header(b1, 'x-plugin-config')).toBe('b');
        expect(header(a1, 'x-root-context-id')).toBe(header(a2, 'x-root-context-id'));
        expect(header(a1, 'x-root-context-id')).not.toBe(header(b1, 'x-root-context-id'));
        expect([a1, b1, a2].map((h) => header(h, 'x-stream-number'))).toEqual(['1', '1', '2']);
      },
    );

    it.skipIf(!sdk.available)(
      'refuses a VM whose on_vm_start fails and a plugin whose on_configure fails, naming them',
      () => {
        expect(() =>
          main.load(sdkPluginOptions(sdk, 'root_config', { vmConfiguration: 'refuse' })),
        ).toThrow(
          expect.objectContaining({
            code: WasmHostErrorCode.StartFailed,
            message: expect.stringContaining(`${sdk.sdk}-root_config`),
          }),
        );
        expect(() =>
          main.load(sdkPluginOptions(sdk, 'root_config', { configuration: 'reject' })),
        ).toThrow(expect.objectContaining({ code: WasmHostErrorCode.ConfigureFailed }));
        expect(main.counter('wasm.envoy.wasm.runtime.v8.start_failed')).toBe(1);
        expect(main.counter('wasm.envoy.wasm.runtime.v8.configure_failed')).toBe(1);
      },
    );

    it.skipIf(!sdk.available)(
      'changes request and response headers, buffers and rewrites bodies, adds a trailer',
      async () => {
        const plugin = main.load(sdkPluginOptions(sdk, 'http_rewrite'));
        const result = await exchange(
          [plugin],
          [
            {
              headers: [
                [':path', '/'],
                ['x-in', 'hello'],
                ['x-replace', 'old'],
                ['x-remove', '1'],
              ],
              body: ['abc', 'def'],
              response: {
                headers: [
                  [':status', '200'],
                  ['content-length', '3'],
                ],
                body: ['xyz'],
              },
            },
            { headers: [[':path', '/t']], trailers: [['x-checksum', '1']] },
          ],
        );
        const [rewritten, withTrailers] = result.outcomes;
        expect(rewritten?.requestHeadersStatus).toBe(FilterHeadersStatus.Continue);
        expect(rewritten?.requestHeaders).toEqual([
          [':path', '/'],
          ['x-in', 'hello'],
          ['x-replace', 'replaced'],
          ['x-out', 'hello!'],
          ['x-header-count', '4'],
        ]);
        // The first chunk is held (buffered), the second ends the stream and is rewritten whole.
        expect(rewritten?.requestBodyStatuses).toEqual([
          FilterDataStatus.StopIterationAndBuffer,
          FilterDataStatus.Continue,
        ]);
        expect(rewritten?.requestBody).toBe('ABCDEF|calls=2');
        expect(rewritten?.responseHeaders).toEqual([
          [':status', '200'],
          ['x-response', 'changed'],
        ]);
        expect(rewritten?.responseBody).toBe('[xyz]');
        expect(withTrailers?.requestTrailers).toEqual([
          ['x-checksum', '1'],
          ['x-trailer-seen', 'yes'],
        ]);
        expect(result.outcomes.flatMap((o) => o.failed)).toEqual([]);
      },
    );

    it.skipIf(!sdk.available)(
      'buffers a 2 MiB body in 64 KiB chunks and rewrites it whole',
      async () => {
        const plugin = main.load(sdkPluginOptions(sdk, 'http_rewrite'));
        const chunk = 'abcdefgh'.repeat(8 * 1024);
        const chunks = Array.from({ length: 32 }, () => chunk);
        const result = await exchange([plugin], [{ headers: [[':path', '/big']], body: chunks }]);
        const outcome = result.outcomes[0];
        expect(outcome?.requestBodyStatuses.slice(0, 31)).toEqual(
          Array.from({ length: 31 }, () => FilterDataStatus.StopIterationAndBuffer),
        );
        expect(outcome?.requestBodyStatuses[31]).toBe(FilterDataStatus.Continue);
        expect(outcome?.requestBody?.length).toBe(2 * 1024 * 1024 + '|calls=32'.length);
        expect(outcome?.requestBody).toBe(`${chunk.toUpperCase().repeat(32)}|calls=32`);
      },
    );

    it.skipIf(!sdk.available)('sends local replies, with and without a gRPC status', async () => {
      const plugin = main.load(sdkPluginOptions(sdk, 'local_reply'));
      const result = await exchange(
        [plugin],
        [
          { headers: [[':path', '/deny']] },
          { headers: [[':path', '/grpc']] },
          { headers: [[':path', '/ok']] },
        ],
      );
      const [deny, grpc, ok] = result.outcomes;
      expect(deny?.requestHeadersStatus).toBe(FilterHeadersStatus.StopAllIterationAndWatermark);
      expect(deny?.localReplies).toEqual([
        expect.objectContaining({
          statusCode: 403,
          body: 'denied by the plugin',
          headers: [['x-reason', 'sdk']],
          grpcStatus: undefined,
        }),
      ]);
      expect(grpc?.localReplies).toEqual([
        expect.objectContaining({ statusCode: 200, grpcStatus: 7, body: '' }),
      ]);
      expect(ok?.requestHeadersStatus).toBe(FilterHeadersStatus.Continue);
      expect(ok?.localReplies).toEqual([]);
    });

    it.skipIf(!sdk.available)(
      "reads Envoy's attributes with the encodings the SDK decodes, and its own stored property",
      async () => {
        const plugin = main.load(
          sdkPluginOptions(sdk, 'properties', {
            rootId: 'props_root',
            node: { id: 'node-7', cluster: 'edge-cluster', metadata: { team: 'edge' } },
            listenerDirection: 1,
          }),
        );
        const result = await exchange(
          [plugin],
          [
            {
              headers: [
                [':path', '/a/b?c'],
                ['x-in', 'v1'],
              ],
              attributes: {
                request: {
                  path: '/a/b?c',
                  method: 'GET',
                  headers: [['x-in', 'v1']],
                  time: 1_700_000_000_123,
                },
                source: { address: '127.0.0.1:4000', port: 4000 },
                connection: { id: 42 },
              },
            },
          ],
        );
        const seen = Object.fromEntries(result.outcomes[0]?.requestHeaders ?? []);
        expect(seen).toMatchObject({
          'x-plugin-name': `${sdk.sdk}-properties`,
          'x-root-id': 'props_root',
          'x-vm-id': `${sdk.sdk}-properties`,
          'x-node-id': 'node-7',
          'x-node-cluster': 'edge-cluster',
          'x-node-team': 'edge',
          'x-direction': '1',
          'x-path': '/a/b?c',
          'x-method': 'GET',
          'x-header-prop': 'v1',
          'x-request-time-ms': '1700000000123',
          'x-source-address': '127.0.0.1:4000',
          'x-source-port': '4000',
          'x-connection-id': '42',
          'x-state': 'kept',
          'x-missing': 'not_found',
        });
      },
    );

    it.skipIf(!sdk.available)(
      'defines and updates a counter, a gauge and a histogram, read back by the plugin and by the host',
      async () => {
        const plugin = main.load(sdkPluginOptions(sdk, 'metrics'));
        const result = await exchange(
          [plugin],
          [
            { headers: [['x-sample', '5']] },
            { headers: [['x-sample', '10']] },
            { headers: [['x-sample', '15']], keepOpen: true },
          ],
        );
        const seen = result.outcomes.map((o) => [
          header(o.requestHeaders, 'x-counter'),
          header(o.requestHeaders, 'x-gauge'),
        ]);
        // The gauge goes down when a stream is done: only the last one is still open.
        expect(seen).toEqual([
          ['1', '1'],
          ['2', '1'],
          ['3', '1'],
        ]);
        expect(main.counter('wasmcustom.sdk_requests')).toBe(3);
        expect(main.gauge('wasmcustom.sdk_active')).toBe(1);
        main.env.stats.mergeHistograms();
        const histogram = main.env.stats
          .histograms()
          .find((h) => h.name === 'wasmcustom.sdk_samples');
        expect(histogram?.cumulative.sampleCount).toBe(3);
        expect(histogram?.cumulative.sampleSum).toBeCloseTo(30, 0);
      },
    );

    it.skipIf(!sdk.available)(
      "answers foreign function calls with Envoy's result for unknown names",
      async () => {
        const plugin = main.load(sdkPluginOptions(sdk, 'foreign'));
        const result = await exchange([plugin], [{ headers: [[':path', '/']] }]);
        const seen = result.outcomes[0]?.requestHeaders;
        expect(header(seen, 'x-foreign-missing')).toBe('not_found');
        // Envoy registers "compress" (and a few others); this host registers none yet.
        expect(header(seen, 'x-foreign-compress')).toBe('not_found');
        expect(result.outcomes[0]?.failed).toEqual([]);
      },
    );

    it.skipIf(!sdk.available)(
      'dispatches an http_call, pauses, and resumes with the response in on_http_call_response',
      async () => {
        const backend = main.load(sdkPluginOptions(sdk, 'http_call', { configuration: 'backend' }));
        const unknown = main.load(
          sdkPluginOptions(sdk, 'http_call', { name: 'unknown', configuration: 'nope' }),
        );
        const result = await exchange(
          [backend, unknown],
          [
            { headers: [['x-call-path', '/hello']], waitForContinue: true },
            {
              headers: [
                ['x-call-path', '/slow'],
                ['x-call-timeout', '100'],
              ],
              waitForContinue: true,
            },
            { plugin: 1, headers: [['x-call-path', '/hello']] },
          ],
          port,
        );
        const [answered, timedOut, refused] = result.outcomes;
        expect(answered?.requestHeadersStatus).toBe(
          FilterHeadersStatus.StopAllIterationAndWatermark,
        );
        expect(answered?.continued).toBe(1);
        expect(header(answered?.requestHeaders, 'x-call-result')).toBe('ok');
        expect(header(answered?.requestHeaders, 'x-call-status')).toBe('200');
        expect(header(answered?.requestHeaders, 'x-call-body')).toBe('hi from /hello');
        expect(Number(header(answered?.requestHeaders, 'x-call-headers'))).toBeGreaterThan(2);
        expect(header(timedOut?.requestHeaders, 'x-call-status')).toBe('504');
        expect(header(timedOut?.requestHeaders, 'x-call-body')).toBe('upstream request timeout');
        expect(refused?.requestHeadersStatus).toBe(FilterHeadersStatus.Continue);
        expect(header(refused?.requestHeaders, 'x-call-result')).toBe('bad_argument');
      },
    );
  });
}
