// Envoy's drain manager: the gradual strategy's chance of `drainClose()` rising linearly over the
// drain time (driven here by a fake clock and a fake random source), the immediate strategy, and
// a listener drain that closes what is left at the end of the drain time.
import { currentDispatcher } from '@nuncio/dispatcher';
import { waitFor } from '@nuncio/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ConnectionHandler,
  createConnectionHandler,
  createDrainManager,
  DrainStrategy,
  NetworkErrorCode,
} from '../src/index.ts';
import { balanceRegistry, workerEchoChain } from './support/balance-extensions.ts';
import { listenerConfig } from './support/listeners.ts';
import { RecordingClient } from './support/loopback.ts';

/** A clock the test moves by hand. */
class FakeClock {
  now = 1000;
  monotonicTime(): number {
    return this.now;
  }
}

/** Random numbers 0, 0.01, ..., 0.99 in turn: 100 draws cover [0, 1) evenly. */
function evenDraws(): () => number {
  let i = 0;
  return () => {
    const value = (i % 100) / 100;
    i++;
    return value;
  };
}

function trueOutOf100(decide: () => boolean): number {
  let count = 0;
  for (let i = 0; i < 100; i++) if (decide()) count++;
  return count;
}

describe('createDrainManager', () => {
  it('answers false before a drain starts', () => {
    const manager = createDrainManager({ timeSource: new FakeClock() });
    expect(manager.strategy).toBe(DrainStrategy.Gradual);
    expect(manager.draining()).toBe(false);
    expect(manager.drainClose()).toBe(false);
  });

  it('gradual: the chance rises linearly from 0 at the start to 1 at the end', () => {
    const clock = new FakeClock();
    const manager = createDrainManager({ timeSource: clock, random: evenDraws() });
    manager.startDrainSequence(10_000);
    expect(manager.draining()).toBe(true);
    const curve: number[] = [];
    for (const elapsed of [0, 1000, 2500, 5000, 7500, 9900]) {
      clock.now = 1000 + elapsed;
      curve.push(trueOutOf100(() => manager.drainClose()));
    }
    expect(curve).toEqual([0, 10, 25, 50, 75, 99]);
    clock.now = 1000 + 10_000;
    expect(trueOutOf100(() => manager.drainClose())).toBe(100);
    clock.now = 1000 + 60_000;
    expect(trueOutOf100(() => manager.drainClose())).toBe(100);
  });

  it('immediate: always true once the drain starts', () => {
    const clock = new FakeClock();
    const manager = createDrainManager({
      strategy: DrainStrategy.Immediate,
      timeSource: clock,
      random: () => 0.999,
    });
    expect(manager.drainClose()).toBe(false);
    manager.startDrainSequence(600_000);
    expect(manager.drainClose()).toBe(true);
  });

  it('a drain time of 0 drains at once; a second start only brings the end closer', () => {
    const clock = new FakeClock();
    const zero = createDrainManager({ timeSource: clock, random: () => 0.999 });
    zero.startDrainSequence(0);
    expect(zero.drainClose()).toBe(true);

    const manager = createDrainManager({ timeSource: clock, random: evenDraws() });
    manager.startDrainSequence(1000);
    clock.now += 500;
    // A later, longer drain keeps the first end: half way there.
    manager.startDrainSequence(60_000);
    expect(trueOutOf100(() => manager.drainClose())).toBe(50);
    // A shorter one moves the end; the chance is reckoned from the first start to it.
    manager.startDrainSequence(500);
    clock.now += 250;
    expect(trueOutOf100(() => manager.drainClose())).toBe(75);
    manager.startDrainSequence(0);
    expect(trueOutOf100(() => manager.drainClose())).toBe(100);
  });

  it('refuses an unknown strategy and a bad drain time', () => {
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'no error';
    };
    expect(codeOf(() => createDrainManager({ strategy: 'slow' as DrainStrategy }))).toBe(
      NetworkErrorCode.InvalidArgument,
    );
    expect(codeOf(() => createDrainManager().startDrainSequence(-1))).toBe(
      NetworkErrorCode.InvalidArgument,
    );
    expect(
      codeOf(() =>
        createConnectionHandler({
          registry: balanceRegistry(),
          drainStrategy: 'slow' as DrainStrategy,
        }),
      ),
    ).toBe(NetworkErrorCode.InvalidArgument);
  });
});

describe('a listener drain', () => {
  let handler: ConnectionHandler | null = null;
  const clients: RecordingClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await handler?.shutdown();
    handler = null;
  });

  async function start(strategy: DrainStrategy): Promise<number> {
    handler = createConnectionHandler({
      registry: balanceRegistry(),
      dispatcher: currentDispatcher(),
      drainStrategy: strategy,
    });
    const info = await handler.addListener(
      listenerConfig('drained', 0, { filterChains: [workerEchoChain()] }),
    );
    return info.address.port;
  }

  async function ask(client: RecordingClient): Promise<string> {
    const before = client.received().length;
    client.socket.write('?');
    await waitFor(() => client.received().slice(before).includes('\n'), { what: 'an answer' });
    return client.received().slice(before);
  }

  it('immediate: filters are told to drain at once; what is left is closed at the end', async () => {
    const port = await start(DrainStrategy.Immediate);
    const client = new RecordingClient(port);
    clients.push(client);
    await waitFor(() => client.received() === 'worker=0\n', { what: 'the greeting' });
    expect(await ask(client)).toBe('drain=false\n');
    const started = performance.now();
    const drained = (handler as ConnectionHandler).drainListener('drained', 300);
    expect(await ask(client)).toBe('drain=true\n');
    // The connection stays open through the drain time (it does not close by itself), then the
    // listener closes it.
    await client.whenDone(5000);
    await drained;
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect((handler as ConnectionHandler).numConnections()).toBe(0);
  });

  it('gradual: a connection still open at the end of the drain time is closed', async () => {
    const port = await start(DrainStrategy.Gradual);
    const client = new RecordingClient(port);
    clients.push(client);
    await waitFor(() => client.received() === 'worker=0\n', { what: 'the greeting' });
    const drained = (handler as ConnectionHandler).drainListener('drained', 200);
    await drained;
    await client.whenDone(5000);
    expect((handler as ConnectionHandler).listeners()).toEqual([]);
  });
});
