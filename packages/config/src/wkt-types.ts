/** A decoded `google.protobuf.Duration`: whole seconds and nanoseconds, both carrying the sign. */
export interface Duration {
  seconds: number;
  nanos: number;
}

/** A decoded `google.protobuf.Timestamp`: seconds and nanoseconds since the Unix epoch (UTC). */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

/** A JSON value, as decoded from `google.protobuf.Value` (and `Struct` members). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A decoded `google.protobuf.Struct`. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A decoded `google.protobuf.Any`: its type URL and the decoded message it holds (the message's
 * typed shape; for a packed well-known type, its decoded form, e.g. a string for `StringValue`).
 */
export interface AnyValue<T = unknown> {
  typeUrl: string;
  value: T;
}
