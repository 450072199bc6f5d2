import { setImmediate as nextImmediate, setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatcher } from '../src/index.ts';

function drained(dispatcher: Dispatcher): Promise<void> {
  return new Promise((resolve) => dispatcher.post(resolve));
}

describe('SchedulableCallback', () => {
  it('current iteration: from a post callback, runs later in the same run', async () => {
    const dispatcher = createDispatcher();
    const log: string[] = [];
    const callback = dispatcher.createSchedulableCallback(() =>
      log.push(`scheduled (run ${dispatcher.counters().postRuns})`),
    );
    dispatcher.post(() => {
      callback.scheduleCallbackCurrentIteration();
      expect(callback.enabled()).toBe(true);
      setImmediate(() => log.push('next iteration'));
      log.push(`post (run ${dispatcher.counters().postRuns})`);
    });
    await drained(dispatcher);
    await nextImmediate();
    expect(log).toEqual(['post (run 1)', 'scheduled (run 1)', 'next iteration']);
    expect(callback.enabled()).toBe(false);
  });

  it('current iteration: from a timer callback, runs before the loop polls again', async () => {
    const dispatcher = createDispatcher();
    const log: string[] = [];
    const callback = dispatcher.createSchedulableCallback(() => log.push('scheduled'));
    const done = new Promise<void>((resolve) => {
      const timer = dispatcher.createTimer(() => {
        callback.scheduleCallbackCurrentIteration();
        // A zero timer set now can only fire in a later iteration's timers phase.
        setTimeout(() => {
          log.push('later timer');
          resolve();
        }, 0);
        log.push('timer');
      });
      timer.enableTimer(1);
    });
    await withTimeout(done, 2000, 'timer');
    expect(log).toEqual(['timer', 'scheduled', 'later timer']);
  });

  it('next iteration: from a post callback, runs in the next iteration', async () => {
    const dispatcher = createDispatcher();
    const log: string[] = [];
    const done = new Promise<void>((resolve) => {
      const callback = dispatcher.createSchedulableCallback(() => {
        log.push('scheduled');
        resolve();
      });
      dispatcher.post(() => {
        // Queued for the next iteration's check phase before the dispatcher's next run is: the
        // callback runs after it only if it waits for the next iteration.
        setImmediate(() => log.push('immediate'));
        callback.scheduleCallbackNextIteration();
        log.push('post');
      });
    });
    await withTimeout(done, 2000, 'next iteration');
    expect(log).toEqual(['post', 'immediate', 'scheduled']);
  });

  it('next iteration: from a timer callback, skips this iteration', async () => {
    const dispatcher = createDispatcher();
    const log: string[] = [];
    const done = new Promise<void>((resolve) => {
      const callback = dispatcher.createSchedulableCallback(() => {
        log.push('scheduled');
        resolve();
      });
      const timer = dispatcher.createTimer(() => {
        callback.scheduleCallbackNextIteration();
        // Queued in the timers phase: runs in this iteration's check phase.
        setImmediate(() => log.push('this iteration'));
        log.push('timer');
      });
      timer.enableTimer(1);
    });
    await withTimeout(done, 2000, 'next iteration');
    expect(log).toEqual(['timer', 'this iteration', 'scheduled']);
  });

  it('runs once however often scheduled, and not at all once cancelled', async () => {
    const dispatcher = createDispatcher();
    let runs = 0;
    const callback = dispatcher.createSchedulableCallback(() => runs++);
    callback.scheduleCallbackCurrentIteration();
    callback.scheduleCallbackCurrentIteration();
    callback.scheduleCallbackNextIteration();
    await sleep(10);
    expect(runs).toBe(1);

    callback.scheduleCallbackNextIteration();
    callback.cancel();
    expect(callback.enabled()).toBe(false);
    callback.scheduleCallbackCurrentIteration();
    callback.cancel();
    await sleep(10);
    expect(runs).toBe(1);

    // Cancel, then schedule again: the stale entry must not make it run twice.
    callback.scheduleCallbackCurrentIteration();
    callback.cancel();
    callback.scheduleCallbackCurrentIteration();
    await sleep(10);
    expect(runs).toBe(2);
  });

  it('can reschedule itself for the next iteration, once per iteration', async () => {
    const dispatcher = createDispatcher();
    let runs = 0;
    let immediates = 0;
    const callback = dispatcher.createSchedulableCallback(() => {
      runs++;
      if (runs < 5) callback.scheduleCallbackNextIteration();
    });
    // Counts loop iterations: one immediate per iteration.
    const tick = () => {
      immediates++;
      if (runs < 5) setImmediate(tick);
    };
    setImmediate(tick);
    callback.scheduleCallbackNextIteration();
    await withTimeout(
      (async () => {
        while (runs < 5) await sleep(1);
      })(),
      2000,
      'self-rescheduling callback',
    );
    expect(immediates).toBeGreaterThanOrEqual(runs);
  });

  it('reports a throwing callback', async () => {
    const errors: unknown[] = [];
    const dispatcher = createDispatcher({ onError: (error) => errors.push(error) });
    const callback = dispatcher.createSchedulableCallback(() => {
      throw new Error('schedulable failed on purpose');
    });
    callback.scheduleCallbackCurrentIteration();
    await sleep(10);
    expect((errors[0] as Error).message).toBe('schedulable failed on purpose');
  });
});
