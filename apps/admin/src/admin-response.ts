/** Content types the admin answers with, Envoy's exact strings. */
export const ContentType = {
  Text: 'text/plain; charset=UTF-8',
  Json: 'application/json',
  Html: 'text/html; charset=UTF-8',
} as const;

/** What an admin handler produces: Envoy's `Http::Code`, a content type and the body. */
export interface AdminResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A text answer. */
export function text(body: string, status = 200): AdminResponse {
  return { status, contentType: ContentType.Text, body };
}

/** A JSON answer of an already serialised body. */
export function json(body: string, status = 200): AdminResponse {
  return { status, contentType: ContentType.Json, body };
}

/**
 * `value` serialised as Envoy's protobuf JSON printer does with pretty printing: one space per
 * level of indentation.
 */
export function prettyProtoJson(value: unknown): string {
  return JSON.stringify(value, null, 1);
}

/** A `google.protobuf.Duration` of whole seconds in proto3 JSON (`"5s"`). */
export function durationJson(seconds: number): string {
  return `${Math.max(0, Math.floor(seconds))}s`;
}
