import type {
  EnvoySchema,
  FieldKind,
  SchemaEnum,
  SchemaField,
  SchemaMessage,
  SchemaOneof,
} from './schema.ts';

/** Well-known types whose proto3 JSON form is special. */
export type WellKnownKind =
  | 'any'
  | 'duration'
  | 'timestamp'
  | 'fieldMask'
  | 'struct'
  | 'value'
  | 'listValue'
  | 'wrapper'
  | 'empty';

const WELL_KNOWN: Record<string, WellKnownKind> = {
  'google.protobuf.Any': 'any',
  'google.protobuf.Duration': 'duration',
  'google.protobuf.Timestamp': 'timestamp',
  'google.protobuf.FieldMask': 'fieldMask',
  'google.protobuf.Struct': 'struct',
  'google.protobuf.Value': 'value',
  'google.protobuf.ListValue': 'listValue',
  'google.protobuf.DoubleValue': 'wrapper',
  'google.protobuf.FloatValue': 'wrapper',
  'google.protobuf.Int64Value': 'wrapper',
  'google.protobuf.UInt64Value': 'wrapper',
  'google.protobuf.Int32Value': 'wrapper',
  'google.protobuf.UInt32Value': 'wrapper',
  'google.protobuf.BoolValue': 'wrapper',
  'google.protobuf.StringValue': 'wrapper',
  'google.protobuf.BytesValue': 'wrapper',
  'google.protobuf.Empty': 'empty',
};

/** An enum type with lookups both ways. */
export class EnumInfo {
  readonly name: string;
  readonly byName: Map<string, number>;
  readonly byNumber: Map<number, string>;
  readonly deprecated: ReadonlySet<string>;
  /** The name of the value numbered 0 (the default). */
  readonly defaultName: string;

  constructor(name: string, schema: SchemaEnum) {
    this.name = name;
    this.byName = new Map(schema.values);
    this.byNumber = new Map();
    for (const [valueName, number] of schema.values) {
      if (!this.byNumber.has(number)) this.byNumber.set(number, valueName);
    }
    this.deprecated = new Set(schema.deprecated ?? []);
    this.defaultName = this.byNumber.get(0) ?? schema.values[0]?.[0] ?? '';
  }
}

/** A field with its message or enum type resolved. */
export class FieldInfo {
  readonly name: string;
  readonly json: string;
  readonly id: number;
  readonly kind: FieldKind;
  readonly typeName: string | undefined;
  readonly repeated: boolean;
  readonly map: boolean;
  /** Has explicit presence: a message, a oneof member, or a proto3 `optional` scalar. */
  readonly hasPresence: boolean;
  readonly keyKind: FieldKind | undefined;
  readonly oneof: string | undefined;
  readonly deprecated: boolean;
  readonly deprecatedAt: string | undefined;
  readonly sensitive: boolean;
  readonly rules: Record<string, unknown> | undefined;
  /** The message type, for `kind === 'message'`; set when the index is built. */
  message: MessageInfo | undefined;
  /** The enum type, for `kind === 'enum'`. */
  enumType: EnumInfo | undefined;

  constructor(schema: SchemaField) {
    this.name = schema.name;
    this.json = schema.json;
    this.id = schema.id;
    this.kind = schema.kind;
    this.typeName = schema.type;
    this.repeated = schema.label === 'repeated';
    this.map = schema.label === 'map';
    this.keyKind = schema.keyKind;
    this.oneof = schema.oneof;
    this.hasPresence =
      !this.repeated &&
      !this.map &&
      (schema.kind === 'message' || schema.oneof !== undefined || schema.label === 'optional');
    this.deprecated = schema.deprecated === true;
    this.deprecatedAt = schema.deprecatedAt;
    this.sensitive = schema.sensitive === true;
    this.rules = schema.rules;
    this.message = undefined;
    this.enumType = undefined;
  }
}

/** A message type with its fields indexed by both of their names. */
export class MessageInfo {
  readonly name: string;
  readonly file: string;
  readonly fields: FieldInfo[];
  /** Fields by proto name and by JSON name. */
  readonly byName: Map<string, FieldInfo>;
  readonly oneofs: readonly SchemaOneof[];
  readonly previous: string | undefined;
  readonly wellKnown: WellKnownKind | undefined;
  readonly validateDisabled: boolean;

  constructor(name: string, schema: SchemaMessage) {
    this.name = name;
    this.file = schema.file;
    this.fields = schema.fields.map((f) => new FieldInfo(f));
    this.byName = new Map();
    for (const field of this.fields) {
      this.byName.set(field.name, field);
      this.byName.set(field.json, field);
    }
    this.oneofs = schema.oneofs ?? [];
    this.previous = schema.previous;
    this.wellKnown = WELL_KNOWN[name];
    this.validateDisabled = schema.validateDisabled === true;
  }
}

/** Every loaded message and enum, by full name, with type references resolved. */
export class SchemaIndex {
  readonly source: string;
  readonly messages: Map<string, MessageInfo>;
  readonly enums: Map<string, EnumInfo>;
  /** Envoy v2 (and other earlier) type names to the v3 type that replaced them. */
  readonly replacements: Map<string, string>;

  constructor(schema: EnvoySchema) {
    this.source = schema.source;
    this.messages = new Map();
    this.enums = new Map();
    this.replacements = new Map();
    for (const [name, message] of Object.entries(schema.messages)) {
      const info = new MessageInfo(name, message);
      this.messages.set(name, info);
      if (info.previous) this.replacements.set(info.previous, name);
    }
    for (const [name, enumSchema] of Object.entries(schema.enums)) {
      this.enums.set(name, new EnumInfo(name, enumSchema));
    }
    for (const message of this.messages.values()) {
      for (const field of message.fields) {
        if (field.kind === 'message') field.message = this.messages.get(field.typeName as string);
        else if (field.kind === 'enum') field.enumType = this.enums.get(field.typeName as string);
      }
    }
  }

  /** The message type called `name`; throws if there is none (a programming error). */
  message(name: string): MessageInfo {
    const info = this.messages.get(name);
    if (!info) throw new Error(`no message type ${name} in the Envoy schema`);
    return info;
  }
}
