/**
 * The compact, JSON-serialisable description of Envoy's API types that the config package works
 * from: every message, field and enum of the loaded protos, with the annotations that matter to a
 * config loader (protoc-gen-validate rules, `deprecated`, `udpa.annotations.sensitive`, the
 * previous API version of a message). It is produced from the `.proto` files by protobufjs at build
 * time (see `compile-protos.ts`), shipped as `envoy-schema.json`, and read at first use.
 */

/** Scalar and reference kinds of a field, as the `.proto` type names them. */
export type FieldKind =
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'message'
  | 'enum';

/** One field of a message. */
export interface SchemaField {
  /** The `.proto` name (`connect_timeout`). */
  name: string;
  /** The proto3 JSON name (`connectTimeout`), also the property name in decoded objects. */
  json: string;
  /** Field number. */
  id: number;
  /** Value kind; for a map, the kind of the map's values. */
  kind: FieldKind;
  /** Full name of the message or enum type when `kind` is `message` or `enum`. */
  type?: string;
  /** `repeated`, `map`, or `optional` (proto3 explicit presence); absent for a singular field. */
  label?: 'repeated' | 'map' | 'optional';
  /** Kind of a map's keys. */
  keyKind?: FieldKind;
  /** Name of the oneof this field belongs to. */
  oneof?: string;
  /** Set when the field carries `deprecated = true`. */
  deprecated?: true;
  /** `envoy.annotations.deprecated_at_minor_version`, when given. */
  deprecatedAt?: string;
  /** Set when the field carries `udpa.annotations.sensitive`. */
  sensitive?: true;
  /** The field's `validate.rules` (protoc-gen-validate), as written in the proto. */
  rules?: Record<string, unknown>;
}

/** A oneof of a message. */
export interface SchemaOneof {
  name: string;
  /** `option (validate.required) = true`: one member must be set. */
  required?: true;
}

/** One message type. */
export interface SchemaMessage {
  /** Source file, relative to its proto root (`envoy/config/cluster/v3/cluster.proto`). */
  file: string;
  fields: SchemaField[];
  oneofs?: SchemaOneof[];
  /** `udpa.annotations.versioning.previous_message_type`: the type this one replaced. */
  previous?: string;
  /** `option (validate.disabled) = true` or `(validate.ignored)`: skip the message's rules. */
  validateDisabled?: true;
}

/** One enum type. */
export interface SchemaEnum {
  /** Value names and numbers, in declaration order. */
  values: [name: string, number: number][];
  /** Names of values marked `deprecated = true`. */
  deprecated?: string[];
}

/** The whole schema, as stored in `envoy-schema.json`. */
export interface EnvoySchema {
  /** Format version of this file. */
  format: 1;
  /** Where the protos came from, e.g. `@grpc/grpc-js-xds@1.14.1`. */
  source: string;
  messages: Record<string, SchemaMessage>;
  enums: Record<string, SchemaEnum>;
}
