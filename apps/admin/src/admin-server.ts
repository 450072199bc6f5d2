import type { AccessLogManager } from '@nuncio/access-log';
import type { Admin } from '@nuncio/config';
import Fastify, { type FastifyInstance } from 'fastify';
import { accessLogsFromConfig } from './admin-access-logs-from-config.ts';
import {
  type AdminListenAddress,
  adminListenAddress,
  formatListenAddress,
  isLoopback,
} from './admin-address.ts';
import type { AdminRoutesOptions } from './admin-providers.ts';
import { adminRoutes, consoleAdminLogger } from './admin-routes.ts';
import {
  invalidAddressError,
  invalidOptionError,
  listenFailedError,
  nonLoopbackAddressError,
} from './errors.ts';

/** Options of {@link createAdminServer}. */
export interface AdminServerOptions extends Omit<AdminRoutesOptions, 'notFound'> {
  /**
   * The bootstrap's `admin` block as `@nuncio/config` decodes it: its `address` (loopback
   * `127.0.0.1:9901` when absent) and `access_log`.
   */
  readonly admin?: Admin;
  /** Where to listen instead of `admin.address` (port 0 picks a free port). */
  readonly address?: AdminListenAddress;
  /**
   * The explicit opt-in to a non-loopback admin address (`0.0.0.0`, a LAN address, a host name).
   * Without it such an address is refused with `NUNCIO_ERR_ADMIN_NON_LOOPBACK_ADDRESS`; with it the
   * server starts and logs a warning, since anyone who reaches the port can drain and stop it.
   */
  readonly allowNonLoopback?: boolean;
  /** Builds the `admin.access_log` entries (required when there are any and `accessLogs` is absent). */
  readonly accessLogManager?: AccessLogManager;
}

/** A running admin server. */
export interface AdminServer {
  /** The Fastify instance (already listening): add routes of your own before, not after. */
  readonly fastify: FastifyInstance;
  /** The bound address, with the port the OS chose for port 0. */
  readonly address: AdminListenAddress;
  /** `http://<host>:<port>` to reach it (`http://[::1]:9901` for IPv6); for a pipe, its path. */
  readonly url: string;
  /** Stops listening, closes open connections, resolves once closed. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts Envoy's admin interface on the main thread: a Fastify server on `admin.address` (loopback
 * by default) serving the admin endpoints over `providers`, with Envoy's 404 for unknown paths and
 * the optional admin access log. Refuses a non-loopback address unless `allowNonLoopback` is set.
 */
export async function createAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  if (options === null || typeof options !== 'object') {
    throw invalidOptionError('options', 'an options object is required');
  }
  const logger = options.logger ?? consoleAdminLogger;
  const address = options.address ?? adminListenAddress(options.admin);
  if ('host' in address) {
    if (!(Number.isInteger(address.port) && address.port >= 0 && address.port <= 65_535)) {
      throw invalidAddressError('address.port', `${address.port} is not a port`);
    }
  }
  const where = formatListenAddress(address);
  if (!isLoopback(address)) {
    if (options.allowNonLoopback !== true) throw nonLoopbackAddressError(where);
    logger.warn(
      `admin: listening on non-loopback address ${where} (allowNonLoopback): anyone who can reach ` +
        'it can read the configuration, change log levels, drain listeners and stop the server',
    );
  }
  let accessLogs = options.accessLogs;
  if (accessLogs === undefined && (options.admin?.accessLog?.length ?? 0) > 0) {
    if (options.accessLogManager === undefined) {
      throw invalidOptionError(
        'accessLogManager',
        'admin.access_log has entries: pass an AccessLogManager to write them (or accessLogs)',
      );
    }
    accessLogs = accessLogsFromConfig(options.admin, options.accessLogManager);
  }

  const fastify = Fastify({ logger: false, forceCloseConnections: true });
  await fastify.register(adminRoutes, {
    providers: options.providers,
    logger,
    ...(accessLogs === undefined ? {} : { accessLogs }),
    ...(options.index === undefined ? {} : { index: options.index }),
    ...(options.customStatNamespaces === undefined
      ? {}
      : { customStatNamespaces: options.customStatNamespaces }),
    notFound: true,
  });
  try {
    if ('path' in address) await fastify.listen({ path: address.path });
    else await fastify.listen({ host: address.host, port: address.port });
  } catch (error) {
    await fastify.close().catch(() => {});
    throw listenFailedError(where, error);
  }
  const bound = boundAddress(fastify, address);
  logger.info(`admin address: ${formatListenAddress(bound)}`);
  let closing: Promise<void> | null = null;
  return {
    fastify,
    address: bound,
    url: 'path' in bound ? bound.path : `http://${formatListenAddress(bound)}`,
    close: () => {
      closing ??= fastify.close();
      return closing;
    },
  };
}

function boundAddress(fastify: FastifyInstance, requested: AdminListenAddress): AdminListenAddress {
  if ('path' in requested) return requested;
  const info = fastify.server.address();
  if (info === null || typeof info === 'string') return requested;
  return { host: info.address, port: info.port };
}
