import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { createDispatcher, DispatcherErrorCode } from '../src/index.ts';

function quietDispatcher() {
  const errors: unknown[] = [];
  const dispatcher = createDispatcher({ onError: (error) => errors.push(error) });
  return { dispatcher, errors };
}

describe('Timer', () => {
  it('fires once after the delay and is disabled afterwards', async () => {
    const { dispatcher } = quietDispatcher();
    let fires = 0;
    let enabledInside: boolean | undefined;
    let resolveFired: (at: number) => void = () => {};
    const fired = new Promise<number>((resolve) => {
      resolveFired = resolve;
    });
    const timer = dispatcher.createTimer(() => {
      fires++;
      enabledInside = timer.enabled();
      resolveFired(dispatcher.timeSource.monotonicTime());
    });
    expect(timer.enabled()).toBe(false);
    const start = dispatcher.timeSource.monotonicTime();
    timer.enableTimer(30);
    expect(timer.enabled()).toBe(true);
    const at = await withTimeout(fired, 2000, 'timer');
    // Node's timers have millisecond granularity and may fire up to 1 ms "early" by this clock.
    expect(at - start).toBeGreaterThanOrEqual(29);
    await sleep(50);
    expect(fires).toBe(1);
    expect(enabledInside).toBe(false);
  });

  it('does not fire once disabled', async () => {
    const { dispatcher } = quietDispatcher();
    let fired = false;
    const timer = dispatcher.createTimer(() => {
      fired = true;
    });
    timer.enableTimer(10);
    timer.disableTimer();
    expect(timer.enabled()).toBe(false);
    await sleep(40);
    expect(fired).toBe(false);
    timer.disableTimer(); // a no-op when disarmed
  });

  it('restarts its countdown when enabled again, and can be re-armed after firing', async () => {
    const { dispatcher } = quietDispatcher();
    const fireTimes: number[] = [];
    const timer = dispatcher.createTimer(() => fireTimes.push(performance.now()));
    const fired = (count: number) =>
      withTimeout(
        (async () => {
          while (fireTimes.length < count) await sleep(2);
        })(),
        5000,
        `timer firing ${count} time(s)`,
      );
    timer.enableTimer(60);
    await sleep(30);
    const rearmedAt = performance.now();
    timer.enableTimer(60); // same duration: the countdown restarts from now
    await fired(1);
    // Timers never fire early (whatever the load): a countdown that did not restart would fire
    // 60 ms after the first enableTimer, less than 60 ms after the second.
    expect((fireTimes[0] as number) - rearmedAt).toBeGreaterThanOrEqual(59);
    expect(timer.enabled()).toBe(false);
    timer.enableTimer(5); // re-armed after firing, with another duration
    expect(timer.enabled()).toBe(true);
    await fired(2);
    await sleep(80);
    expect(fireTimes).toHaveLength(2); // once per arming
  });

  it('reports a throwing callback', async () => {
    const { dispatcher, errors } = quietDispatcher();
    const timer = dispatcher.createTimer(() => {
      throw new Error('timer failed on purpose');
    });
    timer.enableTimer(0);
    await sleep(20);
    expect((errors[0] as Error).message).toBe('timer failed on purpose');
    expect(dispatcher.counters().callbackErrors).toBe(1);
  });

  it('rejects a bad duration', () => {
    const { dispatcher } = quietDispatcher();
    const timer = dispatcher.createTimer(() => {});
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() => timer.enableTimer(bad)).toThrow(
        expect.objectContaining({ code: DispatcherErrorCode.InvalidArgument }),
      );
    }
    expect(timer.enabled()).toBe(false);
  });
});
