import { isIP } from 'node:net';
import type { Admin } from '@nuncio/config';
import { invalidAddressError } from './errors.ts';

/** Where the admin listens: a host and port, or a Unix socket path. */
export type AdminListenAddress =
  | { readonly host: string; readonly port: number }
  | { readonly path: string };

/** Envoy's conventional admin port, used when the bootstrap has no `admin` block. */
export const DEFAULT_ADMIN_PORT = 9901;

/** The admin's address when none is configured: loopback, Envoy's usual port. */
export const DEFAULT_ADMIN_ADDRESS: AdminListenAddress = {
  host: '127.0.0.1',
  port: DEFAULT_ADMIN_PORT,
};

/**
 * The listen address of the bootstrap's `admin` block (decoded by `@nuncio/config`): its
 * `address.socket_address` (TCP only, a numeric port) or `address.pipe`; the default without one.
 */
export function adminListenAddress(admin: Admin | undefined): AdminListenAddress {
  const address = admin?.address;
  if (address === undefined) return DEFAULT_ADMIN_ADDRESS;
  if (address.pipe !== undefined) {
    if (address.pipe.path === '') throw invalidAddressError('admin.address.pipe.path', 'is empty');
    return { path: address.pipe.path };
  }
  const socket = address.socketAddress;
  if (socket === undefined) {
    throw invalidAddressError('admin.address', 'needs a socket_address or a pipe');
  }
  if (socket.protocol !== undefined && socket.protocol !== 'TCP') {
    throw invalidAddressError(
      'admin.address.socket_address.protocol',
      'the admin listens on TCP only',
    );
  }
  if (socket.namedPort !== undefined && socket.namedPort !== '') {
    throw invalidAddressError('admin.address.socket_address.named_port', 'use port_value');
  }
  const port = socket.portValue ?? 0;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw invalidAddressError('admin.address.socket_address.port_value', `${port} is not a port`);
  }
  if (socket.address === '') {
    throw invalidAddressError('admin.address.socket_address.address', 'is empty');
  }
  return { host: socket.address, port };
}

/**
 * True for addresses that only this machine can reach: 127.0.0.0/8, `::1` (also as
 * `::ffff:127.x.x.x`), `localhost`, and Unix socket paths. `0.0.0.0`, `::` and every other
 * address or host name are not.
 */
export function isLoopback(address: AdminListenAddress): boolean {
  if ('path' in address) return true;
  const host = address.host.toLowerCase();
  if (host === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) {
    if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    return mapped !== null && (mapped[1] as string).startsWith('127.');
  }
  return false;
}

/** `127.0.0.1:9901`, `[::1]:9901` or the socket path, as Envoy prints addresses. */
export function formatListenAddress(address: AdminListenAddress): string {
  if ('path' in address) return address.path;
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}
