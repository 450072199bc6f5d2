// Splits an Envoy format string into literal text and command operators, once, at config time.
// Grammar (Envoy's): `%NAME%`, `%NAME(ARG)%`, `%NAME(ARG):LEN%`, where NAME is [A-Z0-9_]+ and ARG
// holds no ')'. `%%` is a literal '%'. Any other '%' is an error naming its position.
import { formatSyntaxError } from './errors.ts';

/** A command operator as written in a format string. */
export interface ParsedOperator {
  readonly name: string;
  /** The text between the parentheses, or undefined when there are none. */
  readonly argument: string | undefined;
  /** The `:LEN` truncation, or undefined. */
  readonly maxLength: number | undefined;
  /** Offset of the operator's opening '%' in the format string. */
  readonly position: number;
}

/** Literal text (a string) or a command operator, in the order they appear. */
export type FormatToken = string | ParsedOperator;

function isNameChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95; // A-Z 0-9 _
}

/** Parses `format`; throws an access-log config error naming `where` when it is malformed. */
export function parseFormatString(format: string, where: string): FormatToken[] {
  const tokens: FormatToken[] = [];
  let text = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i] as string;
    if (c !== '%') {
      text += c;
      i++;
      continue;
    }
    if (format[i + 1] === '%') {
      text += '%';
      i += 2;
      continue;
    }
    const start = i;
    let j = i + 1;
    while (j < format.length && isNameChar(format.charCodeAt(j))) j++;
    if (j === i + 1) {
      throw formatSyntaxError(where, format, start, "no command operator after '%'");
    }
    const name = format.slice(i + 1, j);
    let argument: string | undefined;
    if (format[j] === '(') {
      const close = format.indexOf(')', j + 1);
      if (close < 0) {
        throw formatSyntaxError(where, format, start, `unterminated '(' of %${name}%`);
      }
      argument = format.slice(j + 1, close);
      j = close + 1;
    }
    let maxLength: number | undefined;
    if (format[j] === ':') {
      let k = j + 1;
      while (k < format.length && format.charCodeAt(k) >= 48 && format.charCodeAt(k) <= 57) k++;
      if (k === j + 1) {
        throw formatSyntaxError(where, format, start, `':' without a length in %${name}%`);
      }
      maxLength = Number(format.slice(j + 1, k));
      j = k;
    }
    if (format[j] !== '%') {
      throw formatSyntaxError(
        where,
        format,
        start,
        `command operator %${name}% is not closed by '%'`,
      );
    }
    if (text !== '') tokens.push(text);
    text = '';
    tokens.push({ name, argument, maxLength, position: start });
    i = j + 1;
  }
  if (text !== '') tokens.push(text);
  return tokens;
}
