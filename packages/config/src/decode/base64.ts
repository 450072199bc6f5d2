const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Decodes standard or URL-safe base64, padded or not (proto3 JSON accepts all four); null if invalid. */
export function decodeBase64(text: string): Uint8Array | null {
  if (STANDARD.test(text)) return new Uint8Array(Buffer.from(text, 'base64'));
  if (URL_SAFE.test(text)) return new Uint8Array(Buffer.from(text, 'base64url'));
  return null;
}

/** Standard padded base64, as proto3 JSON prints bytes. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
