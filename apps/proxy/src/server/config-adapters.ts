// The decoded bootstrap (`@nuncio/config`: every scalar present at its default, `typed_config` as
// `{ typeUrl, value }`) turned into the plain config `@nuncio/stats` reads (proto3 JSON in
// camelCase, only what is set). Only fields the binary's supported subset allows are carried:
// anything else was already refused by validation. (`@nuncio/access-log` reads decoded entries
// itself.)
import type { AnyValue } from '@nuncio/config';
import type { StatsSinkConfig } from '@nuncio/stats';

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One decoded `stats_sinks` entry as `createStatsSink` reads it. */
export function statsSinkConfig(entry: {
  name: string;
  typedConfig?: AnyValue | undefined;
}): StatsSinkConfig {
  const value = isPlain(entry.typedConfig?.value) ? entry.typedConfig.value : {};
  const out: Plain = {};
  if (typeof value.prefix === 'string' && value.prefix !== '') out.prefix = value.prefix;
  const socket = isPlain(value.address) ? value.address.socketAddress : undefined;
  if (isPlain(socket)) {
    // The address's protocol is left out: a statsd sink speaks UDP whatever the enum's default.
    out.address = { socketAddress: { address: socket.address, portValue: socket.portValue } };
  }
  return { name: entry.name, typedConfig: out };
}
