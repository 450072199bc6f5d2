/**
 * Reclamation epochs count modulo 2^30. Limbo bags are indexed by epoch & BAG_MASK: four bags, so
 * that the bag an epoch reuses held entries four epochs old, always free to go.
 */
export const EPOCH_MASK = (1 << 30) - 1;
export const BAGS = 4;
export const BAG_MASK = BAGS - 1;

/** How many epochs `later` is after `earlier`, modulo 2^30. */
export function epochsBetween(earlier: number, later: number): number {
  return (later - earlier) & EPOCH_MASK;
}
