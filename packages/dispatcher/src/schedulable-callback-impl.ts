import type { SchedulableCallback } from './schedulable-callback.ts';

/** Values of {@link SchedulableCallbackImpl.pending}. */
export const Pending = { None: 0, CurrentIteration: 1, NextIteration: 2 } as const;
export type Pending = (typeof Pending)[keyof typeof Pending];

/** What a schedulable callback needs from its dispatcher. */
export interface IterationScheduler {
  scheduleCurrentIteration(callback: SchedulableCallbackImpl): void;
  scheduleNextIteration(callback: SchedulableCallbackImpl): void;
}

/**
 * A schedulable callback. The dispatcher keeps two lists (this iteration, a later one); `pending`
 * says which list the callback is live in. Cancelling only clears `pending`: the stale list entry
 * is skipped when the list is processed, so cancel and reschedule cost no list search.
 */
export class SchedulableCallbackImpl implements SchedulableCallback {
  readonly callback: () => void;
  /** Which list the callback is live in. */
  pending: Pending;
  /** For `NextIteration`: the dispatcher run from which on it is due. */
  dueRun: number;
  private readonly scheduler: IterationScheduler;

  constructor(scheduler: IterationScheduler, callback: () => void) {
    this.scheduler = scheduler;
    this.callback = callback;
    this.pending = Pending.None;
    this.dueRun = 0;
  }

  scheduleCallbackCurrentIteration(): void {
    if (this.pending !== Pending.None) return;
    this.scheduler.scheduleCurrentIteration(this);
  }

  scheduleCallbackNextIteration(): void {
    if (this.pending !== Pending.None) return;
    this.scheduler.scheduleNextIteration(this);
  }

  cancel(): void {
    this.pending = Pending.None;
  }

  enabled(): boolean {
    return this.pending !== Pending.None;
  }
}
