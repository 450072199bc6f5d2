import { configInvalidError } from './errors.ts';
import type { Formatter, FormatterProvider } from './formatter.ts';
import type { StreamInfo } from './stream-info.ts';
import { compileFormatString, TextFormatterImpl, truncate } from './text-formatter-impl.ts';

/**
 * A `json_format` template: keys map to format strings or to nested templates. Each output line is
 * this object with every format string evaluated.
 */
export interface JsonFormatTemplate {
  readonly [key: string]: string | JsonFormatTemplate;
}

const OBJECT = 0;
const TYPED = 1; // the value is exactly one operator: a number, a string or null
const TEXT = 2; // text mixed with operators: always a string
const CONSTANT = 3; // text without operators

interface JsonNode {
  readonly kind: number;
  /** For OBJECT: each key JSON-encoded with its colon, e.g. `"bytes":`. */
  readonly keys: string[];
  readonly children: JsonNode[];
  readonly provider: FormatterProvider | null;
  readonly maxLength: number;
  readonly text: TextFormatterImpl | null;
  /** For CONSTANT: the JSON-encoded value. */
  readonly constant: string;
}

function node(kind: number, fields: Partial<JsonNode>): JsonNode {
  return {
    kind,
    keys: fields.keys ?? [],
    children: fields.children ?? [],
    provider: fields.provider ?? null,
    maxLength: fields.maxLength ?? -1,
    text: fields.text ?? null,
    constant: fields.constant ?? '',
  };
}

function compileTemplate(
  template: JsonFormatTemplate,
  where: string,
  omitEmptyValues: boolean,
  sortProperties: boolean,
): JsonNode {
  const keys: string[] = [];
  const children: JsonNode[] = [];
  const names = Object.keys(template);
  if (sortProperties) names.sort();
  for (const key of names) {
    const value = template[key];
    const at = `${where}.${key}`;
    keys.push(`${JSON.stringify(key)}:`);
    if (typeof value === 'string') {
      const parts = compileFormatString(value, at);
      const only = parts.length === 1 ? parts[0] : undefined;
      if (parts.length === 0) {
        children.push(node(CONSTANT, { constant: '""' }));
      } else if (only !== undefined && only.provider !== null) {
        children.push(node(TYPED, { provider: only.provider, maxLength: only.maxLength }));
      } else if (parts.every((p) => p.provider === null)) {
        children.push(
          node(CONSTANT, { constant: JSON.stringify(parts.map((p) => p.literal).join('')) }),
        );
      } else {
        children.push(node(TEXT, { text: new TextFormatterImpl(parts, omitEmptyValues) }));
      }
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      children.push(compileTemplate(value, at, omitEmptyValues, sortProperties));
    } else {
      throw configInvalidError(
        at,
        `json_format values must be format strings or nested objects, not ${
          Array.isArray(value) ? 'an array' : typeof value
        }`,
      );
    }
  }
  return node(OBJECT, { keys, children });
}

/**
 * A compiled `json_format`: one JSON object per line. A value that is exactly one command operator
 * keeps Envoy's type (a number for byte counts, durations, codes, ids and ports; null when unset);
 * any other value is a string in which unset operators print `-`. With `omitEmptyValues`, keys whose
 * value is null are left out.
 */
export class JsonFormatterImpl implements Formatter {
  private readonly root: JsonNode;
  private readonly omitEmptyValues: boolean;

  constructor(
    template: JsonFormatTemplate,
    where: string,
    options: { omitEmptyValues?: boolean; sortProperties?: boolean } = {},
  ) {
    this.omitEmptyValues = options.omitEmptyValues === true;
    this.root = compileTemplate(
      template,
      where,
      this.omitEmptyValues,
      options.sortProperties === true,
    );
  }

  format(info: StreamInfo): string {
    return `${this.renderObject(this.root, info)}\n`;
  }

  private renderObject(object: JsonNode, info: StreamInfo): string {
    const children = object.children;
    let out = '{';
    let first = true;
    for (let i = 0; i < children.length; i++) {
      const value = this.renderValue(children[i] as JsonNode, info);
      if (value === null) continue;
      out += first ? object.keys[i] + value : `,${object.keys[i]}${value}`;
      first = false;
    }
    return `${out}}`;
  }

  private renderValue(child: JsonNode, info: StreamInfo): string | null {
    switch (child.kind) {
      case OBJECT:
        return this.renderObject(child, info);
      case TYPED: {
        const value = (child.provider as FormatterProvider).formatValue(info);
        if (value === null) return this.omitEmptyValues ? null : 'null';
        if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
        return JSON.stringify(truncate(value, child.maxLength));
      }
      case TEXT:
        return JSON.stringify((child.text as TextFormatterImpl).format(info));
      default:
        return child.constant;
    }
  }
}
