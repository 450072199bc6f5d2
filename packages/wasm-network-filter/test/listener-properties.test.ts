// The listener_direction and listener_metadata properties over real connections: one plugin on
// two listeners, each connection told its own listener's traffic_direction and metadata, with
// Envoy's encodings (int64 little endian, an envoy.config.core.v3.Metadata message).
import { Buffer } from 'node:buffer';
import { waitFor } from '@nuncio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  pluginConfig,
  startHarness,
  startRecordingEcho,
  staticCluster,
  TestClient,
  wasmListener,
} from './support/harness.ts';

describe('listener properties through the wasm filter on a worker', () => {
  let harness: Harness;
  let echo: Awaited<ReturnType<typeof startRecordingEcho>>;

  beforeAll(async () => {
    echo = await startRecordingEcho();
    const plugin = pluginConfig('listener-plugin', { vmId: 'vm-listener' });
    harness = await startHarness({
      concurrency: 1,
      clusters: [staticCluster('echo', echo.port)],
      listeners: [
        wasmListener('plain', plugin, 'echo'),
        {
          ...wasmListener('inbound', plugin, 'echo'),
          trafficDirection: 'INBOUND',
          metadata: { filterMetadata: { 'nuncio.test': { team: 'edge' } } },
        },
        { ...wasmListener('outbound', plugin, 'echo'), trafficDirection: 'OUTBOUND' },
      ],
    });
  });

  afterAll(async () => {
    await harness?.close();
    await echo?.close();
  });

  /** What the plugin answers to "listener" on a connection to `listener`. */
  async function ask(listener: string): Promise<string> {
    const client = new TestClient(harness.ports.get(listener) ?? 0);
    await client.connected;
    client.socket.write('listener');
    await waitFor(() => client.text().endsWith('\n'), { what: `${listener} properties` });
    client.socket.destroy();
    // The echo comes back through the plugin, which turns spaces into '_'.
    return client.text();
  }

  it("gives each connection its own listener's direction and metadata, Envoy-encoded", async () => {
    const hex = (text: string) => Buffer.from(text).toString('hex');
    // envoy.config.core.v3.Metadata, encoded by hand: filter_metadata (1) holds one map entry
    // {key (1): "nuncio.test", value (2): Struct {fields (1): {key (1): "team", value (2):
    // Value {string_value (3): "edge"}}}}.
    const struct = `0a0e0a04${hex('team')}12061a04${hex('edge')}`;
    const metadata = `0a1f0a0b${hex('nuncio.test')}1210${struct}`;
    expect(await ask('inbound')).toBe(`dir=1_xds=1_meta=${metadata}_team=edge\n`);
    // The same plugin on other listeners: their own direction, and an empty Metadata message (zero
    // bytes, found) when the listener has none.
    expect(await ask('outbound')).toBe('dir=2_xds=2_meta=_team=?\n');
    expect(await ask('plain')).toBe('dir=0_xds=0_meta=_team=?\n');
  });
});
