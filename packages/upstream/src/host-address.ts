/** Envoy's `asString()` of an IP address and port: `127.0.0.1:80`, `[::1]:80`. */
export function formatHostAddress(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
