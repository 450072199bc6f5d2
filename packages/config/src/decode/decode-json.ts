import { type ProblemCode, ProblemCodes } from '../errors.ts';
import type { PathSegment, ProblemCollector } from '../problem.ts';
import type { FieldKind } from '../schema/schema.ts';
import type { EnumInfo, FieldInfo, MessageInfo, SchemaIndex } from '../schema/schema-index.ts';
import { typeNameOfUrl } from '../type-url.ts';
import { decodeBase64 } from './base64.ts';
import type { SourceAdapter, SourceEntry } from './source-adapter.ts';
import { parseDuration, parseTimestamp } from './time.ts';
import type { ScalarValue } from './yaml-source.ts';

type Node = unknown;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const TYPED_STRUCTS = new Set(['xds.type.v3.TypedStruct', 'udpa.type.v1.TypedStruct']);
const V2_NAME = /^envoy\.(api\.v2|config\..+\.v2(alpha\d*)?|service\..+\.v2(alpha)?)\./;
const FAILED = Symbol('failed');
type Decoded = unknown | typeof FAILED;

function describeWith(src: SourceAdapter, node: Node | null): string {
  const kind = src.kind(node);
  if (kind === 'map') return '{...}';
  if (kind === 'seq') return '[...]';
  const value = src.scalar(node);
  return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
}

function typeLabel(kind: FieldKind, typeName?: string): string {
  return kind === 'message' || kind === 'enum'
    ? `TYPE_${kind.toUpperCase()} (${typeName})`
    : `TYPE_${kind.toUpperCase()}`;
}

/**
 * Reads a YAML/JSON document into plain typed objects by the proto3 JSON mapping, as Envoy's loader
 * does: field names in `snake_case` or `lowerCamelCase`, `Duration` and `Timestamp` strings,
 * wrappers as bare values, enums by name or number, 64-bit integers as numbers or strings, bytes as
 * base64, `Any` through its `@type`. Every problem is reported with its path and position, and
 * decoding carries on past it, so one run finds them all.
 *
 * Output shape (the types in `generated/envoy-types.ts` describe it): properties are the JSON
 * names; singular scalars and enums are always present (proto3 defaults when unset); lists and maps
 * always present; messages, wrappers, oneof members and `optional` scalars present only when set.
 * Enums are value names, 64-bit integers `bigint`, bytes `Uint8Array`, `Duration` and `Timestamp`
 * `{ seconds, nanos }`, `Struct`/`Value` plain JSON, `Any` `{ typeUrl, value }`.
 */
export class JsonMappingDecoder {
  private readonly schema: SchemaIndex;
  private readonly src: SourceAdapter;
  private readonly problems: ProblemCollector;
  private readonly path: PathSegment[];

  constructor(schema: SchemaIndex, src: SourceAdapter, problems: ProblemCollector) {
    this.schema = schema;
    this.src = src;
    this.problems = problems;
    this.path = [];
  }

  /** Decodes the document's root as `type`; an empty document is an empty message. */
  decodeRoot(type: MessageInfo): Record<string, unknown> | undefined {
    const root = this.src.root();
    if (this.isNull(root)) return newMessage(type);
    const value = this.decodeMessage(root, type, false);
    return value === FAILED ? undefined : (value as Record<string, unknown>);
  }

  private report(code: ProblemCode, node: Node | null, message: string): void {
    this.problems.addAt(code, this.path, this.src.offset(node), message);
  }

  private describe(node: Node | null): string {
    return describeWith(this.src, node);
  }

  private isNull(node: Node | null): boolean {
    return this.src.kind(node) === 'scalar' && this.src.scalar(node) === null;
  }

  private decodeMessage(node: Node, type: MessageInfo, insideAny: boolean): Decoded {
    if (type.wellKnown && type.wellKnown !== 'empty') return this.decodeWellKnown(node, type);
    if (this.src.kind(node) !== 'map') {
      this.report(
        ProblemCodes.WrongType,
        node,
        `invalid value ${this.describe(node)} for type ${typeLabel('message', type.name)}`,
      );
      return FAILED;
    }
    const out = newMessage(type);
    const given = new Map<string, string>();
    const oneofMembers = new Map<string, string>();
    for (const entry of this.src.entries(node)) {
      if (insideAny && entry.key === '@type') continue;
      const field = type.byName.get(entry.key);
      if (!field) {
        this.path.push(entry.key);
        this.report(
          ProblemCodes.UnknownField,
          entry.keyNode,
          `Cannot find field: ${entry.key} (message ${type.name} has no field of that name)`,
        );
        this.path.pop();
        continue;
      }
      this.path.push(field.name);
      const earlier = given.get(field.name);
      if (earlier !== undefined) {
        this.report(
          ProblemCodes.OneofConflict,
          entry.keyNode,
          `field ${field.name} is given twice (as '${earlier}' and '${entry.key}')`,
        );
        this.path.pop();
        continue;
      }
      given.set(field.name, entry.key);
      const valueNode = entry.value;
      if (this.isNull(valueNode) && !acceptsNull(field)) {
        // proto3 JSON: null means "not set" for every field but google.protobuf.Value.
        this.path.pop();
        continue;
      }
      if (field.oneof !== undefined) {
        const other = oneofMembers.get(field.oneof);
        if (other !== undefined) {
          this.report(
            ProblemCodes.OneofConflict,
            entry.keyNode,
            `oneof field '${field.oneof}' is already set. Cannot set '${field.name}' (already set: '${other}')`,
          );
          this.path.pop();
          continue;
        }
        oneofMembers.set(field.oneof, field.name);
      }
      const value = this.decodeField(valueNode, field);
      if (value !== FAILED) setProperty(out, field.json, value);
      this.path.pop();
    }
    return out;
  }

  private decodeField(node: Node | null, field: FieldInfo): Decoded {
    if (field.map) {
      if (this.src.kind(node) !== 'map') {
        this.report(
          ProblemCodes.WrongType,
          node,
          `invalid value ${this.describe(node)} for map field`,
        );
        return FAILED;
      }
      const out: Record<string, unknown> = {};
      for (const entry of this.src.entries(node)) {
        this.path.push({ key: entry.key });
        const key = this.mapKey(entry.key, field.keyKind as FieldKind, entry.keyNode);
        const value = key === FAILED ? FAILED : this.decodeSingle(entry.value, field);
        if (value !== FAILED) setProperty(out, key as string, value);
        this.path.pop();
      }
      return out;
    }
    if (field.repeated) {
      if (this.src.kind(node) !== 'seq') {
        this.report(
          ProblemCodes.WrongType,
          node,
          `invalid value ${this.describe(node)} for repeated field (expected a list)`,
        );
        return FAILED;
      }
      const out: unknown[] = [];
      const items = this.src.items(node);
      for (let i = 0; i < items.length; i++) {
        this.path.push(i);
        const item = items[i];
        if (this.isNull(item) && !acceptsNull(field)) {
          this.report(ProblemCodes.WrongType, item, 'null is not allowed in a repeated field');
        } else {
          const value = this.decodeSingle(item, field);
          if (value !== FAILED) out.push(value);
        }
        this.path.pop();
      }
      return out;
    }
    return this.decodeSingle(node, field);
  }

  private mapKey(key: string, kind: FieldKind, node: Node): string | typeof FAILED {
    if (kind === 'string') return key;
    if (kind === 'bool') {
      if (key === 'true' || key === 'false') return key;
    } else if (/^-?[0-9]+$/.test(key)) {
      const value = this.integer(BigInt(key), kind, node);
      return value === FAILED ? FAILED : String(value);
    }
    this.report(ProblemCodes.BadValue, node, `invalid map key ${JSON.stringify(key)} for ${kind}`);
    return FAILED;
  }

  private decodeSingle(node: Node | null, field: FieldInfo): Decoded {
    if (field.kind === 'message') {
      const type = field.message as MessageInfo;
      if (this.isNull(node)) {
        if (type.wellKnown === 'value') return null;
        return FAILED;
      }
      return this.decodeMessage(node as Node, type, false);
    }
    if (field.kind === 'enum') return this.decodeEnum(node, field.enumType as EnumInfo);
    return this.decodeScalar(node, field.kind);
  }

  private decodeEnum(node: Node | null, type: EnumInfo): Decoded {
    const value = this.src.kind(node) === 'scalar' ? this.src.scalar(node) : undefined;
    if (type.name === 'google.protobuf.NullValue' && value === null) return 'NULL_VALUE';
    if (typeof value === 'string') {
      if (type.byName.has(value)) return value;
      this.report(
        ProblemCodes.BadValue,
        node,
        `invalid value ${JSON.stringify(value)} for type ${typeLabel('enum', type.name)}`,
      );
      return FAILED;
    }
    if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
      const number = this.integer(value, 'int32', node as Node);
      if (number === FAILED) return FAILED;
      // An unnamed number stays a number; the validation rules (defined_only) and the supported
      // subset decide what to say about it.
      return type.byNumber.get(number as number) ?? number;
    }
    this.report(
      ProblemCodes.WrongType,
      node,
      `invalid value ${this.describe(node)} for type ${typeLabel('enum', type.name)}`,
    );
    return FAILED;
  }

  private decodeScalar(node: Node | null, kind: FieldKind): Decoded {
    if (this.src.kind(node) !== 'scalar') {
      this.report(
        ProblemCodes.WrongType,
        node,
        `invalid value ${this.describe(node)} for type ${typeLabel(kind)}`,
      );
      return FAILED;
    }
    const value = this.src.scalar(node);
    switch (kind) {
      case 'string':
        if (typeof value === 'string') return value;
        break;
      case 'bool':
        if (typeof value === 'boolean') return value;
        break;
      case 'bytes':
        if (typeof value === 'string') {
          const bytes = decodeBase64(value);
          if (bytes) return bytes;
          this.report(
            ProblemCodes.BadValue,
            node,
            `invalid value ${this.describe(node)} for type TYPE_BYTES (not base64)`,
          );
          return FAILED;
        }
        break;
      case 'double':
      case 'float':
        return this.floating(value, kind, node);
      default:
        return this.integerValue(value, kind, node);
    }
    this.report(
      ProblemCodes.WrongType,
      node,
      `invalid value ${this.describe(node)} for type ${typeLabel(kind)}`,
    );
    return FAILED;
  }

  private floating(value: ScalarValue, kind: FieldKind, node: Node): Decoded {
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    if (typeof value === 'string') {
      if (value === 'NaN') return Number.NaN;
      if (value === 'Infinity') return Infinity;
      if (value === '-Infinity') return -Infinity;
      const number = value.trim() === '' ? Number.NaN : Number(value);
      if (!Number.isNaN(number)) return number;
    }
    this.report(
      ProblemCodes.WrongType,
      node,
      `invalid value ${this.describe(node)} for type ${typeLabel(kind)}`,
    );
    return FAILED;
  }

  private integerValue(value: ScalarValue, kind: FieldKind, node: Node): Decoded {
    let big: bigint | undefined;
    if (typeof value === 'bigint') big = value;
    else if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
    else if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) big = BigInt(value);
    else if (typeof value === 'string' && value.trim() !== '' && Number.isInteger(Number(value))) {
      big = BigInt(Number(value));
    }
    if (big === undefined) {
      this.report(
        ProblemCodes.WrongType,
        node,
        `invalid value ${this.describe(node)} for type ${typeLabel(kind)}`,
      );
      return FAILED;
    }
    return this.integer(big, kind, node);
  }

  private integer(value: bigint | number, kind: FieldKind, node: Node): Decoded {
    const big = typeof value === 'bigint' ? value : BigInt(value);
    let ok: boolean;
    let wide = false;
    switch (kind) {
      case 'int32':
      case 'sint32':
      case 'sfixed32':
        ok = big >= BigInt(INT32_MIN) && big <= BigInt(INT32_MAX);
        break;
      case 'uint32':
      case 'fixed32':
        ok = big >= 0n && big <= BigInt(UINT32_MAX);
        break;
      case 'uint64':
      case 'fixed64':
        ok = big >= 0n && big <= UINT64_MAX;
        wide = true;
        break;
      default:
        ok = big >= INT64_MIN && big <= INT64_MAX;
        wide = true;
    }
    if (!ok) {
      this.report(
        ProblemCodes.BadValue,
        node,
        `Integer out of range (${big}) for type ${typeLabel(kind)}`,
      );
      return FAILED;
    }
    return wide ? big : Number(big);
  }

  private decodeWellKnown(node: Node, type: MessageInfo): Decoded {
    switch (type.wellKnown) {
      case 'any':
        return this.decodeAny(node);
      case 'duration':
      case 'timestamp': {
        const value = this.src.kind(node) === 'scalar' ? this.src.scalar(node) : undefined;
        if (typeof value !== 'string') {
          this.report(
            ProblemCodes.WrongType,
            node,
            `invalid value ${this.describe(node)} for type ${typeLabel('message', type.name)}`,
          );
          return FAILED;
        }
        const parsed = type.wellKnown === 'duration' ? parseDuration(value) : parseTimestamp(value);
        if (typeof parsed === 'string') {
          this.report(ProblemCodes.BadValue, node, `${parsed}: ${JSON.stringify(value)}`);
          return FAILED;
        }
        return parsed;
      }
      case 'fieldMask': {
        const value = this.src.kind(node) === 'scalar' ? this.src.scalar(node) : undefined;
        if (typeof value !== 'string') {
          this.report(
            ProblemCodes.WrongType,
            node,
            `invalid value ${this.describe(node)} for type ${typeLabel('message', type.name)}`,
          );
          return FAILED;
        }
        return value === ''
          ? []
          : value.split(',').map((p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
      }
      case 'struct':
        if (this.src.kind(node) !== 'map') {
          this.report(
            ProblemCodes.WrongType,
            node,
            `invalid value ${this.describe(node)} for type ${typeLabel('message', type.name)}`,
          );
          return FAILED;
        }
        return this.jsonValue(node);
      case 'listValue':
        if (this.src.kind(node) !== 'seq') {
          this.report(
            ProblemCodes.WrongType,
            node,
            `invalid value ${this.describe(node)} for type ${typeLabel('message', type.name)}`,
          );
          return FAILED;
        }
        return this.jsonValue(node);
      case 'value':
        return this.jsonValue(node);
      default: {
        // Wrappers: the bare value of their single `value` field.
        const inner = type.fields[0] as FieldInfo;
        return this.decodeScalar(node, inner.kind);
      }
    }
  }

  /** A YAML node as the JSON value Envoy would make of it (for Struct, Value, ListValue). */
  private jsonValue(node: Node | null): unknown {
    if (node === null || node === undefined) return null;
    if (this.src.kind(node) === 'map') {
      const out: Record<string, unknown> = {};
      for (const entry of this.src.entries(node)) {
        setProperty(out, entry.key, this.jsonValue(entry.value));
      }
      return out;
    }
    if (this.src.kind(node) === 'seq')
      return this.src.items(node).map((item) => this.jsonValue(item));
    const value = this.src.scalar(node);
    if (typeof value === 'bigint') {
      // Envoy keeps integers beyond double precision as strings.
      return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value.toString();
    }
    return value;
  }

  private decodeAny(node: Node): Decoded {
    if (this.src.kind(node) !== 'map') {
      this.report(
        ProblemCodes.WrongType,
        node,
        `invalid value ${this.describe(node)} for type ${typeLabel('message', 'google.protobuf.Any')}`,
      );
      return FAILED;
    }
    const entries = this.src.entries(node);
    const typeEntry = entries.find((e) => e.key === '@type');
    if (!typeEntry) {
      if (entries.length === 0) return { typeUrl: '', value: undefined };
      this.report(ProblemCodes.BadValue, node, 'Missing @type for any field');
      return FAILED;
    }
    const typeUrlValue =
      this.src.kind(typeEntry.value) === 'scalar' ? this.src.scalar(typeEntry.value) : undefined;
    if (typeof typeUrlValue !== 'string' || typeUrlValue === '') {
      this.report(
        ProblemCodes.WrongType,
        typeEntry.value,
        `invalid value ${this.describe(typeEntry.value)} for @type`,
      );
      return FAILED;
    }
    const type = this.resolveAnyType(typeUrlValue, typeEntry.value ?? typeEntry.keyNode);
    if (!type) return FAILED;
    if (TYPED_STRUCTS.has(type.name)) return this.decodeTypedStruct(entries, typeUrlValue, node);
    if (type.wellKnown && type.wellKnown !== 'empty') {
      const valueEntry = entries.find((e) => e.key === 'value');
      for (const extra of entries) {
        if (extra.key !== '@type' && extra.key !== 'value') {
          this.path.push(extra.key);
          this.report(
            ProblemCodes.UnknownField,
            extra.keyNode,
            `Cannot find field: ${extra.key} (an Any holding ${type.name} has only "@type" and "value")`,
          );
          this.path.pop();
        }
      }
      if (!valueEntry || this.isNull(valueEntry.value)) {
        this.report(ProblemCodes.BadValue, node, `Any of type ${type.name} needs a "value"`);
        return FAILED;
      }
      this.path.push('value');
      const value = this.decodeWellKnown(valueEntry.value as Node, type);
      this.path.pop();
      return value === FAILED ? FAILED : { typeUrl: typeUrlValue, value };
    }
    const value = this.decodeMessage(node, type, true);
    return value === FAILED ? FAILED : { typeUrl: typeUrlValue, value };
  }

  /**
   * `TypedStruct` carries an extension's config as a Struct with the type named beside it; Envoy
   * converts it to that type, and so does this (errors then point inside `value`).
   */
  private decodeTypedStruct(entries: SourceEntry[], typedStructUrl: string, node: Node): Decoded {
    const urlEntry = entries.find((e) => e.key === 'type_url' || e.key === 'typeUrl');
    const valueEntry = entries.find((e) => e.key === 'value');
    const url =
      urlEntry && this.src.kind(urlEntry.value) === 'scalar'
        ? this.src.scalar(urlEntry.value)
        : undefined;
    if (typeof url !== 'string' || url === '') {
      this.report(ProblemCodes.BadValue, node, `${typeNameOfUrl(typedStructUrl)} needs a type_url`);
      return FAILED;
    }
    const type = this.resolveAnyType(url, urlEntry?.value ?? node);
    if (!type) return FAILED;
    if (!valueEntry || this.isNull(valueEntry.value))
      return { typeUrl: url, value: newMessage(type) };
    const value = this.decodeMessage(valueEntry.value as Node, type, false);
    return value === FAILED ? FAILED : { typeUrl: url, value };
  }

  private resolveAnyType(typeUrl: string, node: Node): MessageInfo | undefined {
    const name = typeNameOfUrl(typeUrl);
    const type = this.schema.messages.get(name);
    if (type) return type;
    const replacement = this.schema.replacements.get(name);
    if (replacement || V2_NAME.test(name)) {
      this.report(
        ProblemCodes.DeprecatedType,
        node,
        `The v2 xDS major version is deprecated and disabled by default. (${name})${
          replacement ? `: use type.googleapis.com/${replacement}` : ''
        }`,
      );
      return undefined;
    }
    this.report(
      ProblemCodes.UnknownType,
      node,
      `invalid value Invalid type URL, unknown type: ${name} for type Any`,
    );
    return undefined;
  }
}

function acceptsNull(field: FieldInfo): boolean {
  return (
    field.message?.wellKnown === 'value' ||
    (field.kind === 'enum' && field.typeName === 'google.protobuf.NullValue')
  );
}

/** Assigns without ever touching `Object.prototype` through a key such as `__proto__`. */
function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

const EMPTY_BYTES = new Uint8Array(0);

/** A message with every always-present field at its proto3 default. */
export function newMessage(type: MessageInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fields) {
    if (field.repeated) out[field.json] = [];
    else if (field.map) out[field.json] = {};
    else if (!field.hasPresence) out[field.json] = defaultScalar(field);
  }
  return out;
}

/** The proto3 default of a scalar or enum field. */
export function defaultScalar(field: FieldInfo): unknown {
  switch (field.kind) {
    case 'enum':
      return (field.enumType as EnumInfo).defaultName;
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'bytes':
      return EMPTY_BYTES.slice();
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return 0n;
    default:
      return 0;
  }
}
