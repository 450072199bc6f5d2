import type { Tag } from './tag.ts';

/** What every stat has: its full name, its tags and whether it was ever written. */
export interface Metric {
  /** The full dotted name, e.g. `cluster.backend.upstream_cx_total`; `''` for a null stat. */
  readonly name: string;
  /** The name with tag values removed, e.g. `cluster.upstream_cx_total` (computed on first use). */
  tagExtractedName(): string;
  /** The tags extracted from the name (computed on first use). */
  tags(): readonly Tag[];
  /** True once the stat was incremented, set or recorded into (Envoy's `used()`). */
  used(): boolean;
}
