// Exact balancing over shared memory. Envoy picks under a mutex; here a pick is a compare-and-swap
// on the chosen worker's count, retried when another worker changed that count meanwhile. It gives
// the same guarantee (a pick commits only if the chosen count is still the one that made it the
// smallest, and counts only grow between a scan and its commit through other picks, which the CAS
// sees), and no thread ever waits on another: a worker that dies in the middle of a pick cannot
// leave a lock held that every other worker's accept would then spin on.
import type { ConnectionBalancer } from './connection-balancer.ts';
import { invalidArgument } from './errors.ts';

/** Word 0: an open-connection counter (see `createCounters`); then the counts, then the flags. */
const HEADER_WORDS = 1;

/**
 * Envoy's `ExactConnectionBalancerImpl` (`connection_balance_config.exact_balance`): each
 * accepted connection goes to the registered worker with the fewest connections of this
 * listener. Ties go to the worker that accepted it, which then keeps it without a hand-off.
 * Counts are "nearly exact" as in Envoy: a connection closing during a pick is seen by the next.
 */
export class ExactConnectionBalancer implements ConnectionBalancer {
  /** How many workers the counters have room for. */
  readonly workers: number;
  private readonly words: Int32Array;

  /** `counters` comes from {@link ExactConnectionBalancer.createCounters}, shared by every worker. */
  constructor(counters: SharedArrayBuffer) {
    const words = counters.byteLength / 4;
    const workers = (words - HEADER_WORDS) / 2;
    if (!(counters instanceof SharedArrayBuffer) || !Number.isInteger(workers) || workers < 1) {
      throw invalidArgument(
        'connection balance counters',
        counters,
        'a SharedArrayBuffer made by ExactConnectionBalancer.createCounters()',
      );
    }
    this.workers = workers;
    this.words = new Int32Array(counters);
  }

  /**
   * Shared counters for `workers` workers, for the listener's `ListenerOptions`. Their first
   * word is an open-connection counter that the listener's connection limit uses when it is
   * given no `connectionCounter` of its own: a connection handed to another worker must be
   * counted against one limit shared by both.
   */
  static createCounters(workers: number): SharedArrayBuffer {
    if (!Number.isInteger(workers) || workers < 1) {
      throw invalidArgument('ExactConnectionBalancer workers', workers, 'an integer, 1 or more');
    }
    return new SharedArrayBuffer(4 * (HEADER_WORDS + 2 * workers));
  }

  registerHandler(index: number): void {
    Atomics.store(this.words, this.flagWord(index), 1);
  }

  unregisterHandler(index: number): void {
    Atomics.store(this.words, this.flagWord(index), 0);
  }

  pickTargetHandler(current: number): number {
    const words = this.words;
    const workers = this.workers;
    const currentWord = this.countWord(current);
    for (;;) {
      let best = currentWord;
      let fewest = Atomics.load(words, currentWord);
      for (let i = 0; i < workers; i++) {
        const word = HEADER_WORDS + i;
        if (word === currentWord || Atomics.load(words, HEADER_WORDS + workers + i) === 0) {
          continue;
        }
        const count = Atomics.load(words, word);
        if (count < fewest) {
          fewest = count;
          best = word;
        }
      }
      if (Atomics.compareExchange(words, best, fewest, fewest + 1) === fewest) {
        return best - HEADER_WORDS;
      }
    }
  }

  incNumConnections(index: number): void {
    Atomics.add(this.words, this.countWord(index), 1);
  }

  decNumConnections(index: number): void {
    Atomics.sub(this.words, this.countWord(index), 1);
  }

  numConnections(index: number): number {
    return Atomics.load(this.words, this.countWord(index));
  }

  /** Whether worker `index` is registered. */
  isRegistered(index: number): boolean {
    return Atomics.load(this.words, this.flagWord(index)) !== 0;
  }

  /**
   * Forgets worker `index` after its thread died: its connections died with it, so its count
   * goes back to 0, and it is not picked until its successor binds the listener again.
   */
  forgetHandler(index: number): void {
    Atomics.store(this.words, this.flagWord(index), 0);
    Atomics.store(this.words, this.countWord(index), 0);
  }

  private countWord(index: number): number {
    this.check(index);
    return HEADER_WORDS + index;
  }

  private flagWord(index: number): number {
    this.check(index);
    return HEADER_WORDS + this.workers + index;
  }

  private check(index: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < this.workers)) {
      throw invalidArgument('worker index', index, `an integer from 0 to ${this.workers - 1}`);
    }
  }
}
