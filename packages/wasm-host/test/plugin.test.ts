// The AssemblyScript test plugin (built with @solo-io/proxy-runtime 0.1.8) driven through the
// stream interface on the main thread: headers, local reply, configuration, shared data, metrics,
// properties, bodies, TCP data, ticks, logs, traps and recovery.
import { Buffer } from 'node:buffer';
import { OwnedBuffer } from '@nuncio/buffer';
import { waitFor } from '@nuncio/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BytesBuffer,
  FilterDataStatus,
  FilterHeadersStatus,
  FilterStatus,
  HeaderMapImpl,
  type LoadedWasmPlugin,
  loadWasmPlugin,
  PeerType,
  StreamType,
  type WasmHostEnvironment,
  WasmHostErrorCode,
  WasmPluginCache,
} from '../src/index.ts';
import { mainEnvironment, RecordingCallbacks, testPlugin } from './support/helpers.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function start(
  rootId: string,
  options: Parameters<typeof testPlugin>[1] = {},
  env: ReturnType<typeof mainEnvironment> = mainEnvironment(),
) {
  const loaded: LoadedWasmPlugin = loadWasmPlugin(testPlugin(rootId, options), env);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(loaded.descriptor);
  cleanups.push(() => {
    plugin.release();
    cache.close();
    loaded.release();
  });
  return { env, loaded, cache, plugin };
}

function counter(env: ReturnType<typeof mainEnvironment>, name: string): number | undefined {
  return env.stats.counters().find((c) => c.name === name)?.value;
}

describe('HTTP headers', () => {
  it('reads a header, adds, replaces and removes others, and logs with Envoy prefix', () => {
    const { env, plugin } = start('headers', { configuration: 'cfg-1' });
    const callbacks = new RecordingCallbacks();
    const stream = plugin.createStream(callbacks);
    const headers = new HeaderMapImpl([
      [':path', '/'],
      ['x-in', 'hello'],
      ['x-remove-me', '1'],
    ]);
    expect(stream.onRequestHeaders(headers, true)).toBe(FilterHeadersStatus.Continue);
    expect(headers.get('x-out')).toBe('hello!');
    expect(headers.get('x-replaced')).toBe('yes');
    expect(headers.get('x-remove-me')).toBeUndefined();
    const response = new HeaderMapImpl([[':status', '200']]);
    expect(stream.onResponseHeaders(response, false)).toBe(FilterHeadersStatus.Continue);
    expect(response.get('x-config')).toBe('cfg-1');
    expect(env.logger.has('wasm log test-headers headers vm-headers: headers seen: 3')).toBe(true);
    stream.onDestroy();
    expect(callbacks.failed).toEqual([]);
  });

  it('sends a local reply and stops the stream', () => {
    const { plugin } = start('local_reply');
    const callbacks = new RecordingCallbacks();
    const stream = plugin.createStream(callbacks);
    const status = stream.onRequestHeaders(new HeaderMapImpl([[':path', '/deny']]), true);
    expect(status).toBe(FilterHeadersStatus.StopAllIterationAndWatermark);
    expect(callbacks.localReplies).toHaveLength(1);
    const reply = callbacks.localReplies[0];
    expect(reply?.statusCode).toBe(403);
    expect(new TextDecoder().decode(reply?.body)).toBe('go away');
    expect(reply?.headers).toEqual([['x-reason', 'test']]);
    expect(reply?.details).toBe('denied_by_plugin');
    expect(reply?.grpcStatus).toBeUndefined();
    const other = plugin.createStream(new RecordingCallbacks());
    expect(other.onRequestHeaders(new HeaderMapImpl([[':path', '/ok']]), true)).toBe(
      FilterHeadersStatus.Continue,
    );
  });
});

describe('configuration', () => {
  it('gives the plugin configuration to on_configure', () => {
    const { plugin } = start('config', { configuration: 'hello-config' });
    const headers = new HeaderMapImpl();
    plugin.createStream(new RecordingCallbacks()).onRequestHeaders(headers, true);
    expect(headers.get('x-config')).toBe('hello-config');
  });

  it('refuses a plugin whose on_configure returns false, naming it', () => {
    const env = mainEnvironment();
    expect(() => loadWasmPlugin(testPlugin('config', { configuration: 'reject' }), env)).toThrow(
      expect.objectContaining({
        code: WasmHostErrorCode.ConfigureFailed,
        pluginName: 'test-config',
        message: expect.stringContaining('test-config'),
      }),
    );
    expect(counter(env, 'wasm.envoy.wasm.runtime.v8.configure_failed')).toBe(1);
  });

  it('refuses a plugin whose on_vm_start returns false', () => {
    const env = mainEnvironment();
    expect(() => loadWasmPlugin(testPlugin('config', { vmConfiguration: 'refuse' }), env)).toThrow(
      expect.objectContaining({ code: WasmHostErrorCode.StartFailed }),
    );
  });

  it('a plugin that fails to configure on a worker never serves', () => {
    const env = mainEnvironment();
    const loaded = loadWasmPlugin(testPlugin('config', { configuration: 'ok' }), env);
    cleanups.push(() => loaded.release());
    // Same base VM, a configuration the canary never saw: as if it only failed on this thread.
    const descriptor = {
      base: loaded.descriptor.base,
      plugin: {
        ...loaded.descriptor.plugin,
        key: 'other',
        configuration: new TextEncoder().encode('reject'),
      },
    };
    const cache = new WasmPluginCache(env);
    cleanups.push(() => cache.close());
    const plugin = cache.getOrCreate(descriptor);
    expect(plugin.failed).toBe(true);
    expect(plugin.error?.code).toBe(WasmHostErrorCode.ConfigureFailed);
    expect(env.logger.has('"test-config" failed to configure')).toBe(true);
    const callbacks = new RecordingCallbacks();
    expect(plugin.createStream(callbacks).onRequestHeaders(new HeaderMapImpl(), true)).toBe(
      FilterHeadersStatus.StopAllIterationAndWatermark,
    );
    expect(callbacks.failed).toEqual([StreamType.HttpRequest]);
  });
});

describe('shared data', () => {
  it('counts with compare-and-swap in the vm_id namespace', () => {
    const { env, plugin } = start('shared', { vmId: 'shared-vm' });
    for (let i = 1; i <= 5; i++) {
      const headers = new HeaderMapImpl();
      plugin.createStream(new RecordingCallbacks()).onRequestHeaders(headers, true);
      expect(headers.get('x-count')).toBe(String(i));
    }
    expect(env.sharedData.getString('shared-vm', 'hits').value).toBe('5');
  });

  it("creates a missing key whatever the cas, as Envoy's proxy_set_shared_data", () => {
    const { env, plugin } = start('create_or_cas', { vmId: 'create-vm' });
    const run = () => {
      const headers = new HeaderMapImpl([['x-key', 'fresh']]);
      plugin.createStream(new RecordingCallbacks()).onRequestHeaders(headers, true);
      return Object.fromEntries(headers.pairs());
    };
    // The plugin's insert carries cas 0xffffffff: it creates the key at the first attempt.
    expect(run()).toMatchObject({ 'x-inserted': '1', 'x-count': '1', 'x-lost-inserts': '0' });
    // Now the key exists, so the cas is compared: the plugin's increment carries the right one.
    expect(run()).toMatchObject({ 'x-inserted': '0', 'x-count': '2', 'x-lost-inserts': '0' });
    expect(env.sharedData.getString('create-vm', 'fresh').value).toBe('2');
  });

  it('deletes the vm_id namespace when the last base VM of the vm_id is released', () => {
    const env = mainEnvironment();
    const loaded = loadWasmPlugin(testPlugin('shared', { vmId: 'gone' }), env);
    const cache = new WasmPluginCache(env);
    const plugin = cache.getOrCreate(loaded.descriptor);
    plugin.createStream(new RecordingCallbacks()).onRequestHeaders(new HeaderMapImpl(), true);
    expect(env.sharedData.getString('gone', 'hits').value).toBe('1');
    plugin.release();
    cache.close();
    loaded.release();
    expect(env.sharedData.get('gone', 'hits').result).toBe(1);
  });
});

describe('metrics', () => {
  it('defines Envoy-named custom metrics and refuses to decrement a counter', () => {
    const { env, plugin } = start('metrics');
    for (let i = 1; i <= 3; i++) {
      const headers = new HeaderMapImpl();
      plugin.createStream(new RecordingCallbacks()).onRequestHeaders(headers, true);
      expect(headers.get('x-counter')).toBe(String(i));
      expect(headers.get('x-decrement')).toBe('2'); // BadArgument
    }
    expect(counter(env, 'wasmcustom.requests_total')).toBe(3);
    expect(env.stats.gauges().find((g) => g.name === 'wasmcustom.active')?.value).toBe(3);
    expect(counter(env, 'wasm.envoy.wasm.runtime.v8.created')).toBeGreaterThanOrEqual(2);
  });
});

describe('properties', () => {
  it("resolves plugin, stream and node properties with Envoy's encodings", () => {
    const env = mainEnvironment();
    const loaded = loadWasmPlugin(
      {
        ...testPlugin('properties'),
        node: { id: 'node-7', metadata: { team: 'edge' } },
        listenerDirection: 2,
      },
      env,
    );
    const cache = new WasmPluginCache(env);
    const plugin = cache.getOrCreate(loaded.descriptor);
    cleanups.push(() => {
      plugin.release();
      cache.close();
      loaded.release();
    });
    const callbacks = new RecordingCallbacks();
    const stream = plugin.createStream(
      Object.assign(callbacks, {
        attributes: () => ({
          request: { path: '/a/b?c', headers: [['x-in', 'v1']] as [string, string][] },
          source: { address: '127.0.0.1:4000', port: 4000 },
        }),
      }),
    );
    const headers = new HeaderMapImpl([['x-in', 'v1']]);
    stream.onRequestHeaders(headers, true);
    expect(Object.fromEntries(headers.pairs())).toMatchObject({
      'x-listener-metadata': '?',
      'x-plugin-name': 'test-properties',
      'x-root-id': 'properties',
      'x-vm-id': 'vm-properties',
      'x-path': '/a/b?c',
      'x-header-prop': 'v1',
      'x-source-port': '4000',
      'x-node-id': 'node-7',
      'x-node-team': 'edge',
      'x-direction': '2',
      'x-xds-direction': '2',
      'x-missing': '1',
      'x-state': 'kept',
    });
    expect(headers.get('x-listener-team')).toBeUndefined();

    // The listener the stream arrived on, as the network filter supplies it, wins over the
    // plugin-level direction.
    const onListener = plugin.createStream(
      Object.assign(new RecordingCallbacks(), {
        attributes: () => ({
          listenerDirection: 1,
          listenerMetadata: { filterMetadata: { 'nuncio.test': { team: 'edge' } } },
        }),
      }),
    );
    const seen = new HeaderMapImpl();
    onListener.onRequestHeaders(seen, true);
    const hex = (text: string) => Buffer.from(text).toString('hex');
    // envoy.config.core.v3.Metadata, encoded by hand: filter_metadata (1) holds one map entry
    // {key (1): "nuncio.test", value (2): Struct {fields (1): {key (1): "team", value (2):
    // Value {string_value (3): "edge"}}}}.
    const value = `1a04${hex('edge')}`;
    const field = `0a04${hex('team')}1206${value}`;
    const struct = `0a0e${field}`;
    const entry = `0a0b${hex('nuncio.test')}1210${struct}`;
    expect(Object.fromEntries(seen.pairs())).toMatchObject({
      'x-direction': '1',
      'x-xds-direction': '1',
      'x-listener-metadata': `0a1f${entry}`,
      'x-listener-team': 'edge',
    });

    // A listener without metadata has an empty Metadata message: found, zero bytes.
    const bare = plugin.createStream(
      Object.assign(new RecordingCallbacks(), {
        attributes: () => ({ listenerDirection: 0, listenerMetadata: {} }),
      }),
    );
    const none = new HeaderMapImpl();
    bare.onRequestHeaders(none, true);
    expect(none.get('x-direction')).toBe('0');
    expect(none.get('x-listener-metadata')).toBe('');
  });
});

describe('bodies and TCP data', () => {
  it('replaces a request body with set_buffer_bytes at end of stream', () => {
    const { plugin } = start('body');
    const stream = plugin.createStream(new RecordingCallbacks());
    stream.onRequestHeaders(new HeaderMapImpl(), false);
    const body = new BytesBuffer('abc');
    expect(stream.onRequestBody(body, false)).toBe(FilterDataStatus.StopIterationAndBuffer);
    body.add(new TextEncoder().encode('def'));
    expect(stream.onRequestBody(body, true)).toBe(FilterDataStatus.Continue);
    expect(body.toString()).toBe('[abcdef]');
  });

  it('rewrites downstream and upstream bytes of an OwnedBuffer and closes on request', () => {
    const { plugin } = start('tcp');
    const callbacks = new RecordingCallbacks();
    const stream = plugin.createStream(callbacks);
    expect(stream.onNewConnection()).toBe(FilterStatus.Continue);
    const down = new OwnedBuffer();
    down.add('hello');
    expect(stream.onDownstreamData(down, false)).toBe(FilterStatus.Continue);
    expect(down.toString()).toBe('HELLO');
    const up = new OwnedBuffer();
    up.add('world');
    expect(stream.onUpstreamData(up, false)).toBe(FilterStatus.Continue);
    expect(up.toString()).toBe('world<');
    const close = new OwnedBuffer();
    close.add('please close');
    expect(stream.onDownstreamData(close, false)).toBe(FilterStatus.StopIteration);
    expect(callbacks.downstreamClosed).toBe(1);
    stream.onDownstreamConnectionClose(PeerType.Local);
    expect(callbacks.failed).toEqual([]);
  });
});

describe('ticks', () => {
  it('calls on_tick on the dispatcher at the period the plugin set', async () => {
    const { env } = start('tick', { configuration: '10', vmId: 'tick-vm' });
    await waitFor(() => Number(env.sharedData.getString('tick-vm', 'ticks').value ?? 0) >= 3, {
      timeoutMs: 5000,
      what: 'three ticks',
    });
    expect(counter(env, 'wasmcustom.ticks')).toBeGreaterThanOrEqual(3);
  });
});

describe('failure', () => {
  function trapEnv(): ReturnType<typeof mainEnvironment> {
    return mainEnvironment();
  }

  it('a trap fails the stream (fail closed), counts, and the next stream gets a new VM', () => {
    const env = trapEnv();
    const { plugin } = start('trap', {}, env);
    const callbacks = new RecordingCallbacks();
    const stream = plugin.createStream(callbacks);
    const status = stream.onRequestHeaders(new HeaderMapImpl([['x-trap', 'yes']]), true);
    expect(status).toBe(FilterHeadersStatus.StopAllIterationAndWatermark);
    expect(callbacks.failed).toEqual([StreamType.HttpRequest]);
    expect(stream.failed).toBe(true);
    expect(counter(env, 'wasm.envoy.wasm.runtime.v8.runtime_error')).toBe(1);
    expect(env.logger.has('Function: proxy_on_request_headers failed')).toBe(true);
    // The failed stream keeps failing, once.
    expect(stream.onResponseHeaders(new HeaderMapImpl(), true)).toBe(
      FilterHeadersStatus.StopAllIterationAndWatermark,
    );
    expect(callbacks.failed).toHaveLength(1);
    // Recovery: a new stream runs on a VM copy built again from the base VM.
    const next = plugin.createStream(new RecordingCallbacks());
    const headers = new HeaderMapImpl();
    expect(next.onRequestHeaders(headers, true)).toBe(FilterHeadersStatus.Continue);
    expect(headers.get('x-ok')).toBe('yes');
    expect(plugin.failed).toBe(false);
  });

  it('a fail_open plugin lets the failing stream through untouched', () => {
    const { plugin } = start('trap', { failOpen: true });
    const callbacks = new RecordingCallbacks();
    const stream = plugin.createStream(callbacks);
    const headers = new HeaderMapImpl([['x-trap', 'yes']]);
    expect(stream.onRequestHeaders(headers, true)).toBe(FilterHeadersStatus.Continue);
    expect(callbacks.failed).toEqual([]);
    expect(headers.pairs()).toEqual([['x-trap', 'yes']]);
  });
});

export type { WasmHostEnvironment };
