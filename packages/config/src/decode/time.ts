/** `google.protobuf.Duration` and `Timestamp` as decoded: whole seconds and nanoseconds. */
export interface SecondsNanos {
  seconds: number;
  nanos: number;
}

// protobuf's limit: about 10,000 years.
const MAX_DURATION_SECONDS = 315_576_000_000;
const DURATION = /^(-)?([0-9]+)(?:\.([0-9]{1,9}))?s$/;
// RFC 3339 as proto3 JSON takes it: `Z` or an offset, up to nine fractional digits.
const TIMESTAMP =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?([Zz]|[+-][0-9]{2}:[0-9]{2})$/;
const MIN_TIMESTAMP_SECONDS = -62_135_596_800; // 0001-01-01T00:00:00Z
const MAX_TIMESTAMP_SECONDS = 253_402_300_799; // 9999-12-31T23:59:59Z

/** Parses `"1.5s"`; returns the reason (protobuf's words) when it cannot. */
export function parseDuration(text: string): SecondsNanos | string {
  if (!text.endsWith('s')) return "Illegal duration format; duration must end with 's'";
  const match = DURATION.exec(text);
  if (!match) return 'Invalid duration format, failed to parse seconds';
  const seconds = Number(match[2]);
  const nanos = match[3] ? Number((match[3] as string).padEnd(9, '0')) : 0;
  if (seconds > MAX_DURATION_SECONDS) return 'Duration value exceeds limits';
  const sign = match[1] ? -1 : 1;
  return { seconds: seconds === 0 ? 0 : sign * seconds, nanos: nanos === 0 ? 0 : sign * nanos };
}

/** Parses an RFC 3339 timestamp; returns the reason when it cannot. */
export function parseTimestamp(text: string): SecondsNanos | string {
  const match = TIMESTAMP.exec(text);
  if (!match) return 'Invalid timestamp format, expected RFC 3339';
  const [, y, mo, d, h, mi, s, frac, zone] = match as unknown as string[];
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(base)) return 'Invalid timestamp format, expected RFC 3339';
  let seconds = Math.floor(base / 1000);
  if (Number(y) < 100) seconds = Math.floor(new Date(base).setUTCFullYear(Number(y)) / 1000);
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number) as [number, number];
    seconds -= sign * (zh * 3600 + zm * 60);
  }
  if (seconds < MIN_TIMESTAMP_SECONDS || seconds > MAX_TIMESTAMP_SECONDS) {
    return 'Timestamp value exceeds limits';
  }
  return { seconds, nanos: frac ? Number(frac.padEnd(9, '0')) : 0 };
}

/** Prints a duration the way proto3 JSON does: `"5s"`, `"0.250s"`, `"-1.000000001s"`. */
export function formatDuration(value: SecondsNanos): string {
  const negative = value.seconds < 0 || value.nanos < 0;
  const seconds = Math.abs(value.seconds);
  const nanos = Math.abs(value.nanos);
  let fraction = '';
  if (nanos !== 0) {
    if (nanos % 1_000_000 === 0) fraction = `.${String(nanos / 1_000_000).padStart(3, '0')}`;
    else if (nanos % 1000 === 0) fraction = `.${String(nanos / 1000).padStart(6, '0')}`;
    else fraction = `.${String(nanos).padStart(9, '0')}`;
  }
  return `${negative ? '-' : ''}${seconds}${fraction}s`;
}

/** Prints a timestamp the way proto3 JSON does (UTC, `Z`, 0/3/6/9 fractional digits). */
export function formatTimestamp(value: SecondsNanos): string {
  const iso = new Date(value.seconds * 1000).toISOString().replace(/\.000Z$/, '');
  let fraction = '';
  if (value.nanos !== 0) {
    if (value.nanos % 1_000_000 === 0)
      fraction = `.${String(value.nanos / 1_000_000).padStart(3, '0')}`;
    else if (value.nanos % 1000 === 0) fraction = `.${String(value.nanos / 1000).padStart(6, '0')}`;
    else fraction = `.${String(value.nanos).padStart(9, '0')}`;
  }
  return `${iso}${fraction}Z`;
}

/** Go's duration text, as protoc-gen-validate prints bounds in its messages: `0s`, `1ms`, `5m0s`. */
export function goDurationString(value: SecondsNanos): string {
  const totalNanos = BigInt(value.seconds) * 1_000_000_000n + BigInt(value.nanos);
  if (totalNanos === 0n) return '0s';
  const negative = totalNanos < 0n;
  let n = negative ? -totalNanos : totalNanos;
  const sign = negative ? '-' : '';
  if (n < 1000n) return `${sign}${n}ns`;
  if (n < 1_000_000n) return `${sign}${trimFraction(n, 1000n)}µs`;
  if (n < 1_000_000_000n) return `${sign}${trimFraction(n, 1_000_000n)}ms`;
  let out = '';
  const hours = n / 3_600_000_000_000n;
  n -= hours * 3_600_000_000_000n;
  const minutes = n / 60_000_000_000n;
  n -= minutes * 60_000_000_000n;
  if (hours > 0n) out += `${hours}h`;
  if (hours > 0n || minutes > 0n) out += `${minutes}m`;
  out += `${trimFraction(n, 1_000_000_000n)}s`;
  return sign + out;
}

function trimFraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  return `${whole}.${rest.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
