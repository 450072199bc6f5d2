// Wakes a queue's owner without polling. The owner thread waits on the queue's signal word with
// Atomics.waitAsync, which costs nothing while idle and does not keep the thread alive; a producer
// on any thread that finds the word at 0 sets it to 1 and calls Atomics.notify. The owner then
// posts the ready callback to its own dispatcher, so it runs in dispatcher order with the owner's
// other work. Chosen over a MessagePort because a producer needs nothing but the shared memory it
// already has (no port to find, no per-thread channel), and an enqueue into a queue that is already
// signalled costs one compareExchange and no message.

import { Q_SIGNAL } from './layout.ts';
import type { QueueDispatcher, QueueReadyOptions } from './shared-queue.ts';

/** What the waker asks the store about its queue. */
export interface QueueProbe {
  /** Items waiting and items ever dequeued, or null when the queue is gone or has another owner. */
  progress(token: number, owner: number): { count: number; dequeued: number } | null;
}

/** The owner side of one queue's wake-ups, living on the owner's thread. */
export class QueueWaker {
  readonly token: number;
  private readonly i32: Int32Array;
  private readonly signalAt: number;
  private readonly owner: number;
  private readonly probe: QueueProbe;
  private readonly onReady: (token: number) => void;
  private readonly dispatcher: QueueDispatcher | undefined;
  private active: boolean;
  /** Bound once so a wake-up allocates no closure. */
  private readonly onSignal: () => void;
  private readonly deliver: () => void;

  constructor(
    i32: Int32Array,
    slotAt: number,
    token: number,
    owner: number,
    probe: QueueProbe,
    ready: QueueReadyOptions,
  ) {
    this.token = token;
    this.i32 = i32;
    this.signalAt = slotAt + Q_SIGNAL;
    this.owner = owner;
    this.probe = probe;
    this.onReady = ready.onReady;
    this.dispatcher = ready.dispatcher;
    this.active = true;
    this.onSignal = () => this.signalled();
    this.deliver = () => this.delivery();
  }

  /** Waits for the next signal (or delivers at once if one is already set). */
  arm(): void {
    if (!this.active) return;
    const wait = Atomics.waitAsync(this.i32, this.signalAt, 0);
    if (wait.async) void wait.value.then(this.onSignal);
    else this.onSignal();
  }

  /** Stops for good: a pending wait ends quietly when it next resolves. */
  cancel(): void {
    this.active = false;
  }

  private signalled(): void {
    if (!this.active) return;
    if (this.dispatcher !== undefined) this.dispatcher.post(this.deliver);
    else setImmediate(this.deliver);
  }

  private delivery(): void {
    if (!this.active) return;
    const before = this.probe.progress(this.token, this.owner);
    if (before === null) {
      this.active = false;
      return;
    }
    // Clear before calling: an item enqueued from here on sets the word again and is not missed.
    Atomics.store(this.i32, this.signalAt, 0);
    try {
      this.onReady(this.token);
    } finally {
      const after = this.probe.progress(this.token, this.owner);
      if (after === null) this.active = false;
      else {
        // Items left after a call that took some: call again (one item per call still drains).
        if (after.count > 0 && after.dequeued !== before.dequeued) {
          Atomics.store(this.i32, this.signalAt, 1);
        }
        this.arm();
      }
    }
  }
}
