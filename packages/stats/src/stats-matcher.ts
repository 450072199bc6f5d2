import { invalidConfigError } from './errors.ts';
import { compileStringMatcher, type StringMatcher } from './string-matcher.ts';

/**
 * The bootstrap's `stats_config.stats_matcher` (`envoy.config.metrics.v3.StatsMatcher`), decoded:
 * reject every stat, or keep only the names an inclusion list matches, or drop the names an
 * exclusion list matches.
 */
export type StatsMatcherConfig =
  | { readonly rejectAll: boolean }
  | { readonly inclusionList: { readonly patterns: readonly StringMatcher[] } }
  | { readonly exclusionList: { readonly patterns: readonly StringMatcher[] } };

/** Decides, from its full name, whether a stat is created for real or as a no-op null stat. */
export class StatsMatcher {
  private readonly mode: 0 | 1 | 2 | 3;
  private readonly patterns: readonly ((value: string) => boolean)[];

  /** Validates `config` (throws naming the field) and compiles its patterns. */
  constructor(config?: StatsMatcherConfig) {
    const path = 'stats_config.stats_matcher';
    // Modes: 0 accept all, 1 reject all, 2 inclusion list, 3 exclusion list.
    if (config === undefined) {
      this.mode = 0;
      this.patterns = [];
      return;
    }
    if (typeof config !== 'object' || config === null) {
      throw invalidConfigError(path, 'must be an object');
    }
    const record = config as Record<string, unknown>;
    const kinds = ['rejectAll', 'inclusionList', 'exclusionList'].filter(
      (k) => record[k] !== undefined,
    );
    if (kinds.length !== 1) {
      throw invalidConfigError(
        path,
        'needs exactly one of reject_all, inclusion_list, exclusion_list',
      );
    }
    if (kinds[0] === 'rejectAll') {
      if (typeof record.rejectAll !== 'boolean') {
        throw invalidConfigError(`${path}.reject_all`, 'must be a boolean');
      }
      this.mode = record.rejectAll ? 1 : 0;
      this.patterns = [];
      return;
    }
    const inclusion = kinds[0] === 'inclusionList';
    const field = inclusion ? 'inclusion_list' : 'exclusion_list';
    const list = record[kinds[0] as string] as { patterns?: unknown };
    if (typeof list !== 'object' || list === null || !Array.isArray(list.patterns)) {
      throw invalidConfigError(`${path}.${field}.patterns`, 'must be a list of StringMatcher');
    }
    this.mode = inclusion ? 2 : 3;
    this.patterns = (list.patterns as StringMatcher[]).map((pattern, i) =>
      compileStringMatcher(pattern, `${path}.${field}.patterns[${i}]`),
    );
  }

  /** True when every name is accepted (the default), so callers can skip the check. */
  acceptsAll(): boolean {
    return this.mode === 0;
  }

  /** True when the stat named `name` must be a null stat. */
  rejects(name: string): boolean {
    switch (this.mode) {
      case 0:
        return false;
      case 1:
        return true;
      case 2:
        return !this.patterns.some((match) => match(name));
      default:
        return this.patterns.some((match) => match(name));
    }
  }
}
