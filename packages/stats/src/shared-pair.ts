// 64-bit unsigned values kept as two Uint32 words (low, high) in shared memory.

const TWO_32 = 4294967296;

/**
 * Reads the pair at `low` (high word at `low + 1`). Writers add to the low word first and carry
 * into the high word after, so a read can only ever come out low by 2^32 for the instant between
 * the two writes, never high; callers that need monotonic values keep the last one seen.
 */
export function readPair(words: Uint32Array, low: number): number {
  for (;;) {
    const high = Atomics.load(words, low + 1);
    const lowWord = Atomics.load(words, low);
    if (Atomics.load(words, low + 1) === high) return high * TWO_32 + lowWord;
  }
}

/** Atomically adds a non-negative integer `amount` (any size up to 2^53) to the pair at `low`. */
export function addPair(words: Uint32Array, low: number, amount: number): void {
  let high = Math.floor(amount / TWO_32);
  const lowPart = amount - high * TWO_32;
  if (Atomics.add(words, low, lowPart) + lowPart > 0xffffffff) high++;
  if (high !== 0) Atomics.add(words, low + 1, high);
}

export { TWO_32 };
