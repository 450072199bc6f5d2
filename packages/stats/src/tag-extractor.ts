// The contract every tag extractor meets (internal: users configure extractors through
// `stats_tags`, not by implementing this).
import type { Tag } from './tag.ts';

/** The name being tagged, with its dot-separated tokens split once and shared by extractors. */
export class TagExtractionContext {
  readonly name: string;
  private tokenList: string[] | null;

  constructor(name: string) {
    this.name = name;
    this.tokenList = null;
  }

  /** The name split on `.`, computed on first use. */
  tokens(): readonly string[] {
    if (this.tokenList === null) this.tokenList = this.name.split('.');
    return this.tokenList;
  }
}

/**
 * Pulls one tag out of a stat name. Every extractor sees the original name (never a name another
 * extractor already shortened), so the order extractors run in does not change the result.
 */
export interface TagExtractor {
  /** The tag's name, e.g. `envoy.cluster_name`. */
  readonly name: string;
  /**
   * The first token a name must have for this extractor to apply (`cluster` for
   * `^cluster\.…`), or `''` when it applies to every name. Lets the producer skip extractors.
   */
  readonly prefixToken: string;
  /**
   * When the name matches, appends the tag to `tags`, appends the `[start, end)` character range
   * to remove from the name to `remove` (as two numbers) and returns true.
   */
  extractTag(context: TagExtractionContext, tags: Tag[], remove: number[]): boolean;
}
