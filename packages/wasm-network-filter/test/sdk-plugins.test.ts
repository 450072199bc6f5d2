// The network plugins written with the maintained Go and Rust proxy-wasm SDKs
// (@nuncio/wasm-host's test/plugins/{go,rust}, built by its build-sdk-plugins script), loaded
// from `vm_config.code.local.filename` by `envoy.filters.network.wasm` in front of the TCP proxy,
// on 2 real worker threads and an echo upstream on loopback. The plugin upper-cases downstream
// bytes, turns every "E" from upstream into "3", closes the connection on "close", counts
// connections and finished streams in shared data (compare-and-swap, so VMs on both workers count
// together), and records the downstream address, the close peer and the byte count there; the
// tests read that shared data from the main thread's store.
//
// fail_open is not covered here: the SDK suites' failing plugins (Go `panic`, Rust `trap`) fail
// in an HTTP callback only, and an L4 plugin that traps is covered by tcp-proxy.test.ts.

import { waitFor, withTimeout } from '@nuncio/test-support';
import { PeerType } from '@nuncio/wasm-host';
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
import { sdkPlugins } from './support/sdk-plugins.ts';

const SDKS = [sdkPlugins('go', ['network']), sdkPlugins('rust', ['network'])];

for (const sdk of SDKS) {
  // The builder already printed this line; repeat it where the skipped tests are reported.
  if (!sdk.available) console.warn(`sdk-plugins.test.ts: ${sdk.reason}`);

  describe.skipIf(!sdk.available)(`${sdk.title} network plugin in front of the TCP proxy`, () => {
    const vmId = `${sdk.sdk}-network`;
    let harness: Harness;
    let echo: Awaited<ReturnType<typeof startRecordingEcho>>;
    let port: number;

    /** A value the plugin wrote to shared data, read from the main thread. */
    const shared = (key: string): string | undefined =>
      harness.sharedData.getString(vmId, key).value;
    const sharedCount = (key: string): number => Number(shared(key) ?? Number.NaN);

    beforeAll(async () => {
      echo = await startRecordingEcho();
      harness = await startHarness({
        concurrency: 2,
        clusters: [staticCluster('echo', echo.port)],
        listeners: [
          wasmListener(
            'sdk',
            // The SDKs' plugins answer to any root id; Envoy's default is the empty one.
            pluginConfig(`${sdk.sdk}-network`, {
              rootId: '',
              vmId,
              filename: sdk.path('network'),
            }),
            'echo',
          ),
        ],
      });
      port = harness.ports.get('sdk') ?? 0;
    });

    afterAll(async () => {
      await harness?.close();
      await echo?.close();
    });

    it('rewrites bytes both ways and counts connections from both workers in shared data', async () => {
      // The plugin created its counters on main (its start-up check) before any worker ran.
      expect(shared('connections')).toBe('0');
      const clients: TestClient[] = [];
      // The kernel spreads reuse-port connections by their addresses: open more until both
      // workers have taken some, so that both VMs have counted.
      for (let round = 0; round < 10; round++) {
        const batch = Array.from({ length: 4 }, () => new TestClient(port));
        await Promise.all(batch.map((client) => client.connected));
        clients.push(...batch);
        const perWorker = await waitFor(
          () => {
            const counts = harness.workerConnections('sdk');
            return counts.reduce((a, b) => a + b, 0) === clients.length ? counts : undefined;
          },
          { what: 'accepted connections' },
        );
        if (perWorker.every((count) => count > 0)) break;
      }
      expect(harness.workerConnections('sdk').every((count) => count > 0)).toBe(true);

      for (const [i, client] of clients.entries()) client.socket.write(`hello e-world ${i}`);
      await waitFor(() => clients.every((client, i) => client.text() === `H3LLO 3-WORLD ${i}`), {
        what: 'echoes rewritten both ways',
      });
      // The upstream saw the downstream rewrite only; the client sees both.
      for (let i = 0; i < clients.length; i++) {
        expect(echo.received).toContain(`HELLO E-WORLD ${i}`);
      }
      expect(sharedCount('connections')).toBe(clients.length);

      for (const client of clients) client.socket.end();
      await Promise.all(clients.map((client) => withTimeout(client.closedPromise, 5000, 'close')));
      await waitFor(() => sharedCount('done') === clients.length, { what: 'finished streams' });
    });

    it('gives the plugin the downstream address', async () => {
      const client = new TestClient(port);
      await client.connected;
      client.socket.write('who');
      await waitFor(() => client.text() === 'WHO', { what: 'echo' });
      expect(shared('last_source')).toBe(`127.0.0.1:${client.socket.localPort}`);
      // Each test leaves no stream unfinished: the next one reads "last_*" and counts "done".
      const done = sharedCount('done');
      client.socket.destroy();
      await waitFor(() => sharedCount('done') === done + 1, { what: 'stream done' });
    });

    it('closes the connection when the plugin asks, before the bytes reach the upstream', async () => {
      const before = echo.received.length;
      const done = sharedCount('done');
      const client = new TestClient(port);
      await client.connected;
      client.socket.write('close');
      await withTimeout(client.closedPromise, 5000, 'close by the plugin');
      expect(client.text()).toBe('');
      expect(echo.received.slice(before).join('').toLowerCase()).not.toContain('close');
      await waitFor(() => sharedCount('done') === done + 1, { what: 'stream done' });
      // The plugin's own close is the proxy's: a local one.
      expect(shared('last_close_peer')).toBe(String(PeerType.Local));
      expect(shared('last_bytes')).toBe('5');
    });

    it('records the close peer, the end of the stream and its bytes after the client closes', async () => {
      // The client ends its side; the echo's FIN comes back through the proxy, which closes once
      // its own FIN is written: both ways done, the write side last, a local close as in Envoy.
      let done = sharedCount('done');
      const ending = new TestClient(port);
      await ending.connected;
      ending.socket.write('bye now');
      await waitFor(() => ending.text() === 'BY3 NOW', { what: 'echo' });
      ending.socket.end();
      await withTimeout(ending.closedPromise, 5000, 'graceful close');
      await waitFor(() => sharedCount('done') === done + 1, { what: 'stream done' });
      expect(shared('last_close_peer')).toBe(String(PeerType.Local));
      expect(shared('last_bytes')).toBe(String('bye now'.length));

      // The client resets the connection: the proxy sees its peer go, a remote close.
      done = sharedCount('done');
      const resetting = new TestClient(port);
      await resetting.connected;
      resetting.socket.write('reset it');
      await waitFor(() => resetting.text() === 'R3S3T IT', { what: 'echo' });
      resetting.socket.resetAndDestroy();
      await waitFor(() => sharedCount('done') === done + 1, { what: 'stream done' });
      expect(shared('last_close_peer')).toBe(String(PeerType.Remote));
      expect(shared('last_bytes')).toBe(String('reset it'.length));
    });
  });
}
