// UTF-8 for keys and names, written straight into a scratch buffer: keys are short and arrive on
// every call, so a loop over char codes beats TextEncoder.encodeInto (which allocates its result).

const decoder = new TextDecoder('utf-8');

/**
 * Writes `text` as UTF-8 into `out` at `at`, at most `max` bytes; returns the byte count, or -1
 * when it does not fit. Lone surrogates become U+FFFD, as TextEncoder does.
 */
export function encodeUtf8(text: string, out: Uint8Array, at: number, max: number): number {
  let p = at;
  const end = at + max;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      if (p >= end) return -1;
      out[p++] = c;
      continue;
    }
    if (c < 0x800) {
      if (p + 2 > end) return -1;
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        if (p + 4 > end) return -1;
        out[p++] = 0xf0 | (c >> 18);
        out[p++] = 0x80 | ((c >> 12) & 0x3f);
        out[p++] = 0x80 | ((c >> 6) & 0x3f);
        out[p++] = 0x80 | (c & 0x3f);
        continue;
      }
      c = 0xfffd;
    }
    if (p + 3 > end) return -1;
    out[p++] = 0xe0 | (c >> 12);
    out[p++] = 0x80 | ((c >> 6) & 0x3f);
    out[p++] = 0x80 | (c & 0x3f);
  }
  return p - at;
}

/** Decodes UTF-8 bytes (from a non-shared buffer) to a string. */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
