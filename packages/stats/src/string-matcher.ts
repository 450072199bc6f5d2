import { invalidConfigError } from './errors.ts';

/**
 * Envoy's `envoy.type.matcher.v3.StringMatcher`, decoded: exactly one of `exact`, `prefix`,
 * `suffix`, `contains` or `safeRegex` (matched against the whole string, as RE2's full match).
 */
export type StringMatcher = (
  | { readonly exact: string }
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly contains: string }
  | { readonly safeRegex: { readonly regex: string } }
) & {
  /** Compare case-insensitively (ignored for `safeRegex`, as in Envoy). */
  readonly ignoreCase?: boolean;
};

const KINDS = ['exact', 'prefix', 'suffix', 'contains', 'safeRegex'] as const;

/**
 * Validates `matcher` (the field at `path`) and returns a predicate. Throws naming the path when
 * the matcher has no kind, several kinds, or a regex that does not compile.
 */
export function compileStringMatcher(
  matcher: StringMatcher,
  path: string,
): (value: string) => boolean {
  if (typeof matcher !== 'object' || matcher === null) {
    throw invalidConfigError(path, 'must be a StringMatcher object');
  }
  const record = matcher as Record<string, unknown>;
  const present = KINDS.filter((kind) => record[kind] !== undefined);
  if (present.length !== 1) {
    throw invalidConfigError(
      path,
      `needs exactly one of exact, prefix, suffix, contains, safe_regex (found ${present.length === 0 ? 'none' : present.join(', ')})`,
    );
  }
  const kind = present[0] as (typeof KINDS)[number];
  const ignoreCase = record.ignoreCase === true;
  if (kind === 'safeRegex') {
    const regex = (record.safeRegex as { regex?: unknown }).regex;
    if (typeof regex !== 'string' || regex.length === 0) {
      throw invalidConfigError(`${path}.safe_regex.regex`, 'must be a non-empty string');
    }
    let compiled: RegExp;
    try {
      compiled = new RegExp(`^(?:${regex})$`);
    } catch (error) {
      throw invalidConfigError(
        `${path}.safe_regex.regex`,
        `invalid regex: ${(error as Error).message}`,
      );
    }
    return (value) => compiled.test(value);
  }
  const raw = record[kind];
  if (typeof raw !== 'string') throw invalidConfigError(`${path}.${kind}`, 'must be a string');
  const pattern = ignoreCase ? raw.toLowerCase() : raw;
  const fold = ignoreCase ? (value: string) => value.toLowerCase() : (value: string) => value;
  switch (kind) {
    case 'exact':
      return (value) => fold(value) === pattern;
    case 'prefix':
      return (value) => fold(value).startsWith(pattern);
    case 'suffix':
      return (value) => fold(value).endsWith(pattern);
    default:
      return (value) => fold(value).includes(pattern);
  }
}
