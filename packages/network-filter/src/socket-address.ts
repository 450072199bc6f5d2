/**
 * An IP socket address as Node reports it, with IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, what
 * a dual-stack socket reports for an IPv4 peer) turned into plain IPv4, as Envoy does. Shaped like
 * `@nuncio/access-log`'s `SocketAddress`, so a connection's addresses can be logged as they are.
 */
export interface SocketAddress {
  /** The IP address without brackets: `127.0.0.1`, `::1`. */
  readonly address: string;
  /** The port. */
  readonly port: number;
  /** `IPv4` or `IPv6`. */
  readonly family: 'IPv4' | 'IPv6';
}

const V4_MAPPED_PREFIX = '::ffff:';

/** An address with an unknown peer (a socket that closed before Node could read its addresses). */
export const UNKNOWN_ADDRESS: SocketAddress = Object.freeze({
  address: '0.0.0.0',
  port: 0,
  family: 'IPv4',
});

/** A {@link SocketAddress} from what Node reports, unmapping IPv4-mapped IPv6 addresses. */
export function socketAddress(
  address: string | undefined,
  port: number | undefined,
): SocketAddress {
  if (address === undefined || address === '') return UNKNOWN_ADDRESS;
  let ip = address;
  if (ip.length > V4_MAPPED_PREFIX.length && ip.toLowerCase().startsWith(V4_MAPPED_PREFIX)) {
    const rest = ip.slice(V4_MAPPED_PREFIX.length);
    if (rest.includes('.')) ip = rest;
  }
  return { address: ip, port: port ?? 0, family: ip.includes(':') ? 'IPv6' : 'IPv4' };
}

/** Envoy's `asString()` of an IP address: `127.0.0.1:80`, `[::1]:80`. */
export function formatSocketAddress(address: SocketAddress): string {
  return address.family === 'IPv6'
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}
