import { compileOperator } from './command-operators.ts';
import { parseFormatString } from './format-parser.ts';
import type { Formatter, FormatterProvider } from './formatter.ts';
import type { StreamInfo } from './stream-info.ts';

/** One compiled part of a format string: literal text, or an operator with its truncation. */
export interface CompiledPart {
  /** The literal text, or null for an operator part. */
  readonly literal: string | null;
  readonly provider: FormatterProvider | null;
  /** The `:LEN` truncation, or -1 for none. */
  readonly maxLength: number;
}

/** Parses and compiles `format`; throws a config error naming `where` when it is invalid. */
export function compileFormatString(format: string, where: string): CompiledPart[] {
  return parseFormatString(format, where).map((token) =>
    typeof token === 'string'
      ? { literal: token, provider: null, maxLength: -1 }
      : {
          literal: null,
          provider: compileOperator(token, where, format),
          maxLength: token.maxLength ?? -1,
        },
  );
}

/** Cuts `value` to `maxLength` characters when a `:LEN` was given (-1: no limit). */
export function truncate(value: string, maxLength: number): string {
  return maxLength >= 0 && value.length > maxLength ? value.slice(0, maxLength) : value;
}

/**
 * A compiled Envoy format string (`text_format_source`). Unset or empty values print `-`, or
 * nothing with `omitEmptyValues`.
 */
export class TextFormatterImpl implements Formatter {
  private readonly literals: (string | null)[];
  private readonly providers: (FormatterProvider | null)[];
  private readonly maxLengths: number[];
  private readonly placeholder: string;

  constructor(parts: readonly CompiledPart[], omitEmptyValues: boolean) {
    // Parallel arrays keep the loop below on plain indexed reads.
    this.literals = parts.map((p) => p.literal);
    this.providers = parts.map((p) => p.provider);
    this.maxLengths = parts.map((p) => p.maxLength);
    this.placeholder = omitEmptyValues ? '' : '-';
  }

  format(info: StreamInfo): string {
    const providers = this.providers;
    let out = '';
    for (let i = 0; i < providers.length; i++) {
      const provider = providers[i];
      if (provider === null || provider === undefined) {
        out += this.literals[i] as string;
        continue;
      }
      const value = provider.format(info);
      out +=
        value === null || value === ''
          ? this.placeholder
          : truncate(value, this.maxLengths[i] as number);
    }
    return out;
  }
}
