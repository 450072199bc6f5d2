/** A uniformly random integer from 0 to `n - 1`. */
export function randomIndex(n: number): number {
  return Math.floor(Math.random() * n);
}

/** A uniformly random unsigned 64-bit value. */
export function random64(): bigint {
  const high = Math.floor(Math.random() * 0x100000000);
  const low = Math.floor(Math.random() * 0x100000000);
  return (BigInt(high) << 32n) | BigInt(low);
}
