// The command operators Nuncio supports, each compiled once into a FormatterProvider. Providers are
// small classes with a numeric `field` switch: the data path makes direct property reads, allocates
// no closures and runs no regular expressions.
import { hostname } from 'node:os';
import type { DateFormatter } from './date-formatter.ts';
import {
  compileDateFormat,
  DateFormatSyntaxError,
  DEFAULT_START_TIME_FORMAT,
} from './date-formatter.ts';
import { badOperatorArgumentError, unknownOperatorError } from './errors.ts';
import type { ParsedOperator } from './format-parser.ts';
import type { FormatterProvider } from './formatter.ts';
import { responseFlagsToLongString, responseFlagsToShortString } from './response-flags.ts';
import type { HeaderLookup, SocketAddress, StreamInfo } from './stream-info.ts';

// Numeric fields (typed as numbers in JSON).
const N_BYTES_RECEIVED = 0;
const N_BYTES_SENT = 1;
const N_DURATION = 2;
const N_RESPONSE_CODE = 3;
const N_CONNECTION_ID = 4;

class NumberProvider implements FormatterProvider {
  private readonly field: number;

  constructor(field: number) {
    this.field = field;
  }

  formatValue(info: StreamInfo): number | null {
    switch (this.field) {
      case N_BYTES_RECEIVED:
        return info.bytesReceived ?? 0;
      case N_BYTES_SENT:
        return info.bytesSent ?? 0;
      case N_DURATION: {
        const d = info.durationMs;
        return d === undefined ? null : Math.trunc(d);
      }
      case N_RESPONSE_CODE:
        // Envoy prints 0 when no response code is set (every TCP connection).
        return info.responseCode ?? 0;
      default:
        return info.connectionId ?? null;
    }
  }

  format(info: StreamInfo): string | null {
    const value = this.formatValue(info);
    return value === null ? null : String(value);
  }
}

// String fields.
const S_UPSTREAM_CLUSTER = 0;
const S_TERMINATION_DETAILS = 1;
const S_PROTOCOL = 2;
const S_RESPONSE_FLAGS = 3;
const S_RESPONSE_FLAGS_LONG = 4;
const S_REQUESTED_SERVER_NAME = 5;
const S_ROUTE_NAME = 6;
const S_RESPONSE_CODE_DETAILS = 7;

class StringProvider implements FormatterProvider {
  private readonly field: number;

  constructor(field: number) {
    this.field = field;
  }

  format(info: StreamInfo): string | null {
    switch (this.field) {
      case S_UPSTREAM_CLUSTER:
        return info.upstreamCluster ?? null;
      case S_TERMINATION_DETAILS:
        return info.connectionTerminationDetails ?? null;
      case S_PROTOCOL:
        return info.protocol ?? null;
      case S_RESPONSE_FLAGS:
        return responseFlagsToShortString(info.responseFlags ?? 0);
      case S_RESPONSE_FLAGS_LONG:
        return responseFlagsToLongString(info.responseFlags ?? 0);
      case S_REQUESTED_SERVER_NAME:
        return info.requestedServerName ?? null;
      case S_ROUTE_NAME:
        return info.routeName ?? null;
      default:
        return info.responseCodeDetails ?? null;
    }
  }

  formatValue(info: StreamInfo): string | null {
    return this.format(info);
  }
}

// Which address, and which part of it.
const A_DOWNSTREAM_REMOTE = 0;
const A_DOWNSTREAM_DIRECT_REMOTE = 1;
const A_DOWNSTREAM_LOCAL = 2;
const A_UPSTREAM_HOST = 3;
const A_UPSTREAM_LOCAL = 4;
const A_UPSTREAM_REMOTE = 5;

const PART_FULL = 0;
const PART_WITHOUT_PORT = 1;
const PART_PORT = 2;

function addressOf(which: number, info: StreamInfo): SocketAddress | undefined {
  switch (which) {
    case A_DOWNSTREAM_REMOTE:
      return info.downstreamRemoteAddress;
    case A_DOWNSTREAM_DIRECT_REMOTE:
      return info.downstreamDirectRemoteAddress ?? info.downstreamRemoteAddress;
    case A_DOWNSTREAM_LOCAL:
      return info.downstreamLocalAddress;
    case A_UPSTREAM_HOST:
      return info.upstreamHost;
    case A_UPSTREAM_LOCAL:
      return info.upstreamLocalAddress;
    default:
      return info.upstreamRemoteAddress ?? info.upstreamHost;
  }
}

/** Envoy's `asString()` of an address: `1.2.3.4:80`, `[::1]:80`, or a pipe path. */
export function formatSocketAddress(address: SocketAddress): string {
  const port = address.port;
  if (port === undefined) return address.address;
  return address.address.includes(':')
    ? `[${address.address}]:${port}`
    : `${address.address}:${port}`;
}

class AddressProvider implements FormatterProvider {
  private readonly which: number;
  private readonly part: number;

  constructor(which: number, part: number) {
    this.which = which;
    this.part = part;
  }

  format(info: StreamInfo): string | null {
    const address = addressOf(this.which, info);
    if (address === undefined) return null;
    switch (this.part) {
      case PART_FULL:
        return formatSocketAddress(address);
      case PART_WITHOUT_PORT:
        return address.address;
      default:
        return address.port === undefined ? null : String(address.port);
    }
  }

  formatValue(info: StreamInfo): string | number | null {
    if (this.part !== PART_PORT) return this.format(info);
    return addressOf(this.which, info)?.port ?? null;
  }
}

class StartTimeProvider implements FormatterProvider {
  private readonly formatter: DateFormatter;

  constructor(formatter: DateFormatter) {
    this.formatter = formatter;
  }

  format(info: StreamInfo): string | null {
    const start = info.startTimeMs;
    return start === undefined ? null : this.formatter.format(start);
  }

  formatValue(info: StreamInfo): string | null {
    // Envoy renders START_TIME as a string in JSON, whatever its format.
    return this.format(info);
  }
}

const H_REQUEST = 0;
const H_RESPONSE = 1;
const H_TRAILER = 2;

function headersOf(which: number, info: StreamInfo): HeaderLookup | undefined {
  return which === H_REQUEST
    ? info.requestHeaders
    : which === H_RESPONSE
      ? info.responseHeaders
      : info.responseTrailers;
}

class HeaderProvider implements FormatterProvider {
  private readonly which: number;
  private readonly main: string;
  private readonly alternative: string | null;

  constructor(which: number, main: string, alternative: string | null) {
    this.which = which;
    this.main = main;
    this.alternative = alternative;
  }

  format(info: StreamInfo): string | null {
    const headers = headersOf(this.which, info);
    if (headers === undefined) return null;
    const value = headers.get(this.main);
    if (value !== undefined) return value;
    if (this.alternative === null) return null;
    return headers.get(this.alternative) ?? null;
  }

  formatValue(info: StreamInfo): string | null {
    return this.format(info);
  }
}

/** A value fixed at config time (`%HOSTNAME%`, `%ENVIRONMENT(X)%`). */
class ConstantProvider implements FormatterProvider {
  private readonly value: string | null;

  constructor(value: string | null) {
    this.value = value;
  }

  format(): string | null {
    return this.value;
  }

  formatValue(): string | null {
    return this.value;
  }
}

type Factory = (op: ParsedOperator, where: string) => FormatterProvider;

function noArgument(factory: () => FormatterProvider): Factory {
  return (op, where) => {
    if (op.argument !== undefined) {
      throw badOperatorArgumentError(where, op.name, 'takes no argument in parentheses');
    }
    return factory();
  };
}

function headerFactory(which: number): Factory {
  return (op, where) => {
    const argument = op.argument;
    if (argument === undefined || argument === '') {
      throw badOperatorArgumentError(where, op.name, `needs a header name: %${op.name}(X?Y)%`);
    }
    const parts = argument.split('?');
    if (parts.length > 2 || parts.some((p) => p === '')) {
      throw badOperatorArgumentError(
        where,
        op.name,
        `header argument ${JSON.stringify(argument)} must be X or X?Y`,
      );
    }
    return new HeaderProvider(
      which,
      (parts[0] as string).toLowerCase(),
      parts[1] === undefined ? null : parts[1].toLowerCase(),
    );
  };
}

function addressOperators(prefix: string, which: number): [string, Factory][] {
  return [
    [prefix, noArgument(() => new AddressProvider(which, PART_FULL))],
    [`${prefix}_WITHOUT_PORT`, noArgument(() => new AddressProvider(which, PART_WITHOUT_PORT))],
  ];
}

function portOperator(name: string, which: number): [string, Factory] {
  return [name, noArgument(() => new AddressProvider(which, PART_PORT))];
}

const OPERATORS = new Map<string, Factory>([
  [
    'START_TIME',
    (op, where) => {
      const spec =
        op.argument === undefined || op.argument === '' ? DEFAULT_START_TIME_FORMAT : op.argument;
      try {
        return new StartTimeProvider(compileDateFormat(spec));
      } catch (error) {
        if (error instanceof DateFormatSyntaxError) {
          throw badOperatorArgumentError(where, op.name, error.message);
        }
        throw error;
      }
    },
  ],
  ['BYTES_RECEIVED', noArgument(() => new NumberProvider(N_BYTES_RECEIVED))],
  ['BYTES_SENT', noArgument(() => new NumberProvider(N_BYTES_SENT))],
  ['DURATION', noArgument(() => new NumberProvider(N_DURATION))],
  ['RESPONSE_CODE', noArgument(() => new NumberProvider(N_RESPONSE_CODE))],
  ['CONNECTION_ID', noArgument(() => new NumberProvider(N_CONNECTION_ID))],
  ['RESPONSE_FLAGS', noArgument(() => new StringProvider(S_RESPONSE_FLAGS))],
  ['RESPONSE_FLAGS_LONG', noArgument(() => new StringProvider(S_RESPONSE_FLAGS_LONG))],
  ['RESPONSE_CODE_DETAILS', noArgument(() => new StringProvider(S_RESPONSE_CODE_DETAILS))],
  ['PROTOCOL', noArgument(() => new StringProvider(S_PROTOCOL))],
  ['UPSTREAM_CLUSTER', noArgument(() => new StringProvider(S_UPSTREAM_CLUSTER))],
  ['CONNECTION_TERMINATION_DETAILS', noArgument(() => new StringProvider(S_TERMINATION_DETAILS))],
  ['REQUESTED_SERVER_NAME', noArgument(() => new StringProvider(S_REQUESTED_SERVER_NAME))],
  ['ROUTE_NAME', noArgument(() => new StringProvider(S_ROUTE_NAME))],
  ['UPSTREAM_HOST', noArgument(() => new AddressProvider(A_UPSTREAM_HOST, PART_FULL))],
  ...addressOperators('DOWNSTREAM_REMOTE_ADDRESS', A_DOWNSTREAM_REMOTE),
  portOperator('DOWNSTREAM_REMOTE_PORT', A_DOWNSTREAM_REMOTE),
  ...addressOperators('DOWNSTREAM_DIRECT_REMOTE_ADDRESS', A_DOWNSTREAM_DIRECT_REMOTE),
  portOperator('DOWNSTREAM_DIRECT_REMOTE_PORT', A_DOWNSTREAM_DIRECT_REMOTE),
  ...addressOperators('DOWNSTREAM_LOCAL_ADDRESS', A_DOWNSTREAM_LOCAL),
  portOperator('DOWNSTREAM_LOCAL_PORT', A_DOWNSTREAM_LOCAL),
  ...addressOperators('UPSTREAM_LOCAL_ADDRESS', A_UPSTREAM_LOCAL),
  portOperator('UPSTREAM_LOCAL_PORT', A_UPSTREAM_LOCAL),
  ...addressOperators('UPSTREAM_REMOTE_ADDRESS', A_UPSTREAM_REMOTE),
  portOperator('UPSTREAM_REMOTE_PORT', A_UPSTREAM_REMOTE),
  ['HOSTNAME', noArgument(() => new ConstantProvider(hostname()))],
  [
    'ENVIRONMENT',
    (op, where) => {
      if (op.argument === undefined || op.argument === '') {
        throw badOperatorArgumentError(where, op.name, 'needs a variable name: %ENVIRONMENT(X)%');
      }
      const value = process.env[op.argument];
      return new ConstantProvider(value === undefined || value === '' ? null : value);
    },
  ],
  ['REQ', headerFactory(H_REQUEST)],
  ['RESP', headerFactory(H_RESPONSE)],
  ['TRAILER', headerFactory(H_TRAILER)],
]);

/** The names of every command operator Nuncio supports, sorted. */
export function supportedCommandOperators(): string[] {
  return [...OPERATORS.keys()].sort();
}

/** Compiles one parsed operator; throws a config error naming `where` when it is unknown or bad. */
export function compileOperator(op: ParsedOperator, where: string, format: string) {
  const factory = OPERATORS.get(op.name);
  if (factory === undefined) throw unknownOperatorError(where, op.name, format);
  return factory(op, where);
}
