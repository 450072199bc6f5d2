// proxy_http_call through the undici client to a server on loopback: a response, an unknown
// cluster, a timeout.
import { createServer, type Server } from 'node:http';
import { waitFor } from '@nuncio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FilterHeadersStatus,
  HeaderMapImpl,
  loadWasmPlugin,
  WasmPluginCache,
} from '../src/index.ts';
import { UndiciHttpCallClient } from '../src/undici.ts';
import { mainEnvironment, RecordingCallbacks, testPlugin } from './support/helpers.ts';

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') return; // never answers
    res.setHeader('x-server', 'yes');
    res.end(`hi from ${req.url} for ${req.headers.host}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function call(cluster: string, path: string, timeout: number) {
  const client = new UndiciHttpCallClient({
    hasCluster: (name) => name === 'backend',
    chooseHost: () => ({ address: '127.0.0.1', port }),
  });
  const env = mainEnvironment({ httpCallClient: client });
  const loaded = loadWasmPlugin(testPlugin('http_call', { configuration: cluster }), env);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(loaded.descriptor);
  const callbacks = new RecordingCallbacks();
  const headers = new HeaderMapImpl([
    ['x-call-path', path],
    ['x-call-timeout', String(timeout)],
  ]);
  const status = plugin.createStream(callbacks).onRequestHeaders(headers, true);
  const done = async () => {
    plugin.release();
    cache.close();
    loaded.release();
    await client.close();
  };
  return { status, headers, callbacks, done };
}

describe('http_call', () => {
  it('pauses the stream, answers through on_http_call_response, then continues', async () => {
    const { status, headers, callbacks, done } = await call('backend', '/hello', 5000);
    expect(status).toBe(FilterHeadersStatus.StopAllIterationAndWatermark);
    expect(headers.get('x-call-result')).toBe('0');
    await waitFor(() => callbacks.continued === 1, { what: 'continueRequest' });
    expect(headers.get('x-call-status')).toBe('200');
    expect(headers.get('x-call-body')).toBe('hi from /hello for backend');
    expect(Number(headers.get('x-call-headers'))).toBeGreaterThan(2);
    await done();
  });

  it('refuses an unknown cluster with BadArgument', async () => {
    const { status, headers, done } = await call('nope', '/hello', 1000);
    expect(headers.get('x-call-result')).toBe('2');
    expect(status).toBe(FilterHeadersStatus.Continue);
    await done();
  });

  it('answers 504 upstream request timeout when the timeout passes', async () => {
    const { headers, callbacks, done } = await call('backend', '/slow', 100);
    await waitFor(() => callbacks.continued === 1, { what: 'the timeout answer' });
    expect(headers.get('x-call-status')).toBe('504');
    expect(headers.get('x-call-body')).toBe('upstream request timeout');
    await done();
  });
});
