// Exact balancing's counts in shared memory: who is picked, that a pick counts at once, and that
// picks racing on real threads keep the counts within one of each other.
import { runInWorker, waitFor } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { createListenerManager, ExactConnectionBalancer, NetworkErrorCode } from '../src/index.ts';
import { listenerConfig } from './support/listeners.ts';
import { testRegistry } from './support/test-extensions.ts';

const picksModule = new URL('./fixtures/balancer-picks.ts', import.meta.url);

function balancerFor(workers: number, registered: number[]): ExactConnectionBalancer {
  const balancer = new ExactConnectionBalancer(ExactConnectionBalancer.createCounters(workers));
  for (const index of registered) balancer.registerHandler(index);
  return balancer;
}

describe('ExactConnectionBalancer', () => {
  it('picks the registered worker with the fewest connections and counts it there at once', () => {
    const balancer = balancerFor(3, [0, 1, 2]);
    balancer.incNumConnections(0);
    balancer.incNumConnections(0);
    balancer.incNumConnections(2);
    // Worker 0 accepted; worker 1 has none.
    expect(balancer.pickTargetHandler(0)).toBe(1);
    expect(balancer.numConnections(1)).toBe(1);
    // Two accepts in a row never pick the same idle worker twice: 1 was counted by the first.
    expect(balancer.pickTargetHandler(0)).toBe(1);
    expect(balancer.pickTargetHandler(0)).toBe(2);
    expect([0, 1, 2].map((i) => balancer.numConnections(i))).toEqual([2, 2, 2]);
  });

  it('keeps a tie on the worker that accepted, so it needs no hand-off', () => {
    const balancer = balancerFor(2, [0, 1]);
    expect(balancer.pickTargetHandler(1)).toBe(1);
    expect(balancer.pickTargetHandler(0)).toBe(0);
    expect(balancer.pickTargetHandler(1)).toBe(1);
  });

  it('never picks a worker that is not registered', () => {
    const balancer = balancerFor(3, [0, 2]);
    for (let i = 0; i < 6; i++) balancer.pickTargetHandler(0);
    expect(balancer.numConnections(1)).toBe(0);
    expect(balancer.numConnections(0) + balancer.numConnections(2)).toBe(6);
    balancer.unregisterHandler(2);
    expect(balancer.isRegistered(2)).toBe(false);
    expect(balancer.pickTargetHandler(0)).toBe(0);
  });

  it('counts closes down, and forgets a dead worker (count 0, not picked)', () => {
    const balancer = balancerFor(2, [0, 1]);
    balancer.pickTargetHandler(0);
    balancer.pickTargetHandler(0);
    expect([balancer.numConnections(0), balancer.numConnections(1)]).toEqual([1, 1]);
    balancer.decNumConnections(1);
    expect(balancer.pickTargetHandler(0)).toBe(1);
    balancer.forgetHandler(1);
    expect(balancer.numConnections(1)).toBe(0);
    expect(balancer.pickTargetHandler(0)).toBe(0);
  });

  it('shares its counts with every balancer over the same buffer', () => {
    const counters = ExactConnectionBalancer.createCounters(2);
    const onWorker0 = new ExactConnectionBalancer(counters);
    const onWorker1 = new ExactConnectionBalancer(structuredClone(counters));
    onWorker0.registerHandler(0);
    onWorker1.registerHandler(1);
    expect(onWorker0.pickTargetHandler(0)).toBe(0);
    // Worker 1 registered through its own copy; worker 0 sees it, with no connection.
    expect(onWorker0.pickTargetHandler(0)).toBe(1);
    expect(onWorker1.numConnections(1)).toBe(1);
    expect(onWorker1.pickTargetHandler(1)).toBe(1);
    expect(onWorker0.numConnections(1)).toBe(2);
  });

  it('refuses bad buffers, worker counts and indices', () => {
    const codeOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return 'no error';
    };
    expect(codeOf(() => ExactConnectionBalancer.createCounters(0))).toBe(
      NetworkErrorCode.InvalidArgument,
    );
    expect(codeOf(() => new ExactConnectionBalancer(new SharedArrayBuffer(8)))).toBe(
      NetworkErrorCode.InvalidArgument,
    );
    const balancer = balancerFor(2, []);
    expect(codeOf(() => balancer.pickTargetHandler(2))).toBe(NetworkErrorCode.InvalidArgument);
    expect(codeOf(() => balancer.registerHandler(-1))).toBe(NetworkErrorCode.InvalidArgument);
  });

  it('keeps the counts within one of each other when threads pick at the same time', async () => {
    const threads = 3;
    const picks = 20_000;
    const counters = ExactConnectionBalancer.createCounters(threads);
    const balancer = new ExactConnectionBalancer(counters);
    for (let i = 0; i < threads; i++) balancer.registerHandler(i);
    const gate = new SharedArrayBuffer(8);
    const gateWords = new Int32Array(gate);
    const results = Array.from({ length: threads }, (_, index) =>
      runInWorker<number[]>(picksModule, 'pickMany', [counters, gate, index, picks], {
        timeoutMs: 20_000,
      }),
    );
    await waitFor(() => Atomics.load(gateWords, 1) === threads, {
      timeoutMs: 15_000,
      what: 'every picking thread ready',
    });
    Atomics.store(gateWords, 0, 1);
    Atomics.notify(gateWords, 0);
    const byThread = await Promise.all(results);
    const counts = Array.from({ length: threads }, (_, i) => balancer.numConnections(i));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(threads * picks);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    // What the threads say they picked is what the counters hold.
    for (let i = 0; i < threads; i++) {
      expect(byThread.reduce((sum, targets) => sum + (targets[i] ?? 0), 0)).toBe(counts[i]);
    }
  });
});

describe('connection_balance_config in the listener manager', () => {
  it('gives a listener with exact_balance counters for every worker, kept across updates', async () => {
    const manager = createListenerManager({ registry: testRegistry(), concurrency: 3 });
    await manager.addOrUpdateListener(
      listenerConfig('exact', 0, { connectionBalanceConfig: { exactBalance: {} } }),
    );
    await manager.addOrUpdateListener(listenerConfig('kernel', 0));
    const [exact, kernel] = manager.snapshot().listeners;
    expect(kernel?.connectionBalanceCounters).toBeUndefined();
    const counters = exact?.connectionBalanceCounters as SharedArrayBuffer;
    expect(new ExactConnectionBalancer(counters).workers).toBe(3);
    await manager.addOrUpdateListener(
      listenerConfig('exact', 0, {
        statPrefix: 'changed',
        connectionBalanceConfig: { exactBalance: {} },
      }),
    );
    expect(manager.snapshot().listeners[0]?.connectionBalanceCounters).toBe(counters);
    // A dead worker's counts are forgotten.
    const balancer = new ExactConnectionBalancer(counters);
    balancer.registerHandler(2);
    balancer.incNumConnections(2);
    manager.workerLost(2);
    expect([balancer.numConnections(2), balancer.isRegistered(2)]).toEqual([0, false]);
  });

  it('refuses extend_balance and an empty balance config, naming the listener', async () => {
    const manager = createListenerManager({ registry: testRegistry(), concurrency: 1 });
    await expect(
      manager.addOrUpdateListener(
        listenerConfig('ext', 0, {
          connectionBalanceConfig: { extendBalance: { name: 'my.balancer' } },
        }),
      ),
    ).rejects.toMatchObject({
      code: NetworkErrorCode.InvalidListenerConfig,
      message: expect.stringContaining(
        "listener 'ext': connection_balance_config.extend_balance is not supported",
      ),
    });
    await expect(
      manager.addOrUpdateListener(listenerConfig('empty', 0, { connectionBalanceConfig: {} })),
    ).rejects.toMatchObject({ code: NetworkErrorCode.InvalidListenerConfig });
  });
});
