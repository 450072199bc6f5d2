/**
 * Reclamation epochs count modulo a multiple of 3 (limbo bags are indexed by epoch % 3, and
 * consecutive epochs must land in different bags even when the count wraps) small enough that
 * (epoch << 1) | 1 stays a positive int32.
 */
export const EPOCH_MOD = 3 * (1 << 28);

/** How many epochs `later` is after `earlier`, modulo EPOCH_MOD. */
export function epochsBetween(earlier: number, later: number): number {
  return (later - earlier + EPOCH_MOD) % EPOCH_MOD;
}
