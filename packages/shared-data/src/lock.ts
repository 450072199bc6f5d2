// A mutex in one 32-bit word of shared memory, futex style: 0 is free, otherwise the word holds
// the owner's handle id (1..65535) plus a WAITERS bit set by threads that sleep on it. Keeping the
// owner in the word is what lets recovery tell which locks a terminated thread held and take them
// over. The uncontended path is one compareExchange to take and one to give back.

/** Set in a lock word while some thread may be sleeping in Atomics.wait on it. */
export const WAITERS = 0x40000000;
/** The owner's handle id in a lock word. */
export const OWNER_MASK = 0xffff;

// Spins before sleeping: a holder normally leaves within a microsecond, and a futex sleep costs
// tens of microseconds. Kept short because the machine may have fewer cores than threads.
const SPINS = 64;
// Sleep in slices so a waiter re-checks its deadline even if a notify is lost to a dead thread.
const WAIT_SLICE_MS = 50;

/**
 * Takes the lock at `at` for `owner`, waiting at most `timeoutMs`; false when the time ran out
 * (the holder is stuck or dead and nobody has recovered it).
 */
export function acquireLock(
  i32: Int32Array,
  at: number,
  owner: number,
  timeoutMs: number,
): boolean {
  if (Atomics.compareExchange(i32, at, 0, owner) === 0) return true;
  return acquireSlow(i32, at, owner, timeoutMs);
}

function acquireSlow(i32: Int32Array, at: number, owner: number, timeoutMs: number): boolean {
  for (let spin = 0; spin < SPINS; spin++) {
    if (Atomics.load(i32, at) === 0 && Atomics.compareExchange(i32, at, 0, owner) === 0) {
      return true;
    }
  }
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let seen = Atomics.load(i32, at);
    if (seen === 0) {
      // Others may still be asleep on the word, so take it with WAITERS set: the release then
      // wakes the next one.
      if (Atomics.compareExchange(i32, at, 0, owner | WAITERS) === 0) return true;
      continue;
    }
    if ((seen & WAITERS) === 0) {
      const was = Atomics.compareExchange(i32, at, seen, seen | WAITERS);
      if (was !== seen) continue;
      seen |= WAITERS;
    }
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(i32, at, seen, Math.min(left, WAIT_SLICE_MS));
  }
}

/** Gives back the lock at `at`, held by `owner`, waking one sleeper if there may be one. */
export function releaseLock(i32: Int32Array, at: number, owner: number): void {
  if (Atomics.compareExchange(i32, at, owner, 0) !== owner) {
    Atomics.store(i32, at, 0);
    Atomics.notify(i32, at, 1);
  }
}

/**
 * Takes the lock at `at` for `owner` like {@link acquireLock}, except that a lock held by one of
 * `dead` (owner ids of threads that have exited) is taken over at once. Returns the id of the dead
 * owner it took the lock from, 0 when the lock was free or released normally, or -1 on timeout.
 */
export function acquireOrSteal(
  i32: Int32Array,
  at: number,
  owner: number,
  dead: ReadonlySet<number>,
  timeoutMs: number,
): number {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const seen = Atomics.load(i32, at);
    if (seen === 0) {
      if (Atomics.compareExchange(i32, at, 0, owner | WAITERS) === 0) return 0;
      continue;
    }
    const holder = seen & OWNER_MASK;
    if (dead.has(holder)) {
      // Keep WAITERS: live threads may be asleep on the word and must be woken at release.
      if (Atomics.compareExchange(i32, at, seen, owner | WAITERS) === seen) return holder;
      continue;
    }
    if ((seen & WAITERS) === 0 && Atomics.compareExchange(i32, at, seen, seen | WAITERS) !== seen) {
      continue;
    }
    const left = deadline - performance.now();
    if (left <= 0) return -1;
    Atomics.wait(i32, at, seen | WAITERS, Math.min(left, WAIT_SLICE_MS));
  }
}
