import { setImmediate as nextImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { threadId } from 'node:worker_threads';
import { waitFor, withTimeout } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import {
  type CallbackErrorContext,
  createDispatcher,
  type Dispatcher,
  DispatcherErrorCode,
  type WatchDog,
} from '../src/index.ts';

/** A dispatcher whose caught errors are collected instead of logged. */
function quietDispatcher(name = 'test') {
  const errors: { error: unknown; context: CallbackErrorContext }[] = [];
  const dispatcher = createDispatcher({
    name,
    onError: (error, context) => errors.push({ error, context }),
  });
  return { dispatcher, errors };
}

/** Resolves after `dispatcher` has run everything posted before this call. */
function drained(dispatcher: Dispatcher): Promise<void> {
  return new Promise((resolve) => dispatcher.post(resolve));
}

/** V8's `gc()`, exposed at run time (the test runner's flags cannot be changed per test). */
function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Counts touches, to see where the dispatcher touches its watchdog. */
class CountingWatchDog implements WatchDog {
  touches = 0;
  stopped = false;
  touch(): void {
    this.touches++;
  }
  stopWatching(): void {
    this.stopped = true;
  }
}

describe('Dispatcher.post', () => {
  it('runs callbacks in posting order, after the posting code returns', async () => {
    const { dispatcher } = quietDispatcher();
    const order: number[] = [];
    for (let i = 0; i < 100; i++) dispatcher.post(() => order.push(i));
    expect(order).toEqual([]);
    await drained(dispatcher);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('runs a whole batch in one run, in the same loop iteration', async () => {
    const { dispatcher } = quietDispatcher();
    const before = dispatcher.counters();
    const seen: boolean[] = [];
    let otherImmediateRan = false;
    for (let i = 0; i < 50; i++) dispatcher.post(() => seen.push(otherImmediateRan));
    // Queued after the dispatcher's run: if the batch were split across iterations, later
    // callbacks would see it.
    setImmediate(() => {
      otherImmediateRan = true;
    });
    await drained(dispatcher);
    expect(seen).toHaveLength(50);
    expect(seen.every((ran) => ran === false)).toBe(true);
    const after = dispatcher.counters();
    // The 50 posts plus drained()'s own one, in a single run.
    expect(after.postRuns - before.postRuns).toBe(1);
    expect(after.postCallbacks - before.postCallbacks).toBe(51);
  });

  it('runs a callback posted during a run in the next run, a later loop iteration', async () => {
    const { dispatcher } = quietDispatcher();
    const log: string[] = [];
    let runsAtOuter = 0;
    let runsAtInner = 0;
    const done = new Promise<void>((resolve) => {
      dispatcher.post(() => {
        runsAtOuter = dispatcher.counters().postRuns;
        // This immediate is queued for the next iteration before the dispatcher's next run is:
        // it runs first only if the inner post waits for the next iteration.
        setImmediate(() => log.push('immediate'));
        dispatcher.post(() => {
          runsAtInner = dispatcher.counters().postRuns;
          log.push('inner');
          resolve();
        });
        log.push('outer');
      });
    });
    await withTimeout(done, 2000, 'inner post');
    expect(log).toEqual(['outer', 'immediate', 'inner']);
    expect(runsAtInner).toBe(runsAtOuter + 1);
  });

  it('reports a throwing callback, counts it, and runs the rest', async () => {
    const { dispatcher, errors } = quietDispatcher('thrower');
    const ran: number[] = [];
    dispatcher.post(() => ran.push(1));
    dispatcher.post(() => {
      throw new Error('post failed on purpose');
    });
    dispatcher.post(() => ran.push(3));
    await drained(dispatcher);
    expect(ran).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    expect((errors[0]?.error as Error | undefined)?.message).toBe('post failed on purpose');
    expect(errors[0]?.context).toEqual({ dispatcher: 'thrower', source: 'post' });
    expect(dispatcher.counters().callbackErrors).toBe(1);
  });

  it('logs caught errors with console.error by default', async () => {
    const dispatcher = createDispatcher({ name: 'loud' });
    const original = console.error;
    const lines: unknown[][] = [];
    console.error = (...args: unknown[]) => lines.push(args);
    try {
      dispatcher.post(() => {
        throw new Error('logged on purpose');
      });
      await drained(dispatcher);
    } finally {
      console.error = original;
    }
    expect(lines).toHaveLength(1);
    expect(String(lines[0]?.[0])).toContain('dispatcher loud: post callback threw');
    expect((lines[0]?.[1] as Error | undefined)?.message).toBe('logged on purpose');
  });

  it('drops each callback before running the next', async () => {
    const { dispatcher } = quietDispatcher();
    const gc = exposedGc();
    // The first callback is referenced only by the queue; by the time the second one runs, the
    // dispatcher must have let go of it, so a full collection reclaims it.
    let first: (() => void) | undefined = () => {};
    const firstRef = new WeakRef(first);
    dispatcher.post(first);
    first = undefined;
    let collected: boolean | undefined;
    dispatcher.post(() => {
      gc();
      collected = firstRef.deref() === undefined;
    });
    await drained(dispatcher);
    expect(collected).toBe(true);
  });

  it('touches the watchdog before each callback', async () => {
    const { dispatcher } = quietDispatcher();
    const watchdog = new CountingWatchDog();
    dispatcher.registerWatchdog(watchdog, 60_000);
    const touchesAtStart = watchdog.touches;
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) dispatcher.post(() => seen.push(watchdog.touches));
    await drained(dispatcher);
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => touchesAtStart + n));
  });

  it('touches the watchdog on a timer while idle', async () => {
    const { dispatcher } = quietDispatcher();
    const watchdog = new CountingWatchDog();
    dispatcher.registerWatchdog(watchdog, 5);
    await waitFor(() => watchdog.touches >= 4, { what: 'idle touches', timeoutMs: 2000 });
    dispatcher.exit();
    await new Promise<void>((resolve) => dispatcher.onExit(resolve));
    expect(watchdog.stopped).toBe(true);
  });
});

describe('Dispatcher.deferredDelete', () => {
  it('deletes before the next post callbacks run, after the current stack unwinds', async () => {
    const { dispatcher } = quietDispatcher();
    const log: string[] = [];
    const connection = {
      deleteIsPending: () => log.push('deleteIsPending'),
      onDeferredDelete: () => log.push('deleted'),
    };
    dispatcher.post(() => log.push('post callback'));
    dispatcher.deferredDelete(connection);
    log.push('caller still running');
    await drained(dispatcher);
    expect(log).toEqual(['deleteIsPending', 'caller still running', 'deleted', 'post callback']);
  });

  it('deletes what a post callback deferred at the end of the same run', async () => {
    const { dispatcher } = quietDispatcher();
    const log: string[] = [];
    dispatcher.post(() => {
      dispatcher.deferredDelete({ onDeferredDelete: () => log.push('deleted') });
      log.push('first');
    });
    dispatcher.post(() => log.push('second'));
    setImmediate(() => log.push('next iteration'));
    await drained(dispatcher);
    await nextImmediate();
    expect(log).toEqual(['first', 'second', 'deleted', 'next iteration']);
  });

  it('defers objects deleted during a clear to the next clear', async () => {
    const { dispatcher } = quietDispatcher();
    const log: string[] = [];
    const inner = { onDeferredDelete: () => log.push('inner deleted') };
    dispatcher.deferredDelete({
      onDeferredDelete: () => {
        log.push('outer deleted');
        dispatcher.deferredDelete(inner);
        dispatcher.clearDeferredDeleteList(); // re-entrant: must not delete inner now
        log.push('outer done');
      },
    });
    dispatcher.clearDeferredDeleteList();
    expect(log).toEqual(['outer deleted', 'outer done']);
    dispatcher.clearDeferredDeleteList();
    expect(log).toEqual(['outer deleted', 'outer done', 'inner deleted']);
  });

  it('reports a throwing onDeferredDelete and deletes the others', () => {
    const { dispatcher, errors } = quietDispatcher();
    const log: string[] = [];
    dispatcher.deferredDelete({
      onDeferredDelete: () => {
        throw new Error('delete failed on purpose');
      },
    });
    dispatcher.deferredDelete({ onDeferredDelete: () => log.push('second deleted') });
    dispatcher.clearDeferredDeleteList();
    expect(log).toEqual(['second deleted']);
    expect(errors.map((e) => e.context.source)).toEqual(['deferredDelete']);
  });
});

describe('Dispatcher.exit', () => {
  it('runs what is queued, then stops taking posts and calls onExit', async () => {
    const { dispatcher } = quietDispatcher('exiting');
    const log: string[] = [];
    dispatcher.post(() => log.push('queued before exit'));
    dispatcher.exit();
    dispatcher.post(() => log.push('queued after exit, before the last run'));
    const exited = new Promise<void>((resolve) => dispatcher.onExit(resolve));
    await withTimeout(exited, 2000, 'exit');
    expect(dispatcher.exited).toBe(true);
    expect(log).toEqual(['queued before exit', 'queued after exit, before the last run']);
    dispatcher.post(() => log.push('dropped'));
    await nextImmediate();
    await nextImmediate();
    expect(log).toHaveLength(2);
    expect(dispatcher.counters().droppedAfterExit).toBe(1);
    expect(() => dispatcher.createHandle()).toThrow(
      expect.objectContaining({ code: DispatcherErrorCode.Exited }),
    );
    let called = false;
    dispatcher.onExit(() => {
      called = true;
    });
    expect(called).toBe(true);
  });

  it('drops timers that fire after exit', async () => {
    const { dispatcher } = quietDispatcher();
    let fired = false;
    const timer = dispatcher.createTimer(() => {
      fired = true;
    });
    timer.enableTimer(20);
    dispatcher.exit();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fired).toBe(false);
    expect(dispatcher.counters().droppedAfterExit).toBe(1);
  });
});

describe('Dispatcher basics', () => {
  it('names itself and reports its thread', () => {
    const dispatcher = createDispatcher();
    expect(dispatcher.name).toBe(threadId === 0 ? 'main_thread' : `thread_${threadId}`);
    expect(dispatcher.threadId).toBe(threadId);
    expect(dispatcher.isThreadSafe()).toBe(true);
    expect(createDispatcher({ name: 'worker_7' }).name).toBe('worker_7');
  });

  it('hands out monotonic and system time', () => {
    const { timeSource } = createDispatcher();
    const a = timeSource.monotonicTime();
    const b = timeSource.monotonicTime();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(timeSource.systemTime() - Date.now())).toBeLessThan(1000);
  });

  it('rejects a duplicate or empty handler name, and frees a name on unregister', () => {
    const { dispatcher } = quietDispatcher('handlers');
    dispatcher.registerHandler('snapshot', () => {});
    expect(() => dispatcher.registerHandler('snapshot', () => {})).toThrow(
      expect.objectContaining({
        code: DispatcherErrorCode.HandlerExists,
        message: expect.stringContaining('"snapshot"'),
      }),
    );
    expect(() => dispatcher.registerHandler('', () => {})).toThrow(
      expect.objectContaining({ code: DispatcherErrorCode.InvalidArgument }),
    );
    expect(() => dispatcher.registerHandler('nuncio.loopStats', () => {})).toThrow(
      expect.objectContaining({ code: DispatcherErrorCode.HandlerExists }),
    );
    expect(dispatcher.unregisterHandler('snapshot')).toBe(true);
    expect(dispatcher.unregisterHandler('snapshot')).toBe(false);
    dispatcher.registerHandler('snapshot', () => {});
  });

  it('reports loop utilisation and delay, and starts over on reset', async () => {
    const dispatcher = createDispatcher({ name: 'stats', loopDelayResolutionMs: 5 });
    // Keep the loop busy for a while, in slices, so the delay monitor gets samples.
    for (let i = 0; i < 6; i++) {
      const end = performance.now() + 15;
      while (performance.now() < end) {
        // busy
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const stats = dispatcher.loopStats();
    expect(stats.dispatcher).toBe('stats');
    expect(stats.utilization).toBeGreaterThan(0);
    expect(stats.utilization).toBeLessThanOrEqual(1);
    expect(stats.activeMs).toBeGreaterThan(0);
    expect(stats.delay?.count).toBeGreaterThan(0);
    expect(stats.delay?.maxMs).toBeGreaterThan(5);
    expect(stats.delay?.p99Ms).toBeGreaterThanOrEqual(stats.delay?.p50Ms ?? Number.NaN);
    dispatcher.resetLoopStats();
    const fresh = dispatcher.loopStats();
    expect(fresh.activeMs).toBeLessThan(stats.activeMs);
    expect(fresh.delay?.count).toBe(0);
    expect(createDispatcher({ monitorLoopDelay: false }).loopStats().delay).toBeNull();
  });
});
