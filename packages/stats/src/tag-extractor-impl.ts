// The three kinds of tag extractor Envoy has: a regex whose first capture group is removed from
// the name and whose second is the value, a dot-token pattern (`cluster.$.**`), and a fixed tag.
import type { Tag } from './tag.ts';
import type { TagExtractionContext, TagExtractor } from './tag-extractor.ts';

/**
 * The literal first token of an anchored regex (`^cluster\.` gives `cluster`), or `''`. Follows
 * Envoy's rule: the token must be followed by an escaped dot, a `(?=\.)` look-ahead, or be the
 * whole pattern before `$`.
 */
export function regexPrefixToken(regex: string): string {
  if (!regex.startsWith('^')) return '';
  let i = 1;
  while (i < regex.length && /[A-Za-z0-9_]/.test(regex[i] as string)) i++;
  if (i === 1 || i === regex.length) return '';
  const rest = regex.slice(i);
  const lastChar = i === regex.length - 1;
  if (
    (!lastChar && (rest.startsWith('\\.') || rest.startsWith('(?=\\.)'))) ||
    (lastChar && rest === '$')
  ) {
    return regex.slice(1, i);
  }
  return '';
}

/**
 * A regex extractor: the pattern is searched anywhere in the name; capture group 1 is the text to
 * remove, capture group 2 (group 1 when absent or empty) the tag value. `substr` is a cheap
 * pre-check (the name must contain it), `negativeMatch` a value that is never taken as a tag.
 */
export class RegexTagExtractor implements TagExtractor {
  readonly name: string;
  readonly prefixToken: string;
  private readonly regex: RegExp;
  private readonly substr: string;
  private readonly negativeMatch: string;

  constructor(name: string, regex: string, substr = '', negativeMatch = '') {
    this.name = name;
    // `d` gives capture-group positions, so the removed range is exact even when group 1's text
    // also occurs earlier in the name.
    this.regex = new RegExp(regex, 'd');
    this.prefixToken = regexPrefixToken(regex);
    this.substr = substr;
    this.negativeMatch = negativeMatch;
  }

  extractTag(context: TagExtractionContext, tags: Tag[], remove: number[]): boolean {
    const statName = context.name;
    if (this.substr.length > 0 && !statName.includes(this.substr)) return false;
    const match = this.regex.exec(statName);
    if (match === null) return false;
    const removed = match[1];
    if (removed === undefined || removed.length === 0) return false;
    const captured = match[2];
    const value = captured === undefined || captured.length === 0 ? removed : captured;
    if (this.negativeMatch.length > 0 && value === this.negativeMatch) return false;
    // The `d` flag guarantees `indices`; group 1 matched, so its range exists.
    const start = (match.indices as RegExpIndicesArray)[1]?.[0] ?? match.index;
    tags.push({ name: this.name, value });
    remove.push(start, start + removed.length);
    return true;
  }
}

/**
 * A token extractor (Envoy's `addTokenized`): the pattern is dot-separated tokens where a literal
 * must equal the name's token, `*` matches one token, `**` any number of tokens (at least one when
 * last), and `$` matches one token that becomes the tag value. The value and one adjacent dot are
 * removed from the name.
 */
export class TokenTagExtractor implements TagExtractor {
  readonly name: string;
  readonly prefixToken: string;
  private readonly pattern: readonly string[];
  private readonly matchIndex: number;
  // Results of the last search, kept in fields so the recursion allocates nothing.
  private foundStart: number;
  private foundToken: number;

  constructor(name: string, pattern: string) {
    this.name = name;
    this.pattern = pattern.split('.');
    this.matchIndex = this.pattern.indexOf('$');
    const first = this.pattern[0] ?? '';
    this.prefixToken = first === '$' || first === '*' || first === '**' ? '' : first;
    this.foundStart = 0;
    this.foundToken = -1;
  }

  extractTag(context: TagExtractionContext, tags: Tag[], remove: number[]): boolean {
    const tokens = context.tokens();
    this.foundToken = -1;
    if (this.matchIndex < 0 || !this.search(tokens, 0, 0, 0)) return false;
    const value = tokens[this.foundToken] as string;
    let start = this.foundStart;
    let end = start + value.length;
    // Remove the dot after the value, or before it when the value is the last token.
    if (this.foundToken < tokens.length - 1) end++;
    else if (start > 0) start--;
    tags.push({ name: this.name, value });
    remove.push(start, end);
    return true;
  }

  private search(
    tokens: readonly string[],
    input: number,
    pat: number,
    charIndex: number,
  ): boolean {
    const pattern = this.pattern;
    let i = input;
    let p = pat;
    let chars = charIndex;
    for (; i < tokens.length && p < pattern.length; i++, p++) {
      const token = tokens[i] as string;
      if (p === this.matchIndex) {
        this.foundStart = chars;
        this.foundToken = i;
        chars += token.length + 1;
        continue;
      }
      const expected = pattern[p] as string;
      if (expected === '**') {
        if (p === pattern.length - 1) return true;
        // `**` before more pattern: try every suffix of the name for the rest of the pattern.
        for (let j = i; j < tokens.length; j++) {
          if (this.search(tokens, j, p + 1, chars)) return true;
          chars += (tokens[j] as string).length + 1;
        }
        return false;
      }
      if (expected !== '*' && expected !== token) return false;
      chars += token.length + 1;
    }
    return p === pattern.length && i === tokens.length;
  }
}

/** A tag with a fixed value added to every stat (Envoy's `fixed_value` tag specifier). */
export class FixedTagExtractor implements TagExtractor {
  readonly name: string;
  readonly prefixToken = '';
  private readonly value: string;

  constructor(name: string, value: string) {
    this.name = name;
    this.value = value;
  }

  extractTag(_context: TagExtractionContext, tags: Tag[]): boolean {
    tags.push({ name: this.name, value: this.value });
    return true;
  }
}
