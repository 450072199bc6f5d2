import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import { logAdminRequest } from './admin-access-log.ts';
import type { AdminLogger, AdminRoutesOptions } from './admin-providers.ts';
import { ContentType, text } from './admin-response.ts';
import { DEFAULT_CUSTOM_STAT_NAMESPACES } from './custom-stat-namespaces.ts';
import { invalidOptionError } from './errors.ts';
import { type RouteContext, sendAnswer } from './route-kit.ts';
import { registerClustersRoute } from './routes/clusters-route.ts';
import { registerConfigDumpRoute } from './routes/config-dump-route.ts';
import { helpText, registerIndexRoutes } from './routes/index-routes.ts';
import { registerListenersRoute } from './routes/listeners-route.ts';
import { registerLoggingRoute } from './routes/logging-routes.ts';
import { registerServerCmdRoutes } from './routes/server-cmd-routes.ts';
import { registerMemoryRoute, registerServerInfoRoutes } from './routes/server-info-routes.ts';
import { registerStatsRoutes } from './routes/stats-routes.ts';
import { registerThreadsRoute } from './routes/threads-route.ts';

/** The `customStatNamespaces` option checked: names without dots, default Envoy's wasm one. */
function customNamespaces(names: readonly string[] | undefined): ReadonlySet<string> {
  if (names === undefined) return new Set(DEFAULT_CUSTOM_STAT_NAMESPACES);
  if (
    !Array.isArray(names) ||
    names.some((name) => typeof name !== 'string' || name === '' || name.includes('.'))
  ) {
    throw invalidOptionError(
      'customStatNamespaces',
      'must be an array of non-empty names without dots',
    );
  }
  return new Set(names);
}

/** The admin's default logger: the console. */
export const consoleAdminLogger: AdminLogger = {
  info: (message) => console.info(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

/**
 * The admin endpoints as a Fastify plugin: Envoy's paths, methods, parameters and formats, for the
 * providers given (an endpoint whose provider is absent is not served). Encapsulated: its error
 * handler, hooks and body handling apply to its own routes only, so it can be mounted beside an
 * application's routes, under a `prefix` if wanted:
 *
 * ```ts
 * await app.register(adminRoutes, { prefix: '/admin', providers: { stats: store } });
 * ```
 */
export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (fastify, options) => {
  if (options === null || typeof options !== 'object' || typeof options.providers !== 'object') {
    throw invalidOptionError('providers', 'an object of providers is required');
  }
  const { providers } = options;
  const logger = options.logger ?? consoleAdminLogger;
  const context: RouteContext = {
    providers,
    logger,
    prefix: fastify.prefix,
    endpoints: [],
  };

  // Envoy ignores request bodies: take any content type, and drop the bytes.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: 65_536 },
    (_request, _body, done) => {
      done(null, undefined);
    },
  );

  // Bad query parameters are answered in text, as Envoy does; anything else is a 500 in text.
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      const first = error.validation[0];
      const param =
        first?.instancePath.replace(/^\//, '') || String(first?.params?.missingProperty ?? '');
      const allowed = first?.params?.allowedValues as unknown[] | undefined;
      const detail =
        allowed === undefined
          ? (first?.message ?? error.message)
          : `must be one of ${allowed.join(', ')}`;
      return reply
        .code(400)
        .header('content-type', ContentType.Text)
        .send(`invalid ${param} param: ${detail}\n`);
    }
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500)
      logger.error(`admin ${request.method} ${request.url} failed: ${error.message}`);
    return reply.code(status).header('content-type', ContentType.Text).send(`${error.message}\n`);
  });

  // Envoy's fallback headers on every admin answer.
  fastify.addHook('onSend', async (_request, reply, payload) => {
    // Fastify appends a charset to JSON; Envoy sends the bare type.
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8') {
      reply.header('content-type', ContentType.Json);
    }
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-cache, max-age=0');
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });

  const accessLogs = options.accessLogs ?? [];
  if (accessLogs.length > 0) {
    fastify.addHook('onResponse', async (request, reply) => {
      logAdminRequest(accessLogs, request, reply);
    });
  }

  if (providers.server !== undefined) registerServerInfoRoutes(fastify, context, providers.server);
  if (providers.stats !== undefined) {
    registerStatsRoutes(
      fastify,
      context,
      providers.stats,
      providers.statsFlushOnAdmin,
      customNamespaces(options.customStatNamespaces),
    );
  }
  if (providers.clusters !== undefined) registerClustersRoute(fastify, context, providers.clusters);
  if (providers.listeners !== undefined) {
    registerListenersRoute(fastify, context, providers.listeners);
  }
  if (providers.configDump !== undefined) {
    registerConfigDumpRoute(fastify, context, providers.configDump, providers.clusters);
  }
  if (providers.logging !== undefined) registerLoggingRoute(fastify, context, providers.logging);
  if (providers.lifecycle !== undefined) {
    registerServerCmdRoutes(fastify, context, providers.lifecycle);
  }
  if (providers.threads !== undefined) registerThreadsRoute(fastify, context, providers.threads);
  registerMemoryRoute(fastify, context, providers.threads);
  if (options.index !== false) registerIndexRoutes(fastify, context);
  if (options.notFound === true) {
    // Envoy: "invalid path. " then the command list, 404.
    fastify.setNotFoundHandler(async (_request, reply) =>
      sendAnswer(reply, text(`invalid path. ${helpText(context.endpoints)}`, 404)),
    );
  }
};

/**
 * Mounts the admin endpoints on your own Fastify instance (`adminRoutes` registered with
 * `options`; pass `prefix` to mount them under a path). Resolves once they are registered; call it
 * before `listen()`.
 */
export async function registerAdminRoutes(
  fastify: FastifyInstance,
  options: AdminRoutesOptions & { readonly prefix?: string },
): Promise<void> {
  await fastify.register(adminRoutes, options);
}
