import type { CallbackSource } from './dispatcher.ts';
import { invalidArgumentError } from './errors.ts';
import type { Timer, TimerCallback } from './timer.ts';

/** What timers and schedulable callbacks need from their dispatcher. */
export interface CallbackRunner {
  /** Runs `callback` as a dispatcher callback: watchdog touched, errors caught and reported. */
  runCallback(callback: () => void, source: CallbackSource): void;
}

// Node clamps longer delays to 1 ms with a warning; an Envoy timer of 25 days is a config mistake.
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * A timer over one Node `Timeout`. Re-arming with the same duration (the usual idle-timeout pattern)
 * reuses the `Timeout` through `refresh()`, so the hot path allocates nothing.
 */
export class TimerImpl implements Timer {
  private readonly runner: CallbackRunner;
  private readonly callback: TimerCallback;
  private readonly fireBound: () => void;
  private timeout: NodeJS.Timeout | null;
  private durationMs: number;
  private armed: boolean;

  constructor(runner: CallbackRunner, callback: TimerCallback) {
    this.runner = runner;
    this.callback = callback;
    this.fireBound = this.fire.bind(this);
    this.timeout = null;
    this.durationMs = -1;
    this.armed = false;
  }

  enableTimer(ms: number): void {
    if (!(ms >= 0 && ms <= MAX_TIMEOUT_MS)) {
      throw invalidArgumentError('enableTimer(ms)', ms, `a number from 0 to ${MAX_TIMEOUT_MS}`);
    }
    if (this.timeout !== null && ms === this.durationMs) {
      // refresh() restarts the countdown, and re-arms a Timeout that has already fired.
      this.timeout.refresh();
    } else {
      if (this.timeout !== null) clearTimeout(this.timeout);
      this.timeout = setTimeout(this.fireBound, ms);
      this.durationMs = ms;
    }
    this.armed = true;
  }

  disableTimer(): void {
    if (this.timeout !== null) {
      clearTimeout(this.timeout);
      this.timeout = null;
    }
    this.armed = false;
  }

  enabled(): boolean {
    return this.armed;
  }

  private fire(): void {
    this.armed = false;
    this.runner.runCallback(this.callback, 'timer');
  }
}
