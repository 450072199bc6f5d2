import { invalidConfigError } from './errors.ts';
import type { Tag, TagExtraction } from './tag.ts';
import { TagExtractionContext, type TagExtractor } from './tag-extractor.ts';
import { FixedTagExtractor, RegexTagExtractor, TokenTagExtractor } from './tag-extractor-impl.ts';
import { defaultRegexTagDescriptors, defaultTokenTagDescriptors } from './well-known-tags.ts';

/**
 * One entry of the bootstrap's `stats_config.stats_tags` (`envoy.config.metrics.v3.TagSpecifier`),
 * decoded: a tag with a custom regex, a fixed value, or neither (which turns on Envoy's default
 * extractors of that name).
 */
export interface TagSpecifier {
  readonly tagName: string;
  /** Searched in the name: capture group 1 is removed, group 2 (or 1) is the value. */
  readonly regex?: string;
  /** Adds this tag, with this value, to every stat. */
  readonly fixedValue?: string;
}

/** The tag-related part of `stats_config`. */
export interface TagProducerConfig {
  readonly statsTags?: readonly TagSpecifier[];
  /** Use Envoy's default extractors (default true). */
  readonly useAllDefaultTags?: boolean;
}

/**
 * Turns stat names into a tag-extracted name plus tags, as Envoy's `TagProducerImpl` does: every
 * extractor sees the original name, each tag name is produced at most once, and the character
 * ranges the extractors matched are removed at the end.
 */
export class TagProducer {
  private readonly withoutPrefix: TagExtractor[];
  private readonly byPrefix: Map<string, TagExtractor[]>;

  constructor(config: TagProducerConfig = {}) {
    this.withoutPrefix = [];
    this.byPrefix = new Map();
    if (config.useAllDefaultTags !== false) {
      for (const d of defaultRegexTagDescriptors) {
        this.add(new RegexTagExtractor(d.name, d.regex, d.substr, d.negativeMatch));
      }
      for (const d of defaultTokenTagDescriptors)
        this.add(new TokenTagExtractor(d.name, d.pattern));
    }
    const specifiers = config.statsTags ?? [];
    for (const [i, specifier] of specifiers.entries()) {
      this.addSpecifier(specifier, `stats_config.stats_tags[${i}]`);
    }
  }

  /** Splits `name` into its tag-extracted name and tags. */
  produceTags(name: string): TagExtraction {
    const context = new TagExtractionContext(name);
    const tags: Tag[] = [];
    const remove: number[] = [];
    this.run(this.withoutPrefix, context, tags, remove);
    const dot = name.indexOf('.');
    if (dot > 0) {
      const list = this.byPrefix.get(name.slice(0, dot));
      if (list !== undefined) this.run(list, context, tags, remove);
    }
    return { tagExtractedName: removeRanges(name, remove), tags };
  }

  private run(
    list: readonly TagExtractor[],
    context: TagExtractionContext,
    tags: Tag[],
    remove: number[],
  ): void {
    for (const extractor of list) {
      // A tag name is produced once: the first extractor of that name that matches wins.
      if (tags.some((tag) => tag.name === extractor.name)) continue;
      extractor.extractTag(context, tags, remove);
    }
  }

  private add(extractor: TagExtractor): void {
    if (extractor.prefixToken.length === 0) {
      this.withoutPrefix.push(extractor);
      return;
    }
    const list = this.byPrefix.get(extractor.prefixToken);
    if (list === undefined) this.byPrefix.set(extractor.prefixToken, [extractor]);
    else list.push(extractor);
  }

  private addSpecifier(specifier: TagSpecifier, path: string): void {
    if (typeof specifier !== 'object' || specifier === null) {
      throw invalidConfigError(path, 'must be an object with tagName and regex or fixedValue');
    }
    const { tagName, regex, fixedValue } = specifier;
    if (typeof tagName !== 'string' || tagName.length === 0) {
      throw invalidConfigError(`${path}.tag_name`, 'must be a non-empty string');
    }
    if (regex !== undefined && fixedValue !== undefined) {
      throw invalidConfigError(path, 'regex and fixed_value are exclusive');
    }
    if (fixedValue !== undefined) {
      if (typeof fixedValue !== 'string') {
        throw invalidConfigError(`${path}.fixed_value`, 'must be a string');
      }
      this.add(new FixedTagExtractor(tagName, fixedValue));
      return;
    }
    if (regex === undefined || regex === '') {
      // No regex: Envoy's default extractors of that name (useful with use_all_default_tags false).
      let found = 0;
      for (const d of defaultRegexTagDescriptors) {
        if (d.name !== tagName) continue;
        this.add(new RegexTagExtractor(d.name, d.regex, d.substr, d.negativeMatch));
        found++;
      }
      for (const d of defaultTokenTagDescriptors) {
        if (d.name !== tagName) continue;
        this.add(new TokenTagExtractor(d.name, d.pattern));
        found++;
      }
      if (found === 0) {
        throw invalidConfigError(
          path,
          `no regex given and no default extractor is named "${tagName}"`,
        );
      }
      return;
    }
    if (typeof regex !== 'string') throw invalidConfigError(`${path}.regex`, 'must be a string');
    let extractor: RegexTagExtractor;
    try {
      extractor = new RegexTagExtractor(tagName, regex);
    } catch (error) {
      throw invalidConfigError(`${path}.regex`, `invalid regex: ${(error as Error).message}`);
    }
    this.add(extractor);
  }
}

/** `name` without the `[start, end)` ranges listed pairwise in `remove` (ranges may overlap). */
function removeRanges(name: string, remove: number[]): string {
  if (remove.length === 0) return name;
  const ranges: [number, number][] = [];
  for (let i = 0; i < remove.length; i += 2)
    ranges.push([remove[i] as number, remove[i + 1] as number]);
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let cursor = 0;
  for (const [start, end] of ranges) {
    if (start > cursor) out += name.slice(cursor, start);
    if (end > cursor) cursor = end;
  }
  return out + name.slice(cursor);
}
