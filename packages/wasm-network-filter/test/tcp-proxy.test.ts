// The wasm network filter in front of the TCP proxy, on loopback with real worker threads: bytes
// seen and rewritten both ways, connection properties, close, continue after a pause, metrics in
// the admin's /stats, a trap with and without fail_open, and a singleton bootstrap service on main
// whose shared data the workers' plugins read.
import { waitFor, withTimeout } from '@nuncio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  pluginConfig,
  startHarness,
  startRecordingEcho,
  staticCluster,
  TestClient,
  WASM_SERVICE_TYPE_URL,
  wasmListener,
} from './support/harness.ts';

const RUNTIME_ERRORS = 'wasm.envoy.wasm.runtime.v8.runtime_error';

describe('the wasm filter in front of the TCP proxy on 2 workers', () => {
  let harness: Harness;
  let echo: Awaited<ReturnType<typeof startRecordingEcho>>;
  let port: (name: string) => number;

  beforeAll(async () => {
    echo = await startRecordingEcho();
    harness = await startHarness({
      concurrency: 2,
      clusters: [staticCluster('echo', echo.port)],
      listeners: [
        wasmListener('main', pluginConfig('net-plugin', { vmId: 'vm-main' }), 'echo'),
        wasmListener('closed', pluginConfig('closed-plugin', { vmId: 'vm-closed' }), 'echo'),
        wasmListener(
          'open',
          pluginConfig('open-plugin', { vmId: 'vm-open', failOpen: true }),
          'echo',
        ),
      ],
      bootstrapExtensions: [
        {
          name: 'envoy.bootstrap.wasm',
          typedConfig: {
            typeUrl: WASM_SERVICE_TYPE_URL,
            value: {
              singleton: true,
              config: pluginConfig('greeter', {
                rootId: 'service',
                vmId: 'vm-main',
                configuration: 'hello from main',
              }),
            },
          },
        },
      ],
    });
    port = (name) => harness.ports.get(name) ?? 0;
  });

  afterAll(async () => {
    await harness?.close();
    await echo?.close();
  });

  it('sees and rewrites bytes both ways, and counts them in /stats', async () => {
    const clients = Array.from({ length: 6 }, () => new TestClient(port('main')));
    await Promise.all(clients.map((client) => client.connected));
    for (const [i, client] of clients.entries()) client.socket.write(`hello world ${i}`);
    await waitFor(() => clients.every((client, i) => client.text() === `HELLO_WORLD_${i}`), {
      what: 'rewritten echoes',
    });
    // The upstream saw the downstream rewrite only; the client sees both.
    for (let i = 0; i < clients.length; i++) expect(echo.received).toContain(`HELLO WORLD ${i}`);
    for (const client of clients) client.socket.end();
    await Promise.all(clients.map((client) => withTimeout(client.closedPromise, 5000, 'close')));
    const bytes = clients.reduce((sum, _, i) => sum + `hello world ${i}`.length, 0);
    await waitFor(async () => (await harness.statValue('wasmcustom.downstream_closed')) === 6, {
      what: 'downstream closes in /stats',
    });
    expect(await harness.statValue('wasmcustom.connections')).toBe(6);
    expect(await harness.statValue('wasmcustom.downstream_bytes')).toBe(bytes);
    expect(await harness.statValue('wasmcustom.upstream_bytes')).toBe(bytes);
    // The upstream's FIN reached the plugin as the end of the write stream.
    expect(await harness.statValue('wasmcustom.upstream_closed')).toBe(6);
    expect(await harness.statValue('wasm.envoy.wasm.runtime.v8.created')).toBeGreaterThanOrEqual(2);
  });

  it("gives the plugin the connection's properties", async () => {
    const client = new TestClient(port('main'));
    await client.connected;
    client.socket.write('props');
    await waitFor(() => client.text().endsWith('\n'), { what: 'properties' });
    const clientPort = client.socket.localPort ?? 0;
    expect(client.text()).toMatch(
      new RegExp(
        `^src=127\\.0\\.0\\.1:${clientPort}_dst=127\\.0\\.0\\.1:${port('main')}_port=${clientPort}_conn=\\d+_plugin=net-plugin\\n$`,
      ),
    );
    client.socket.destroy();
  });

  it('closes the connection when the plugin asks, before the bytes reach the upstream', async () => {
    const before = echo.received.length;
    const client = new TestClient(port('main'));
    await client.connected;
    client.socket.write('please close');
    await withTimeout(client.closedPromise, 5000, 'close by the plugin');
    expect(client.text()).toBe('');
    expect(echo.received.slice(before).join('')).not.toContain('close');
  });

  it('continues data it held back when its tick says so', async () => {
    const client = new TestClient(port('main'));
    await client.connected;
    client.socket.write('hold it');
    await waitFor(() => client.text() === 'hold_it', { what: 'held bytes, continued' });
    // Held bytes are forwarded as they were: the plugin returned StopIteration without rewriting.
    expect(echo.received).toContain('hold it');
    client.socket.destroy();
  });

  it('reads the shared data the singleton service wrote on main', async () => {
    // Configured twice on main: on the throwaway canary copy, then for real.
    expect(await harness.statValue('wasmcustom.service_started')).toBe(2);
    await waitFor(async () => ((await harness.statValue('wasmcustom.service_ticks')) ?? 0) >= 3, {
      what: 'service ticks on main',
    });
    const client = new TestClient(port('main'));
    await client.connected;
    client.socket.write('greet');
    await waitFor(() => client.text() === 'hello_from_main', { what: 'greeting' });
    client.socket.destroy();
  });

  it('a trap without fail_open closes the connection, is counted, and the next one runs on a fresh VM', async () => {
    const before = (await harness.statValue(RUNTIME_ERRORS)) ?? 0;
    const client = new TestClient(port('closed'));
    await client.connected;
    client.socket.write('trap');
    await withTimeout(client.closedPromise, 5000, 'close after the trap');
    expect(client.text()).toBe('');
    await waitFor(async () => ((await harness.statValue(RUNTIME_ERRORS)) ?? 0) === before + 1, {
      what: 'runtime_error in /stats',
    });
    // Whichever worker serves them, later connections are filtered again.
    for (let i = 0; i < 4; i++) {
      const next = new TestClient(port('closed'));
      await next.connected;
      next.socket.write('after it');
      await waitFor(() => next.text() === 'AFTER_IT', { what: 'recovered plugin' });
      next.socket.destroy();
    }
  });

  it('a trap with fail_open lets the connection pass untouched both ways', async () => {
    const before = (await harness.statValue(RUNTIME_ERRORS)) ?? 0;
    const client = new TestClient(port('open'));
    await client.connected;
    client.socket.write('trap here');
    await waitFor(() => client.text() === 'trap here', { what: 'untouched echo' });
    expect(echo.received).toContain('trap here');
    client.socket.write(' and more');
    await waitFor(() => client.text() === 'trap here and more', { what: 'still untouched' });
    client.socket.destroy();
    await waitFor(async () => ((await harness.statValue(RUNTIME_ERRORS)) ?? 0) === before + 1, {
      what: 'runtime_error in /stats',
    });
    const next = new TestClient(port('open'));
    await next.connected;
    next.socket.write('fresh vm');
    await waitFor(() => next.text() === 'FRESH_VM', { what: 'recovered plugin' });
    next.socket.destroy();
  });
});

describe('a bootstrap service that is not a singleton', () => {
  let harness: Harness;
  let echo: Awaited<ReturnType<typeof startRecordingEcho>>;

  beforeAll(async () => {
    echo = await startRecordingEcho();
    harness = await startHarness({
      concurrency: 2,
      clusters: [staticCluster('echo', echo.port)],
      listeners: [],
      bootstrapExtensions: [
        {
          name: 'envoy.bootstrap.wasm',
          typedConfig: {
            typeUrl: WASM_SERVICE_TYPE_URL,
            value: { singleton: false, config: pluginConfig('per-thread', { rootId: 'service' }) },
          },
        },
      ],
    });
  });

  afterAll(async () => {
    await harness?.close();
    await echo?.close();
  });

  it('runs on every thread holding the slot: main and each worker', async () => {
    // The canary copy on main, then main and the two workers.
    await waitFor(async () => (await harness.statValue('wasmcustom.service_started')) === 4, {
      what: 'four configurations',
    });
    const counts = await Promise.all(
      harness.pool.workers.map((worker) =>
        worker.dispatcher.call('serviceCount', harness.wasm.slotRef),
      ),
    );
    expect(counts).toEqual([1, 1]);
    expect(harness.wasm.plugins().map((p) => p.kind)).toEqual(['service']);
  });
});
