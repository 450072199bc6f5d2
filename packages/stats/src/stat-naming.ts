// How a stat object finds its tags without holding the tag producer itself (internal).
import type { TagExtraction } from './tag.ts';

/** Gives the tag extraction of a full stat name; the store implements it with a cache. */
export interface StatNaming {
  tagExtraction(name: string): TagExtraction;
}

const EMPTY: TagExtraction = Object.freeze({ tagExtractedName: '', tags: Object.freeze([]) });

/** The extraction of a null stat's empty name. */
export function emptyTagExtraction(): TagExtraction {
  return EMPTY;
}
