// Config checks, the subset through validateBootstrap, and the main thread refusing listeners and
// bootstrap services whose plugin cannot load (naming the plugin), with no workers involved.
import { createConfigRegistry, validateBootstrap } from '@nuncio/config';
import { builtinExtensions, registerNetworkExtensions } from '@nuncio/network-filter';
import { SharedDataStore } from '@nuncio/shared-data';
import { createThreadLocal, getSlot, type ThreadLocalInstance } from '@nuncio/thread-local';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkWasmNetworkFilterConfig,
  createWasmPluginManager,
  pluginConfigKey,
  WasmNetworkFilterErrorCode,
  type WasmPluginManager,
  wasmNetworkFilterConfigFactory,
  wasmNetworkFilterExtension,
  wasmServiceExtension,
} from '../src/index.ts';
import { quietLogger } from './fixtures/proxy-worker.ts';
import {
  PLUGIN_BYTES,
  PLUGIN_PATH,
  pluginConfig,
  WASM_SERVICE_TYPE_URL,
  wasmListener,
} from './support/harness.ts';

describe('checkWasmNetworkFilterConfig', () => {
  it('fills proto3 defaults', () => {
    const checked = checkWasmNetworkFilterConfig({
      config: {
        name: 'p',
        vmConfig: { runtime: 'envoy.wasm.runtime.v8', code: { local: { filename: 'x.wasm' } } },
      } as never,
    });
    expect(checked).toMatchObject({
      name: 'p',
      rootId: '',
      failOpen: false,
      vmConfig: { vmId: '', runtime: 'envoy.wasm.runtime.v8' },
    });
  });

  it.each([
    [{}, 'config: a PluginConfig is required'],
    [{ config: { name: 'p' } }, 'config.vm_config'],
    [{ config: { name: 'p', vmConfig: { runtime: 'envoy.wasm.runtime.wamr' } } }, 'not supported'],
    [
      {
        config: {
          name: 'p',
          vmConfig: {
            runtime: 'envoy.wasm.runtime.v8',
            code: { remote: { httpUri: { uri: 'https://example.com/p.wasm' }, sha256: 'ab' } },
          },
        },
      },
      'code.remote: remote code is not supported yet',
    ],
    [
      { config: { name: 'p', vmConfig: { runtime: 'envoy.wasm.runtime.v8', code: {} } } },
      'code.local: needs filename',
    ],
    [
      {
        config: {
          name: 'p',
          vmConfig: { runtime: 'envoy.wasm.runtime.v8', code: { local: { filename: 'x' } } },
          configuration: { typeUrl: 'type.googleapis.com/google.protobuf.Struct', value: {} },
        },
      },
      'config.configuration',
    ],
  ])('refuses %j naming %s', (config, text) => {
    expect(() => checkWasmNetworkFilterConfig(config as never)).toThrow(
      expect.objectContaining({
        code: WasmNetworkFilterErrorCode.InvalidConfig,
        message: expect.stringContaining(text),
      }),
    );
  });

  it('keys configs by content: inline code by its hash, any change a new key', () => {
    const a = checkWasmNetworkFilterConfig({ config: pluginConfig('a') as never });
    const b = checkWasmNetworkFilterConfig({ config: pluginConfig('a') as never });
    const c = checkWasmNetworkFilterConfig({
      config: pluginConfig('a', { failOpen: true }) as never,
    });
    expect(pluginConfigKey(a)).toBe(pluginConfigKey(b));
    expect(pluginConfigKey(a)).not.toBe(pluginConfigKey(c));
    const inline = (bytes: Uint8Array) =>
      pluginConfigKey(
        checkWasmNetworkFilterConfig({
          config: {
            name: 'i',
            vmConfig: { runtime: 'envoy.wasm.runtime.v8', code: { local: { inlineBytes: bytes } } },
          } as never,
        }),
      );
    expect(inline(new Uint8Array([1, 2]))).toBe(inline(new Uint8Array([1, 2])));
    expect(inline(new Uint8Array([1, 2]))).not.toBe(inline(new Uint8Array([1, 3])));
  });
});

describe('the supported subset', () => {
  const registry = registerNetworkExtensions(createConfigRegistry(), [
    ...builtinExtensions,
    wasmNetworkFilterExtension,
  ]);
  registry.registerExtension(wasmServiceExtension);
  const bootstrap = (wasm: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    ...extra,
    static_resources: {
      listeners: [
        {
          name: 'l',
          address: { socket_address: { address: '127.0.0.1', port_value: 10000 } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.wasm',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm',
                    config: wasm,
                  },
                },
                {
                  name: 'envoy.filters.network.echo',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo',
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  });
  const plugin = {
    name: 'p',
    root_id: 'net',
    vm_config: {
      vm_id: 'v',
      runtime: 'envoy.wasm.runtime.v8',
      code: { local: { filename: PLUGIN_PATH } },
      configuration: { '@type': 'type.googleapis.com/google.protobuf.StringValue', value: 'x' },
    },
    configuration: { '@type': 'type.googleapis.com/google.protobuf.StringValue', value: 'y' },
    fail_open: true,
  };

  it("accepts Envoy's network wasm filter and envoy.bootstrap.wasm, decoded as the filter reads them", () => {
    const result = validateBootstrap(
      {
        text: JSON.stringify(
          bootstrap(plugin, {
            bootstrap_extensions: [
              {
                name: 'envoy.bootstrap.wasm',
                typed_config: {
                  '@type': WASM_SERVICE_TYPE_URL,
                  singleton: true,
                  config: { ...plugin, root_id: 'service' },
                },
              },
            ],
          }),
        ),
      },
      { registry },
    );
    expect(result.problems).toEqual([]);
    const filter = result.config?.staticResources?.listeners[0]?.filterChains[0]?.filters[0];
    const checked = checkWasmNetworkFilterConfig(filter?.typedConfig?.value as never);
    expect(checked).toMatchObject({ name: 'p', rootId: 'net', failOpen: true });
    expect(checked.vmConfig?.code?.local?.filename).toBe(PLUGIN_PATH);
  });

  it('refuses fields Nuncio does not implement, naming them', () => {
    const result = validateBootstrap(
      {
        text: JSON.stringify(
          bootstrap({ ...plugin, vm_config: { ...plugin.vm_config, allow_precompiled: true } }),
        ),
      },
      { registry },
    );
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result.problems)).toContain('allow_precompiled');
  });
});

describe('WasmPluginManager on the main thread', () => {
  let tls: ThreadLocalInstance;
  let sharedData: SharedDataStore;
  let manager: WasmPluginManager;

  beforeEach(() => {
    tls = createThreadLocal();
    sharedData = SharedDataStore.create();
    manager = createWasmPluginManager({ threadLocal: tls, sharedData, logger: quietLogger });
  });

  afterEach(() => {
    manager.shutdown();
    tls.shutdownGlobalThreading();
    tls.shutdownThread();
    sharedData.close();
  });

  it('refuses a listener whose plugin does not load, naming the plugin and the filter', async () => {
    const broken = {
      name: 'broken-plugin',
      rootId: 'net',
      vmConfig: {
        vmId: 'b',
        runtime: 'envoy.wasm.runtime.v8',
        code: { local: { inlineBytes: new Uint8Array([0, 97, 115, 109, 9, 9]) } },
      },
      failOpen: false,
    };
    await expect(manager.addOrUpdateListener(wasmListener('l', broken, 'c'))).rejects.toThrow(
      expect.objectContaining({
        code: WasmNetworkFilterErrorCode.PluginLoadFailed,
        pluginName: 'broken-plugin',
        message: expect.stringMatching(
          /^listener 'l': filter_chains\[0\]\.filters\[0\] \(envoy\.filters\.network\.wasm\): Wasm plugin "broken-plugin": .*it will not serve traffic$/,
        ),
      }),
    );
    expect(manager.plugins()).toEqual([]);
    expect(getSlot(manager.slotRef).get().publishedCount).toBe(0);
  });

  it('refuses code.remote and a missing file with the plugin named', async () => {
    const remote = pluginConfig('remote-plugin') as Record<string, unknown>;
    remote.vmConfig = {
      runtime: 'envoy.wasm.runtime.v8',
      code: { remote: { httpUri: { uri: 'https://example.com/x.wasm' } } },
    };
    await expect(manager.addOrUpdateListener(wasmListener('l', remote, 'c'))).rejects.toThrow(
      expect.objectContaining({
        code: WasmNetworkFilterErrorCode.InvalidConfig,
        message: expect.stringContaining(
          'Wasm plugin "remote-plugin": config.vm_config.code.remote',
        ),
      }),
    );
    const missing = pluginConfig('missing-file') as Record<string, unknown>;
    missing.vmConfig = {
      runtime: 'envoy.wasm.runtime.v8',
      code: { local: { filename: '/nonexistent/plugin.wasm' } },
    };
    await expect(manager.addOrUpdateListener(wasmListener('l', missing, 'c'))).rejects.toThrow(
      expect.objectContaining({
        code: WasmNetworkFilterErrorCode.PluginLoadFailed,
        message: expect.stringContaining('/nonexistent/plugin.wasm'),
      }),
    );
  });

  it('publishes plugins by listener, shares one among listeners, and drops it with its last listener', async () => {
    const shared = pluginConfig('shared');
    await manager.addOrUpdateListener(wasmListener('a', shared, 'c'));
    await manager.addOrUpdateListener(wasmListener('b', shared, 'c'));
    expect(manager.plugins()).toEqual([
      expect.objectContaining({
        name: 'shared',
        kind: 'network_filter',
        users: ['listener:a', 'listener:b'],
      }),
    ]);
    const local = getSlot(manager.slotRef).get();
    expect(local.publishedCount).toBe(1);
    // The main thread's own slot object can start the plugin, as a worker does.
    const key = pluginConfigKey(checkWasmNetworkFilterConfig({ config: shared as never }));
    expect(local.plugin(key, 'shared').plugin.failed).toBe(false);
    await manager.addOrUpdateListener(wasmListener('a', pluginConfig('other'), 'c'));
    expect(
      manager
        .plugins()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['other', 'shared']);
    expect(await manager.removeListener('b')).toBe(true);
    expect(manager.plugins().map((p) => p.name)).toEqual(['other']);
    expect(local.publishedCount).toBe(1);
    expect(() => local.plugin(key, 'shared')).toThrow(
      expect.objectContaining({ code: WasmNetworkFilterErrorCode.PluginNotLoaded }),
    );
    expect(await manager.removeListener('b')).toBe(false);
  });

  it('refuses a bootstrap service that fails to start, and starts none of the call', async () => {
    const good = { singleton: true, config: pluginConfig('good', { rootId: 'service' }) };
    const bad = {
      singleton: true,
      config: {
        ...pluginConfig('bad', { rootId: 'service' }),
        vmConfig: {
          vmId: 'bad',
          runtime: 'envoy.wasm.runtime.v8',
          code: { local: { inlineBytes: PLUGIN_BYTES.subarray(0, 100) } },
        },
      },
    };
    await expect(
      manager.startBootstrapExtensions([
        {
          name: 'envoy.bootstrap.wasm',
          typedConfig: { typeUrl: WASM_SERVICE_TYPE_URL, value: good },
        },
        { name: 'other.extension', typedConfig: { typeUrl: 'type.googleapis.com/x.Y', value: {} } },
        {
          name: 'envoy.bootstrap.wasm',
          typedConfig: { typeUrl: WASM_SERVICE_TYPE_URL, value: bad },
        },
      ]),
    ).rejects.toThrow(
      expect.objectContaining({
        code: WasmNetworkFilterErrorCode.PluginLoadFailed,
        pluginName: 'bad',
        message: expect.stringContaining('bootstrap_extensions[2] (envoy.bootstrap.wasm)'),
      }),
    );
    expect(manager.plugins()).toEqual([]);
    expect(
      await manager.startBootstrapExtensions([
        {
          name: 'envoy.bootstrap.wasm',
          typedConfig: { typeUrl: WASM_SERVICE_TYPE_URL, value: good },
        },
      ]),
    ).toBe(1);
    expect(manager.plugins()).toEqual([
      expect.objectContaining({ name: 'good', kind: 'singleton' }),
    ]);
  });

  it('the factory refuses to build without the singleton, or for a plugin main never loaded', () => {
    const config = { config: pluginConfig('never-loaded') as never };
    const context = {
      getSingleton: () => undefined,
    } as unknown as Parameters<
      typeof wasmNetworkFilterConfigFactory.createFilterFactoryFromProto
    >[1];
    expect(() =>
      wasmNetworkFilterConfigFactory.createFilterFactoryFromProto(config, context),
    ).toThrow(expect.objectContaining({ code: WasmNetworkFilterErrorCode.MissingSingleton }));
    const local = getSlot(manager.slotRef).get();
    const withSingleton = {
      getSingleton: () => local,
    } as unknown as Parameters<
      typeof wasmNetworkFilterConfigFactory.createFilterFactoryFromProto
    >[1];
    expect(() =>
      wasmNetworkFilterConfigFactory.createFilterFactoryFromProto(config, withSingleton),
    ).toThrow(
      expect.objectContaining({
        code: WasmNetworkFilterErrorCode.PluginNotLoaded,
        message: expect.stringContaining('"never-loaded"'),
      }),
    );
  });
});
