import type { Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { isMap, isScalar, isSeq } from './yaml-lib.ts';
import {
  deref,
  entriesOf,
  IGNORED_KEY,
  type ScalarValue,
  type SourceDocument,
  scalarValue,
} from './yaml-source.ts';

/** A map entry as the decoder sees it. */
export interface SourceEntry {
  key: string;
  keyNode: unknown;
  value: unknown;
}

/**
 * How the decoder reads a parsed document, whichever parser made it: `yaml`'s nodes (with source
 * offsets, for error reports) or plain values from the fast parser (no offsets).
 */
export interface SourceAdapter {
  root(): unknown;
  kind(node: unknown): 'map' | 'seq' | 'scalar';
  entries(node: unknown): SourceEntry[];
  items(node: unknown): unknown[];
  /** The value of a scalar (null for a missing node). */
  scalar(node: unknown): ScalarValue;
  /** Source offset of a node, or -1 when unknown. */
  offset(node: unknown): number;
}

/** Reads `yaml` Document nodes: aliases followed, merge keys expanded, offsets known. */
export class YamlAstAdapter implements SourceAdapter {
  private readonly source: SourceDocument;

  constructor(source: SourceDocument) {
    this.source = source;
  }

  root(): unknown {
    return deref(this.source, this.source.doc.contents);
  }

  kind(node: unknown): 'map' | 'seq' | 'scalar' {
    if (isMap(node)) return 'map';
    if (isSeq(node)) return 'seq';
    return 'scalar';
  }

  entries(node: unknown): SourceEntry[] {
    return entriesOf(this.source, node as YAMLMap);
  }

  items(node: unknown): unknown[] {
    return (node as YAMLSeq).items.map((item) => deref(this.source, item));
  }

  scalar(node: unknown): ScalarValue {
    return isScalar(node) ? scalarValue(node as Scalar) : null;
  }

  offset(node: unknown): number {
    return (node as { range?: [number, number, number] } | null)?.range?.[0] ?? -1;
  }
}

/** Reads plain values (objects, arrays, scalars) from the fast parser or JSON. */
export class PlainAdapter implements SourceAdapter {
  private readonly value: unknown;

  constructor(value: unknown) {
    this.value = value;
  }

  root(): unknown {
    return this.value;
  }

  kind(node: unknown): 'map' | 'seq' | 'scalar' {
    if (Array.isArray(node)) return 'seq';
    if (node !== null && typeof node === 'object' && !(node instanceof Uint8Array)) return 'map';
    return 'scalar';
  }

  entries(node: unknown): SourceEntry[] {
    const out: SourceEntry[] = [];
    for (const key of Object.keys(node as object)) {
      if (key.startsWith(IGNORED_KEY)) continue;
      out.push({ key, keyNode: null, value: (node as Record<string, unknown>)[key] });
    }
    return out;
  }

  items(node: unknown): unknown[] {
    return node as unknown[];
  }

  scalar(node: unknown): ScalarValue {
    return node === undefined ? null : (node as ScalarValue);
  }

  offset(): number {
    return -1;
  }
}
