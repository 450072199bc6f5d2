// The network (L4) callbacks of Go and Rust SDK plugins on a worker thread, driven through the
// stream interface as the network wasm filter drives them: a new connection, data both ways
// rewritten in the connection's own buffers, a plugin closing the downstream connection, the
// close callbacks and the end of the stream.
import { runInWorker } from '@nuncio/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilterStatus, PeerType } from '../src/index.ts';
import { MainThreadPlugins, SDKS, sdkPluginOptions } from './sdk-plugins.ts';
import type { TcpStep } from './sdk-scenarios.ts';
import { mainEnvironment } from './support/helpers.ts';

const scenarios = new URL('./sdk-scenarios.ts', import.meta.url);

type Connection = {
  newConnection: number;
  results: { status: number; data: string }[];
  closedDownstream: number;
  failed: number[];
};

for (const sdk of SDKS) {
  describe(`${sdk.title} network plugin, TCP streams on a worker thread`, () => {
    let main: MainThreadPlugins;
    beforeEach(() => {
      main = new MainThreadPlugins(mainEnvironment());
    });
    afterEach(() => main.release());

    it.skipIf(!sdk.available)(
      'rewrites both directions in place, closes downstream on request, reports the close and the end',
      async () => {
        const vmId = `${sdk.sdk}-tcp`;
        const plugin = main.load(sdkPluginOptions(sdk, 'network', { vmId }));
        const steps: TcpStep[] = [
          { down: 'hello ' },
          { down: 'world' },
          { up: 'HELLO WORLD' },
          { down: 'close\n' },
        ];
        const connection = await runInWorker<Connection>(
          scenarios,
          'tcpConnection',
          [plugin, ...main.stores(), steps, { source: { address: '10.0.0.7:5555', port: 5555 } }],
          { timeoutMs: 30_000 },
        );
        expect(connection.newConnection).toBe(FilterStatus.Continue);
        expect(connection.results).toEqual([
          { status: FilterStatus.Continue, data: 'HELLO ' },
          { status: FilterStatus.Continue, data: 'WORLD' },
          { status: FilterStatus.Continue, data: 'H3LLO WORLD' },
          { status: FilterStatus.StopIteration, data: 'close\n' },
        ]);
        expect(connection.closedDownstream).toBe(1);
        expect(connection.failed).toEqual([]);
        expect(main.shared(vmId, 'connections')).toBe('1');
        expect(main.shared(vmId, 'last_source')).toBe('10.0.0.7:5555');
        expect(main.shared(vmId, 'last_close_peer')).toBe(String(PeerType.Local));
        // The end of the stream ran once both sides were closed, with every downstream byte.
        expect(main.shared(vmId, 'done')).toBe('1');
        expect(main.shared(vmId, 'last_bytes')).toBe(
          String('hello world'.length + 'close\n'.length),
        );
      },
    );
  });
}
