import { encodeBase64 } from '../decode/base64.ts';
import { formatDuration, formatTimestamp, type SecondsNanos } from '../decode/time.ts';
import type { FieldInfo, MessageInfo, SchemaIndex } from '../schema/schema-index.ts';
import { isFieldSet } from '../subset/check-subset.ts';
import { typeNameOfUrl } from '../type-url.ts';

/** Options of {@link encodeJson}. */
export interface EncodeOptions {
  /** Print proto (`snake_case`) field names, as Envoy's `/config_dump` does (default true). */
  protoNames?: boolean;
  /** Replace fields marked `udpa.annotations.sensitive`, and all under them, as Envoy does. */
  redact?: boolean;
}

const REDACTED = '[redacted]';
const REDACTED_BYTES = encodeBase64(new TextEncoder().encode(REDACTED));

/**
 * Prints a decoded message back in proto3 JSON (plain JSON values): fields at their default are
 * left out, 64-bit integers become strings, bytes base64, durations `"5s"`, `Any` an object with
 * `@type`. With `redact`, sensitive strings and bytes read `[redacted]` and other sensitive
 * scalars are left out (Envoy's `MessageUtil::redact`).
 */
export class JsonEncoder {
  private readonly schema: SchemaIndex;
  private readonly protoNames: boolean;
  private readonly redact: boolean;

  constructor(schema: SchemaIndex, options: EncodeOptions = {}) {
    this.schema = schema;
    this.protoNames = options.protoNames !== false;
    this.redact = options.redact === true;
  }

  message(
    value: Record<string, unknown>,
    type: MessageInfo,
    sensitive = false,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of type.fields) {
      const fieldValue = value[field.json];
      if (!isFieldSet(field, fieldValue)) continue;
      const hidden = sensitive || (this.redact && field.sensitive);
      const encoded = this.field(field, fieldValue, hidden);
      if (encoded !== undefined) out[this.protoNames ? field.name : field.json] = encoded;
    }
    return out;
  }

  /** Prints an `Any` with its `@type`. */
  any(any: { typeUrl: string; value: unknown }, sensitive = false): Record<string, unknown> {
    const type = this.schema.messages.get(typeNameOfUrl(any.typeUrl));
    if (!type) return { '@type': any.typeUrl };
    if (type.wellKnown && type.wellKnown !== 'empty') {
      return { '@type': any.typeUrl, value: this.wellKnown(type, any.value, sensitive) };
    }
    return {
      '@type': any.typeUrl,
      ...this.message(any.value as Record<string, unknown>, type, sensitive),
    };
  }

  private field(field: FieldInfo, value: unknown, sensitive: boolean): unknown {
    if (field.repeated) {
      const items = (value as unknown[]).map((v) => this.single(field, v, sensitive));
      return items.filter((v) => v !== undefined);
    }
    if (field.map) {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        const encoded = this.single(field, v, sensitive);
        if (encoded !== undefined) out[key] = encoded;
      }
      return out;
    }
    return this.single(field, value, sensitive);
  }

  private single(field: FieldInfo, value: unknown, sensitive: boolean): unknown {
    if (field.kind === 'message') {
      const type = field.message as MessageInfo;
      if (type.wellKnown === 'any')
        return this.any(value as { typeUrl: string; value: unknown }, sensitive);
      if (type.wellKnown && type.wellKnown !== 'empty')
        return this.wellKnown(type, value, sensitive);
      return this.message(value as Record<string, unknown>, type, sensitive);
    }
    return this.scalar(field.kind, value, sensitive);
  }

  private scalar(kind: string, value: unknown, sensitive: boolean): unknown {
    if (sensitive) {
      if (kind === 'string') return REDACTED;
      if (kind === 'bytes') return REDACTED_BYTES;
      return undefined;
    }
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Uint8Array) return encodeBase64(value);
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    }
    return value;
  }

  private wellKnown(type: MessageInfo, value: unknown, sensitive: boolean): unknown {
    switch (type.wellKnown) {
      case 'duration':
        return formatDuration(value as SecondsNanos);
      case 'timestamp':
        return formatTimestamp(value as SecondsNanos);
      case 'fieldMask':
        return (value as string[])
          .map((p) => p.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()))
          .join(',');
      case 'struct':
      case 'value':
      case 'listValue':
        return sensitive ? REDACTED : value;
      case 'wrapper':
        return this.scalar((type.fields[0] as FieldInfo).kind, value, sensitive);
      default:
        return {};
    }
  }
}
