import type { Document, LineCounter, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { PathSegment } from '../problem.ts';
import { jsonNameOf } from '../schema/json-name.ts';
import { isAlias, isMap, isScalar, isSeq, yamlLib } from './yaml-lib.ts';

/** A YAML or JSON document with the positions of its nodes. */
export interface SourceDocument {
  /** File name for messages, or `<inline>`. */
  name: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** One syntax error of a document. */
export interface SyntaxProblem {
  message: string;
  offset: number;
}

/** A map entry after `<<` merges and `!ignore` entries are applied. */
export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

/**
 * Parses YAML (JSON is YAML) with every scalar kept as written: Envoy reads YAML through yaml-cpp
 * and turns plain scalars into JSON values by its own rules, which `plainScalarValue` repeats, so
 * the library's schema must not guess types first (its YAML 1.1 schema would read `10:30` as a
 * sexagesimal number, which Envoy does not).
 */
export function parseSource(
  text: string,
  name: string,
): { source: SourceDocument; errors: SyntaxProblem[] } {
  const { LineCounter: Counter, parseDocument } = yamlLib();
  const lineCounter = new Counter();
  const doc = parseDocument(text, {
    schema: 'failsafe',
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: false,
  });
  const errors: SyntaxProblem[] = doc.errors.map((e) => ({
    message: e.message,
    offset: e.pos[0],
  }));
  return { source: { name, doc, lineCounter }, errors };
}

/** 1-based line and column of an offset. */
export function positionOf(
  source: SourceDocument,
  offset: number,
): { line: number; column: number } {
  const pos = source.lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Follows aliases to the node they name. */
export function deref(source: SourceDocument, node: unknown): Node | null {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 100; hops++) {
    current = current.resolve(source.doc);
  }
  if (current === null || current === undefined || isAlias(current)) return null;
  return current as Node;
}

const IGNORE_TAG = '!ignore';

/** Prefix the fast parser gives keys tagged `!ignore`, so that they can be dropped. */
export const IGNORED_KEY = '\u0000!ignore:';

/** Entries of a YAML map, with YAML merge keys (`<<: *anchor`) expanded and `!ignore` dropped. */
export function entriesOf(source: SourceDocument, map: YAMLMap): Entry[] {
  const out: Entry[] = [];
  const seen = new Set<string>();
  const merged: Entry[] = [];
  for (const pair of map.items as Pair<unknown, unknown>[]) {
    const keyNode = deref(source, pair.key);
    if (!keyNode) continue;
    const valueNode = deref(source, pair.value);
    // Envoy drops entries whose key is tagged `!ignore`: a place to define YAML anchors.
    if (keyNode.tag === IGNORE_TAG) continue;
    if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === 'PLAIN') {
      const sources = isSeq(valueNode) ? valueNode.items.map((i) => deref(source, i)) : [valueNode];
      for (const mergeSource of sources) {
        if (isMap(mergeSource)) merged.push(...entriesOf(source, mergeSource));
      }
      continue;
    }
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    seen.add(key);
    out.push({ key, keyNode, value: valueNode });
  }
  for (const entry of merged) {
    if (!seen.has(entry.key)) {
      seen.add(entry.key);
      out.push(entry);
    }
  }
  return out;
}

const TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const DECIMAL = /^[-+]?[0-9]+$/;
const HEX = /^[-+]?0x[0-9a-fA-F]+$/;
const OCTAL = /^[-+]?0o[0-7]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INF = /^[-+]?\.(inf|Inf|INF)$/;
const NAN = /^\.(nan|NaN|NAN)$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** The JSON-ish value of a plain scalar: null, boolean, bigint (integers), number or string. */
export type ScalarValue = null | boolean | bigint | number | string;

/**
 * The value of a scalar node by Envoy's YAML rules (yaml-cpp's conversions as Envoy applies them):
 * quoted and block scalars are strings; plain ones are null, a YAML 1.1 boolean (`yes`, `on`, ...),
 * an integer (decimal, `0x` hex, `0o` octal), a float (`.inf`, `.nan` too) or else a string.
 * Integers stay exact as bigint; the caller narrows them to the field's type.
 */
export function scalarValue(node: Scalar): ScalarValue {
  const raw = node.value;
  if (typeof raw !== 'string') return raw as ScalarValue;
  if (node.type !== 'PLAIN' || node.tag === '!!str' || node.tag === 'tag:yaml.org,2002:str') {
    return raw;
  }
  return envoyScalar(raw);
}

/** The value of a plain (unquoted, untagged) scalar's text by Envoy's rules. */
export function envoyScalar(raw: string): ScalarValue {
  if (NULL.has(raw)) return null;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  if (DECIMAL.test(raw)) return toInteger(raw, raw);
  if (HEX.test(raw) || OCTAL.test(raw)) {
    const negative = raw.startsWith('-');
    const digits = raw.replace(/^[-+]/, '');
    const value = BigInt(digits);
    return toInteger(negative ? -value : value, raw);
  }
  if (FLOAT.test(raw)) return Number(raw);
  if (INF.test(raw)) return raw.startsWith('-') ? -Infinity : Infinity;
  if (NAN.test(raw)) return Number.NaN;
  return raw;
}

function toInteger(value: string | bigint, raw: string): bigint | string {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  // Past 64 bits yaml-cpp's integer conversion fails and the text stays a string.
  if (big < INT64_MIN || big > UINT64_MAX) return raw;
  return big;
}

/** Location of the node a path leads to, or of the deepest node on the way that exists. */
export function locate(source: SourceDocument, path: readonly PathSegment[]): number {
  let node = deref(source, source.doc.contents);
  let offset = node?.range?.[0] ?? 0;
  for (const segment of path) {
    if (!node) break;
    if (typeof segment === 'number') {
      if (!isSeq(node)) break;
      node = deref(source, node.items[segment]);
      if (node?.range) offset = node.range[0];
      continue;
    }
    if (!isMap(node)) break;
    const name = typeof segment === 'string' ? segment : segment.key;
    const alternative = typeof segment === 'string' ? jsonNameOf(segment) : name;
    let entries = entriesOf(source, node);
    let entry = entries.find((e) => e.key === name || e.key === alternative);
    if (!entry) {
      // Through `TypedStruct` and well-known types packed in Any, fields sit under `value`.
      const inner = entries.find((e) => e.key === 'value');
      if (inner && isMap(inner.value)) {
        entries = entriesOf(source, inner.value);
        entry = entries.find((e) => e.key === name || e.key === alternative);
      }
    }
    if (!entry) break;
    offset = entry.keyNode.range?.[0] ?? offset;
    node = entry.value;
  }
  return offset;
}
