/**
 * An address as the admin prints it: an IP address with a port, or a pipe (Unix socket) path.
 * Envoy's `Network::Address::Instance`, reduced to what `/clusters` and `/listeners` show.
 */
export type NetworkAddress =
  | { readonly address: string; readonly port: number }
  | { readonly pipe: string };

/** Envoy's `asString()`: `127.0.0.1:80`, `[::1]:80`, or the pipe path. */
export function addressAsString(address: NetworkAddress): string {
  if ('pipe' in address) return address.pipe;
  return address.address.includes(':')
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

/** `envoy.config.core.v3.Address` in proto3 JSON, zero values left out as protobuf does. */
export function addressAsJson(address: NetworkAddress): Record<string, unknown> {
  if ('pipe' in address) return { pipe: { path: address.pipe } };
  const socketAddress: Record<string, unknown> = {};
  if (address.address !== '') socketAddress.address = address.address;
  if (address.port !== 0) socketAddress.port_value = address.port;
  return { socket_address: socketAddress };
}
