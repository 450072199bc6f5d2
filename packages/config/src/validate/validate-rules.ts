import { isIP } from 'node:net';
import { goDurationString, type SecondsNanos } from '../decode/time.ts';
import { ProblemCodes } from '../errors.ts';
import type { PathSegment, ProblemCollector } from '../problem.ts';
import type { FieldInfo, MessageInfo, SchemaIndex } from '../schema/schema-index.ts';
import { typeNameOfUrl } from '../type-url.ts';

type Rules = Record<string, unknown>;
type Any = { typeUrl: string; value: unknown };

const NUMERIC_RULE_KINDS = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
]);
// RFC 7230 token characters: what Envoy's HTTP_HEADER_NAME rule accepts (plus `:` pseudo-headers).
const HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
const HEADER_VALUE_STRICT = /^[^\0\n\r]*$/;
const HOSTNAME_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function upperCamel(name: string): string {
  return name
    .split('_')
    .map((part) => (part ? (part[0] as string).toUpperCase() + part.slice(1) : ''))
    .join('');
}

function shortName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

function isHostname(value: string): boolean {
  const host = value.endsWith('.') ? value.slice(0, -1) : value;
  if (host.length === 0 || host.length > 253) return false;
  return host.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

function toBig(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  return BigInt(String(value));
}

function durationNanos(value: unknown): bigint {
  const d = (value ?? {}) as Partial<SecondsNanos>;
  return toBig(d.seconds ?? 0) * 1_000_000_000n + toBig(d.nanos ?? 0);
}

function durationText(value: unknown): string {
  const d = (value ?? {}) as Partial<SecondsNanos>;
  return goDurationString({ seconds: Number(d.seconds ?? 0), nanos: Number(d.nanos ?? 0) });
}

function listText(values: unknown[]): string {
  return `[${values.map((v) => String(v)).join(' ')}]`;
}

/**
 * Checks the protoc-gen-validate rules of Envoy's API (`validate.rules` on fields,
 * `validate.required` on oneofs) over a decoded config, and reports each broken rule with the
 * reason protoc-gen-validate's C++ code gives, the way Envoy prints it:
 * `Proto constraint validation failed (ClusterValidationError.Name: value length must be at least 1 characters)`.
 */
export class RulesValidator {
  private readonly schema: SchemaIndex;
  private readonly problems: ProblemCollector;
  private readonly path: PathSegment[];

  constructor(schema: SchemaIndex, problems: ProblemCollector) {
    this.schema = schema;
    this.problems = problems;
    this.path = [];
  }

  /** Validates `value`, a decoded message of `type`, and everything inside it. */
  validate(value: Record<string, unknown>, type: MessageInfo): void {
    this.message(value, type);
  }

  private fail(
    type: MessageInfo,
    field: FieldInfo | string,
    reason: string,
    index?: number | string,
  ): void {
    const fieldName = typeof field === 'string' ? field : upperCamel(field.name);
    const at = index === undefined ? '' : `[${index}]`;
    this.problems.add(
      ProblemCodes.Constraint,
      this.path,
      `Proto constraint validation failed (${shortName(type.name)}ValidationError.${fieldName}${at}: ${reason})`,
    );
  }

  private message(value: Record<string, unknown>, type: MessageInfo): void {
    if (type.wellKnown || type.validateDisabled) return;
    for (const oneof of type.oneofs) {
      if (!oneof.required) continue;
      const set = type.fields.some((f) => f.oneof === oneof.name && value[f.json] !== undefined);
      if (!set) {
        this.problems.add(
          ProblemCodes.Constraint,
          this.path,
          `Proto constraint validation failed (field: "${oneof.name}", reason: is required)`,
        );
      }
    }
    for (const field of type.fields) {
      const fieldValue = value[field.json];
      if (field.oneof !== undefined && fieldValue === undefined) continue;
      this.path.push(field.name);
      if (field.rules) this.fieldRules(type, field, fieldValue, field.rules);
      if (
        field.kind === 'message' &&
        fieldValue !== undefined &&
        !(field.rules?.message as Rules)?.skip
      ) {
        this.nested(field, fieldValue);
      }
      this.path.pop();
    }
  }

  private nested(field: FieldInfo, value: unknown): void {
    const type = field.message as MessageInfo;
    if (type.wellKnown === 'any') {
      const each = (any: Any) => this.any(any);
      if (field.repeated) {
        const items = value as Any[];
        for (let i = 0; i < items.length; i++) this.at(i, () => each(items[i] as Any));
      } else if (field.map) {
        for (const [k, v] of Object.entries(value as Record<string, Any>)) {
          this.at({ key: k }, () => each(v));
        }
      } else {
        each(value as Any);
      }
      return;
    }
    if (type.wellKnown) return;
    if (field.repeated) {
      const items = value as Record<string, unknown>[];
      for (let i = 0; i < items.length; i++) {
        this.at(i, () => this.message(items[i] as Record<string, unknown>, type));
      }
    } else if (field.map) {
      for (const [k, v] of Object.entries(value as Record<string, Record<string, unknown>>)) {
        this.at({ key: k }, () => this.message(v, type));
      }
    } else {
      this.message(value as Record<string, unknown>, type);
    }
  }

  private any(any: Any): void {
    const type = this.schema.messages.get(typeNameOfUrl(any.typeUrl));
    if (type && any.value && typeof any.value === 'object' && !type.wellKnown) {
      this.message(any.value as Record<string, unknown>, type);
    }
  }

  private at(segment: PathSegment, run: () => void): void {
    this.path.push(segment);
    run();
    this.path.pop();
  }

  private fieldRules(type: MessageInfo, field: FieldInfo, value: unknown, rules: Rules): void {
    const messageRules = rules.message as Rules | undefined;
    if (messageRules?.required && value === undefined) {
      this.fail(type, field, 'value is required');
      return;
    }
    if (field.repeated && rules.repeated) {
      this.repeated(type, field, value as unknown[], rules.repeated as Rules);
      return;
    }
    if (field.map && rules.map) {
      this.map(type, field, value as Record<string, unknown>, rules.map as Rules);
      return;
    }
    if (field.repeated || field.map) return;
    this.single(type, field, value, rules);
  }

  private repeated(type: MessageInfo, field: FieldInfo, items: unknown[], rules: Rules): void {
    if (rules.ignore_empty && items.length === 0) return;
    const min = rules.min_items as number | undefined;
    const max = rules.max_items as number | undefined;
    if (min !== undefined && max !== undefined && min === max && items.length !== min) {
      this.fail(type, field, `value must contain exactly ${min} item(s)`);
    } else if (
      min !== undefined &&
      max !== undefined &&
      (items.length < min || items.length > max)
    ) {
      this.fail(type, field, `value must contain between ${min} and ${max} items, inclusive`);
    } else if (min !== undefined && items.length < min) {
      this.fail(type, field, `value must contain at least ${min} item(s)`);
    } else if (max !== undefined && items.length > max) {
      this.fail(type, field, `value must contain no more than ${max} item(s)`);
    }
    if (rules.unique) {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        const key = JSON.stringify(item, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
        if (seen.has(key))
          this.at(i, () => this.fail(type, field, 'repeated value must contain unique items', i));
        seen.add(key);
      });
    }
    const itemRules = rules.items as Rules | undefined;
    if (itemRules) {
      for (let i = 0; i < items.length; i++) {
        this.at(i, () => this.single(type, field, items[i], itemRules, i));
      }
    }
  }

  private map(
    type: MessageInfo,
    field: FieldInfo,
    value: Record<string, unknown>,
    rules: Rules,
  ): void {
    const keys = Object.keys(value);
    if (rules.ignore_empty && keys.length === 0) return;
    const min = rules.min_pairs as number | undefined;
    const max = rules.max_pairs as number | undefined;
    if (min !== undefined && keys.length < min)
      this.fail(type, field, `value must contain at least ${min} pair(s)`);
    if (max !== undefined && keys.length > max)
      this.fail(type, field, `value must contain no more than ${max} pair(s)`);
    const keyRules = rules.keys as Rules | undefined;
    const valueRules = rules.values as Rules | undefined;
    for (const key of keys) {
      this.at({ key }, () => {
        if (keyRules) this.single(type, field, key, keyRules, key, 'key');
        if (valueRules) this.single(type, field, value[key], valueRules, key);
      });
    }
  }

  /** Rules of one value (a singular field, or one item of a list or map). */
  private single(
    type: MessageInfo,
    field: FieldInfo,
    value: unknown,
    rules: Rules,
    index?: number | string,
    onKey?: 'key',
  ): void {
    const fail = (reason: string) =>
      this.fail(
        type,
        onKey ? `key for ${upperCamel(field.name)}` : field,
        reason,
        onKey ? undefined : index,
      );
    for (const [kind, spec] of Object.entries(rules)) {
      const r = spec as Rules;
      if (kind === 'message') {
        if (r.required && value === undefined) fail('value is required');
      } else if (kind === 'string') {
        if (typeof value === 'string') this.string(value, r, fail);
      } else if (kind === 'bytes') {
        if (value instanceof Uint8Array) this.bytes(value, r, fail);
      } else if (kind === 'bool') {
        if (r.const !== undefined && value !== undefined && value !== r.const)
          fail(`value must equal ${r.const}`);
      } else if (kind === 'enum') {
        this.enumRules(field, value, r, fail);
      } else if (kind === 'duration') {
        this.duration(value, r, fail);
      } else if (kind === 'timestamp') {
        if (r.required && value === undefined) fail('value is required');
      } else if (kind === 'any') {
        this.anyRules(value as Any | undefined, r, fail);
      } else if (NUMERIC_RULE_KINDS.has(kind)) {
        if (value !== undefined) this.numeric(value as number | bigint, r, fail);
      }
    }
  }

  private string(value: string, r: Rules, fail: (reason: string) => void): void {
    if (r.ignore_empty && value === '') return;
    if (r.const !== undefined && value !== r.const)
      fail(`value must equal ${JSON.stringify(r.const)}`);
    if (Array.isArray(r.in) && !r.in.includes(value))
      fail(`value must be in list ${listText(r.in)}`);
    if (Array.isArray(r.not_in) && r.not_in.includes(value))
      fail(`value must not be in list ${listText(r.not_in)}`);
    const chars = [...value].length;
    const len = r.len as number | undefined;
    const minLen = r.min_len as number | undefined;
    const maxLen = r.max_len as number | undefined;
    if (len !== undefined && chars !== len) fail(`value length must be ${len} characters`);
    else if (minLen !== undefined && maxLen !== undefined && (chars < minLen || chars > maxLen)) {
      fail(`value length must be between ${minLen} and ${maxLen} characters, inclusive`);
    } else if (minLen !== undefined && chars < minLen)
      fail(`value length must be at least ${minLen} characters`);
    else if (maxLen !== undefined && chars > maxLen)
      fail(`value length must be at most ${maxLen} characters`);
    const bytes = Buffer.byteLength(value, 'utf8');
    const lenBytes = r.len_bytes as number | undefined;
    const minBytes = r.min_bytes as number | undefined;
    const maxBytes = r.max_bytes as number | undefined;
    if (lenBytes !== undefined && bytes !== lenBytes)
      fail(`value length must be ${lenBytes} bytes`);
    else if (
      minBytes !== undefined &&
      maxBytes !== undefined &&
      (bytes < minBytes || bytes > maxBytes)
    ) {
      fail(`value length must be between ${minBytes} and ${maxBytes} bytes, inclusive`);
    } else if (minBytes !== undefined && bytes < minBytes)
      fail(`value length must be at least ${minBytes} bytes`);
    else if (maxBytes !== undefined && bytes > maxBytes)
      fail(`value length must be at most ${maxBytes} bytes`);
    if (typeof r.prefix === 'string' && !value.startsWith(r.prefix))
      fail(`value does not have prefix ${JSON.stringify(r.prefix)}`);
    if (typeof r.suffix === 'string' && !value.endsWith(r.suffix))
      fail(`value does not have suffix ${JSON.stringify(r.suffix)}`);
    if (typeof r.contains === 'string' && !value.includes(r.contains))
      fail(`value does not contain substring ${JSON.stringify(r.contains)}`);
    if (typeof r.not_contains === 'string' && value.includes(r.not_contains))
      fail(`value contains substring ${JSON.stringify(r.not_contains)}`);
    if (typeof r.pattern === 'string') {
      // RE2 full match; Envoy's patterns use the syntax RE2 and JavaScript share.
      let re: RegExp | undefined;
      try {
        re = new RegExp(`^(?:${r.pattern})$`, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(value))
        fail(`value does not match regex pattern ${JSON.stringify(r.pattern)}`);
    }
    const known = r.well_known_regex as string | undefined;
    const strict = r.strict !== false;
    if (known === 'HTTP_HEADER_NAME' && !(strict ? HEADER_NAME : /^[^\0\n\r]*$/).test(value)) {
      fail('value must be a valid HTTP header name');
    } else if (known === 'HTTP_HEADER_VALUE' && strict && !HEADER_VALUE_STRICT.test(value)) {
      fail('value must be a valid HTTP header value');
    }
    if (r.ip && isIP(value) === 0) fail('value must be a valid IP Address');
    if (r.ipv4 && isIP(value) !== 4) fail('value must be a valid IPv4 Address');
    if (r.ipv6 && isIP(value) !== 6) fail('value must be a valid IPv6 Address');
    if (r.hostname && !isHostname(value)) fail('value must be a valid hostname');
    if (r.address && !isHostname(value) && isIP(value) === 0)
      fail('value must be an ip address, or a hostname.');
    if (r.uuid && !UUID.test(value)) fail('value must be a valid UUID');
  }

  private bytes(value: Uint8Array, r: Rules, fail: (reason: string) => void): void {
    if (r.ignore_empty && value.length === 0) return;
    const len = r.len as number | undefined;
    const min = r.min_len as number | undefined;
    const max = r.max_len as number | undefined;
    if (len !== undefined && value.length !== len) fail(`value length must be ${len} bytes`);
    else if (min !== undefined && max !== undefined && (value.length < min || value.length > max)) {
      fail(`value length must be between ${min} and ${max} bytes, inclusive`);
    } else if (min !== undefined && value.length < min)
      fail(`value length must be at least ${min} bytes`);
    else if (max !== undefined && value.length > max)
      fail(`value length must be at most ${max} bytes`);
  }

  private enumRules(
    field: FieldInfo,
    value: unknown,
    r: Rules,
    fail: (reason: string) => void,
  ): void {
    const type = field.enumType;
    if (!type || value === undefined) return;
    const number = typeof value === 'number' ? value : (type.byName.get(value as string) ?? 0);
    if (r.const !== undefined && number !== r.const) fail(`value must equal ${r.const}`);
    if (r.defined_only && !type.byNumber.has(number))
      fail('value must be one of the defined enum values');
    if (Array.isArray(r.in) && !r.in.includes(number))
      fail(`value must be in list ${listText(r.in)}`);
    if (Array.isArray(r.not_in) && r.not_in.includes(number))
      fail(`value must not be in list ${listText(r.not_in)}`);
  }

  private anyRules(value: Any | undefined, r: Rules, fail: (reason: string) => void): void {
    if (value === undefined) {
      if (r.required) fail('value is required');
      return;
    }
    if (Array.isArray(r.in) && !r.in.includes(value.typeUrl))
      fail(`type URL must be in set ${listText(r.in)}`);
    if (Array.isArray(r.not_in) && r.not_in.includes(value.typeUrl))
      fail(`type URL must not be in set ${listText(r.not_in)}`);
  }

  private duration(value: unknown, r: Rules, fail: (reason: string) => void): void {
    if (value === undefined) {
      if (r.required) fail('value is required');
      return;
    }
    const nanos = durationNanos(value);
    const bound = (key: string) => (r[key] === undefined ? undefined : durationNanos(r[key]));
    this.ranges(
      nanos,
      { lt: bound('lt'), lte: bound('lte'), gt: bound('gt'), gte: bound('gte') },
      (key) => durationText(r[key]),
      fail,
    );
    if (r.const !== undefined && nanos !== durationNanos(r.const))
      fail(`value must equal ${durationText(r.const)}`);
    if (Array.isArray(r.in) && !r.in.some((d) => durationNanos(d) === nanos)) {
      fail(`value must be in list ${listText(r.in.map(durationText))}`);
    }
    if (Array.isArray(r.not_in) && r.not_in.some((d) => durationNanos(d) === nanos)) {
      fail(`value must not be in list ${listText(r.not_in.map(durationText))}`);
    }
  }

  private numeric(value: number | bigint, r: Rules, fail: (reason: string) => void): void {
    if (r.ignore_empty && (value === 0 || value === 0n)) return;
    // Compare in the value's own domain: bigint for 64-bit fields, number otherwise.
    const big = typeof value === 'bigint';
    const conv = (v: unknown) => (big ? toBig(v) : Number(v));
    const bound = (key: string) => (r[key] === undefined ? undefined : conv(r[key]));
    if (r.const !== undefined && value !== conv(r.const)) fail(`value must equal ${r.const}`);
    this.ranges(
      value,
      { lt: bound('lt'), lte: bound('lte'), gt: bound('gt'), gte: bound('gte') },
      (k) => String(r[k]),
      fail,
    );
    if (Array.isArray(r.in) && !r.in.some((v) => conv(v) === value))
      fail(`value must be in list ${listText(r.in)}`);
    if (Array.isArray(r.not_in) && r.not_in.some((v) => conv(v) === value))
      fail(`value must not be in list ${listText(r.not_in)}`);
  }

  /** protoc-gen-validate's `ltgt` template: the same ranges and words for numbers and durations. */
  private ranges<T extends number | bigint>(
    v: T,
    b: { lt: T | undefined; lte: T | undefined; gt: T | undefined; gte: T | undefined },
    text: (key: 'lt' | 'lte' | 'gt' | 'gte') => string,
    fail: (reason: string) => void,
  ): void {
    const { lt, lte, gt, gte } = b;
    if (lt !== undefined) {
      if (gt !== undefined) {
        if (lt > gt) {
          if (v <= gt || v >= lt) fail(`value must be inside range (${text('gt')}, ${text('lt')})`);
        } else if (v >= lt && v <= gt)
          fail(`value must be outside range [${text('lt')}, ${text('gt')}]`);
      } else if (gte !== undefined) {
        if (lt > gte) {
          if (v < gte || v >= lt)
            fail(`value must be inside range [${text('gte')}, ${text('lt')})`);
        } else if (v >= lt && v < gte)
          fail(`value must be outside range [${text('lt')}, ${text('gte')})`);
      } else if (v >= lt) fail(`value must be less than ${text('lt')}`);
    } else if (lte !== undefined) {
      if (gt !== undefined) {
        if (lte > gt) {
          if (v <= gt || v > lte)
            fail(`value must be inside range (${text('gt')}, ${text('lte')}]`);
        } else if (v > lte && v <= gt)
          fail(`value must be outside range (${text('lte')}, ${text('gt')}]`);
      } else if (gte !== undefined) {
        if (lte > gte) {
          if (v < gte || v > lte)
            fail(`value must be inside range [${text('gte')}, ${text('lte')}]`);
        } else if (v > lte && v < gte)
          fail(`value must be outside range (${text('lte')}, ${text('gte')})`);
      } else if (v > lte) fail(`value must be less than or equal to ${text('lte')}`);
    } else if (gt !== undefined) {
      if (v <= gt) fail(`value must be greater than ${text('gt')}`);
    } else if (gte !== undefined) {
      if (v < gte) fail(`value must be greater than or equal to ${text('gte')}`);
    }
  }
}
