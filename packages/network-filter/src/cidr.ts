// IP addresses and CIDR ranges for filter-chain matching (Envoy's `Address::CidrRange`).
import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export interface IpBytes {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

/** A CIDR range with its address masked to the prefix, as Envoy normalises it. */
export interface CidrRange extends IpBytes {
  readonly prefixLen: number;
  /** Normalised text, `10.0.0.0/8`: two ranges with the same text are the same range. */
  readonly text: string;
}

function parseV4(text: string): Uint8Array {
  const bytes = new Uint8Array(4);
  const parts = text.split('.');
  for (let i = 0; i < 4; i++) bytes[i] = Number(parts[i]);
  return bytes;
}

function parseV6(text: string): Uint8Array {
  const zone = text.indexOf('%');
  const address = zone === -1 ? text : text.slice(0, zone);
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const v4 = parseV4(piece);
        out.push(((v4[0] as number) << 8) | (v4[1] as number));
        out.push(((v4[2] as number) << 8) | (v4[3] as number));
      } else {
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const split = address.indexOf('::');
  let all: number[];
  if (split === -1) {
    all = groups(address);
  } else {
    const head = groups(address.slice(0, split));
    const tail = groups(address.slice(split + 2));
    all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const group = all[i] ?? 0;
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  }
  return bytes;
}

/** Parses an IPv4 or IPv6 address (an IPv4-mapped IPv6 address is taken as IPv4); null if not one. */
export function parseIp(text: string): IpBytes | null {
  if (isIPv4(text)) return { family: 4, bytes: parseV4(text) };
  if (isIPv6(text)) {
    const bytes = parseV6(text);
    let mapped = bytes[10] === 0xff && bytes[11] === 0xff;
    for (let i = 0; mapped && i < 10; i++) mapped = bytes[i] === 0;
    if (mapped) return { family: 4, bytes: bytes.slice(12) };
    return { family: 6, bytes };
  }
  return null;
}

function formatBytes(family: 4 | 6, bytes: Uint8Array): string {
  if (family === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  }
  return groups.join(':');
}

/**
 * Parses `addressPrefix` / `prefixLen` into a normalised range (host bits cleared), or returns an
 * error message. An unset prefix length is 0 (the whole address family), as in Envoy.
 */
export function parseCidrRange(addressPrefix: string, prefixLen = 0): CidrRange | string {
  const ip = parseIp(addressPrefix);
  if (ip === null) return `malformed IP address: ${addressPrefix}`;
  const maxLen = ip.family === 4 ? 32 : 128;
  if (!Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > maxLen) {
    return `invalid prefix length ${prefixLen} for ${addressPrefix} (at most ${maxLen})`;
  }
  const bytes = new Uint8Array(ip.bytes);
  for (let bit = prefixLen; bit < maxLen; bit++) {
    const index = bit >> 3;
    bytes[index] = (bytes[index] as number) & ~(0x80 >> (bit & 7));
  }
  return {
    family: ip.family,
    bytes,
    prefixLen,
    text: `${formatBytes(ip.family, bytes)}/${prefixLen}`,
  };
}

/** Whether `ip` lies in `range`. */
export function cidrContains(range: CidrRange, ip: IpBytes): boolean {
  if (range.family !== ip.family) return false;
  const full = range.prefixLen >> 3;
  for (let i = 0; i < full; i++) {
    if (range.bytes[i] !== ip.bytes[i]) return false;
  }
  const rest = range.prefixLen & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip.bytes[full] as number) & mask) === range.bytes[full];
}

/** Whether `ip` is a loopback address (127.0.0.0/8 or ::1). */
export function isLoopback(ip: IpBytes): boolean {
  if (ip.family === 4) return ip.bytes[0] === 127;
  for (let i = 0; i < 15; i++) if (ip.bytes[i] !== 0) return false;
  return ip.bytes[15] === 1;
}

/** Whether two addresses are the same. */
export function sameIp(a: IpBytes, b: IpBytes): boolean {
  if (a.family !== b.family) return false;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}
