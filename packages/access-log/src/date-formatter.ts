// strftime-like time formatting for %START_TIME(...)%, compiled once at config time. Times are
// printed in UTC, as Envoy prints them. Everything that depends only on the whole second is rendered
// once per second and cached, so a busy logger pays only for the fractional digits.

/** Envoy's default `%START_TIME%` format: ISO 8601 with milliseconds, e.g. `2016-04-15T20:17:00.310Z`. */
export const DEFAULT_START_TIME_FORMAT = '%Y-%m-%dT%H:%M:%E3SZ';

// Piece kinds. A piece is either literal text, a field of the whole second, or fractional digits.
const LITERAL = 0;
const FIELD = 1;
const FRACTION = 2; // fixed number of digits (%f, %3f, and the digits of %E3S)
const FRACTION_TRIMMED = 3; // %E*S's digits: as many as needed, with a leading '.', or nothing

// Fields of the whole second.
const F_YEAR = 0;
const F_YEAR2 = 1;
const F_CENTURY = 2;
const F_MONTH = 3;
const F_DAY = 4;
const F_DAY_SPACE = 5;
const F_HOUR = 6;
const F_HOUR12 = 7;
const F_MINUTE = 8;
const F_SECOND = 9;
const F_AMPM = 10;
const F_DAY_OF_YEAR = 11;
const F_WEEKDAY_SHORT = 12;
const F_WEEKDAY_LONG = 13;
const F_MONTH_SHORT = 14;
const F_MONTH_LONG = 15;
const F_WEEKDAY_MON1 = 16;
const F_WEEKDAY_SUN0 = 17;
const F_EPOCH_SECONDS = 18;

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

interface Piece {
  readonly kind: number;
  /** Literal text, for LITERAL. */
  readonly text: string;
  /** The field, for FIELD; the number of digits, for FRACTION. */
  readonly value: number;
}

function literal(text: string): Piece {
  return { kind: LITERAL, text, value: 0 };
}
function field(value: number): Piece {
  return { kind: FIELD, text: '', value };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n);
}

function renderField(id: number, date: Date, epochSeconds: number): string {
  switch (id) {
    case F_YEAR:
      return String(date.getUTCFullYear());
    case F_YEAR2:
      return pad2(date.getUTCFullYear() % 100);
    case F_CENTURY:
      return pad2(Math.floor(date.getUTCFullYear() / 100));
    case F_MONTH:
      return pad2(date.getUTCMonth() + 1);
    case F_DAY:
      return pad2(date.getUTCDate());
    case F_DAY_SPACE: {
      const d = date.getUTCDate();
      return d < 10 ? ` ${d}` : String(d);
    }
    case F_HOUR:
      return pad2(date.getUTCHours());
    case F_HOUR12: {
      const h = date.getUTCHours() % 12;
      return pad2(h === 0 ? 12 : h);
    }
    case F_MINUTE:
      return pad2(date.getUTCMinutes());
    case F_SECOND:
      return pad2(date.getUTCSeconds());
    case F_AMPM:
      return date.getUTCHours() < 12 ? 'AM' : 'PM';
    case F_DAY_OF_YEAR: {
      const start = Date.UTC(date.getUTCFullYear(), 0, 1);
      return pad3(Math.floor((date.getTime() - start) / 86_400_000) + 1);
    }
    case F_WEEKDAY_SHORT:
      return (WEEKDAYS[date.getUTCDay()] as string).slice(0, 3);
    case F_WEEKDAY_LONG:
      return WEEKDAYS[date.getUTCDay()] as string;
    case F_MONTH_SHORT:
      return (MONTHS[date.getUTCMonth()] as string).slice(0, 3);
    case F_MONTH_LONG:
      return MONTHS[date.getUTCMonth()] as string;
    case F_WEEKDAY_MON1: {
      const d = date.getUTCDay();
      return String(d === 0 ? 7 : d);
    }
    case F_WEEKDAY_SUN0:
      return String(date.getUTCDay());
    default:
      return String(epochSeconds);
  }
}

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const ZEROS = '000000000';

/** The first `digits` digits of a nine-digit nanosecond fraction, zero-padded. */
function fractionDigits(nanos: number, digits: number): string {
  const value = String(Math.floor(nanos / (POWERS_OF_TEN[9 - digits] as number)));
  return value.length >= digits ? value : ZEROS.slice(0, digits - value.length) + value;
}

/** Thrown by {@link compileDateFormat} for a specifier it does not support. */
export class DateFormatSyntaxError extends Error {}

function compilePieces(spec: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  const flushText = () => {
    if (text !== '') pieces.push(literal(text));
    text = '';
  };
  const push = (...more: Piece[]) => {
    flushText();
    pieces.push(...more);
  };
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i] as string;
    if (c !== '%') {
      text += c;
      continue;
    }
    const s = spec[++i];
    switch (s) {
      case undefined:
        throw new DateFormatSyntaxError(`a lone '%' ends time format ${JSON.stringify(spec)}`);
      case '%':
        text += '%';
        break;
      case 'n':
        text += '\n';
        break;
      case 't':
        text += '\t';
        break;
      case 'Y':
        push(field(F_YEAR));
        break;
      case 'y':
        push(field(F_YEAR2));
        break;
      case 'C':
        push(field(F_CENTURY));
        break;
      case 'm':
        push(field(F_MONTH));
        break;
      case 'd':
        push(field(F_DAY));
        break;
      case 'e':
        push(field(F_DAY_SPACE));
        break;
      case 'H':
        push(field(F_HOUR));
        break;
      case 'I':
        push(field(F_HOUR12));
        break;
      case 'M':
        push(field(F_MINUTE));
        break;
      case 'S':
        push(field(F_SECOND));
        break;
      case 'p':
        push(field(F_AMPM));
        break;
      case 'j':
        push(field(F_DAY_OF_YEAR));
        break;
      case 'a':
        push(field(F_WEEKDAY_SHORT));
        break;
      case 'A':
        push(field(F_WEEKDAY_LONG));
        break;
      case 'b':
      case 'h':
        push(field(F_MONTH_SHORT));
        break;
      case 'B':
        push(field(F_MONTH_LONG));
        break;
      case 'u':
        push(field(F_WEEKDAY_MON1));
        break;
      case 'w':
        push(field(F_WEEKDAY_SUN0));
        break;
      case 's':
        push(field(F_EPOCH_SECONDS));
        break;
      case 'z':
        text += '+0000';
        break;
      case 'Z':
        text += 'UTC';
        break;
      case 'F':
        push(field(F_YEAR), literal('-'), field(F_MONTH), literal('-'), field(F_DAY));
        break;
      case 'T':
        push(field(F_HOUR), literal(':'), field(F_MINUTE), literal(':'), field(F_SECOND));
        break;
      case 'R':
        push(field(F_HOUR), literal(':'), field(F_MINUTE));
        break;
      case 'D':
        push(field(F_MONTH), literal('/'), field(F_DAY), literal('/'), field(F_YEAR2));
        break;
      case 'f':
        // %f alone is nanoseconds (9 digits), as in Envoy.
        push({ kind: FRACTION, text: '', value: 9 });
        break;
      case 'E': {
        // %Ez (offset with a colon), %E<d>S (seconds with d fractional digits), %E*S.
        const next = spec[i + 1];
        if (next === 'z') {
          text += '+00:00';
          i += 1;
          break;
        }
        if (next === '*' && spec[i + 2] === 'S') {
          push(field(F_SECOND), { kind: FRACTION_TRIMMED, text: '', value: 9 });
          i += 2;
          break;
        }
        if (next !== undefined && next >= '0' && next <= '9' && spec[i + 2] === 'S') {
          const digits = Number(next);
          push(field(F_SECOND));
          if (digits > 0) push(literal('.'), { kind: FRACTION, text: '', value: digits });
          i += 2;
          break;
        }
        throw new DateFormatSyntaxError(
          `unsupported specifier '%E${next ?? ''}' in time format ${JSON.stringify(spec)}`,
        );
      }
      default:
        if (s >= '1' && s <= '9' && spec[i + 1] === 'f') {
          push({ kind: FRACTION, text: '', value: Number(s) });
          i += 1;
          break;
        }
        throw new DateFormatSyntaxError(
          `unsupported specifier '%${s}' in time format ${JSON.stringify(spec)}`,
        );
    }
  }
  flushText();
  return pieces;
}

/**
 * A compiled time format: `format(ms)` renders a time given in milliseconds since the epoch
 * (fractions of a millisecond give the finer digits of `%6f` / `%9f`).
 */
export class DateFormatter {
  // Segments alternate between runs of whole-second pieces (rendered once per second into
  // `cachedRuns`) and fraction pieces (rendered per call).
  private readonly runs: Piece[][];
  private readonly fractions: (Piece | null)[];
  private readonly cachedRuns: string[];
  private readonly hasFractions: boolean;
  private cachedSecond: number;
  private cachedWhole: string;

  constructor(spec: string) {
    const pieces = compilePieces(spec);
    this.runs = [[]];
    this.fractions = [];
    for (const piece of pieces) {
      if (piece.kind === FRACTION || piece.kind === FRACTION_TRIMMED) {
        this.fractions.push(piece);
        this.runs.push([]);
      } else {
        (this.runs[this.runs.length - 1] as Piece[]).push(piece);
      }
    }
    this.fractions.push(null);
    this.hasFractions = this.fractions.length > 1;
    this.cachedRuns = this.runs.map(() => '');
    this.cachedSecond = Number.NaN;
    this.cachedWhole = '';
  }

  format(ms: number): string {
    const second = Math.floor(ms / 1000);
    if (second !== this.cachedSecond) this.renderSecond(second);
    if (!this.hasFractions) return this.cachedWhole;
    // Nanoseconds within the second; a double holds about a microsecond of a current epoch time.
    let nanos = Math.round((ms - second * 1000) * 1e6);
    if (nanos > 999_999_999) nanos = 999_999_999;
    let out = '';
    for (let i = 0; i < this.cachedRuns.length; i++) {
      out += this.cachedRuns[i] as string;
      const fraction = this.fractions[i];
      if (fraction === null || fraction === undefined) continue;
      if (fraction.kind === FRACTION) {
        out += fractionDigits(nanos, fraction.value);
      } else if (nanos !== 0) {
        const digits = fractionDigits(nanos, 9);
        let end = 9;
        while (digits.charCodeAt(end - 1) === 48 /* '0' */) end--;
        out += `.${digits.slice(0, end)}`;
      }
    }
    return out;
  }

  private renderSecond(second: number): void {
    const date = new Date(second * 1000);
    let whole = '';
    for (let r = 0; r < this.runs.length; r++) {
      let text = '';
      for (const piece of this.runs[r] as Piece[]) {
        text += piece.kind === LITERAL ? piece.text : renderField(piece.value, date, second);
      }
      this.cachedRuns[r] = text;
      whole += text;
    }
    this.cachedSecond = second;
    this.cachedWhole = whole;
  }
}

/** Compiles a time format; throws {@link DateFormatSyntaxError} on an unsupported specifier. */
export function compileDateFormat(spec: string): DateFormatter {
  return new DateFormatter(spec);
}
