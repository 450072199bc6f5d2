// The mutating server commands: /healthcheck/fail, /healthcheck/ok, /drain_listeners,
// /quitquitquit and /reopen_logs, over a LifecycleControl. Envoy answers `OK` at once.
import type { FastifyInstance } from 'fastify';
import type { AdminLogger } from '../admin-providers.ts';
import { text } from '../admin-response.ts';
import type { LifecycleControl } from '../lifecycle-control.ts';
import { type RouteContext, registerEndpoint } from '../route-kit.ts';

const OK = { 200: { description: '`OK`', text: true } } as const;

/** Registers the endpoints whose method `lifecycle` has. */
export function registerServerCmdRoutes(
  fastify: FastifyInstance,
  context: RouteContext,
  lifecycle: LifecycleControl,
): void {
  const { logger } = context;
  const failHealthcheck = lifecycle.failHealthcheck?.bind(lifecycle);
  if (failHealthcheck !== undefined) {
    registerEndpoint(fastify, context, {
      path: '/healthcheck/fail',
      help: 'cause the server to fail health checks',
      mutates: true,
      params: [],
      operationId: 'healthcheckFail',
      responses: OK,
      handle: () => {
        failHealthcheck(true);
        return text('OK\n');
      },
    });
    registerEndpoint(fastify, context, {
      path: '/healthcheck/ok',
      help: 'cause the server to pass health checks',
      mutates: true,
      params: [],
      operationId: 'healthcheckOk',
      responses: OK,
      handle: () => {
        failHealthcheck(false);
        return text('OK\n');
      },
    });
  }

  const drainListeners = lifecycle.drainListeners?.bind(lifecycle);
  if (drainListeners !== undefined) {
    registerEndpoint(fastify, context, {
      path: '/drain_listeners',
      help: 'drain listeners',
      mutates: true,
      params: [
        {
          name: 'graceful',
          help: 'When draining listeners, enter a graceful drain period prior to closing listeners. This behaviour and duration is configurable via server options or CLI',
          kind: 'flag',
        },
        {
          name: 'skip_exit',
          help: 'When draining listeners, do not exit after the drain period. This must be used with graceful',
          kind: 'flag',
        },
        {
          name: 'inboundonly',
          help: 'Drains all inbound listeners. traffic_direction field in envoy_v3_api_msg_config.listener.v3.Listener is used to determine whether a listener is inbound or outbound.',
          kind: 'flag',
        },
      ],
      operationId: 'drainListeners',
      responses: {
        ...OK,
        400: { description: '`skip_exit requires graceful`', text: true },
      },
      handle: (query) => {
        const graceful = query.graceful !== undefined;
        const skipExit = query.skip_exit !== undefined;
        if (skipExit && !graceful) return text('skip_exit requires graceful\n', 400);
        settle(logger, '/drain_listeners', () =>
          drainListeners({ graceful, skipExit, inboundOnly: query.inboundonly !== undefined }),
        );
        return text('OK\n');
      },
    });
  }

  const shutdown = lifecycle.shutdown?.bind(lifecycle);
  if (shutdown !== undefined) {
    registerEndpoint(fastify, context, {
      path: '/quitquitquit',
      help: 'exit the server',
      mutates: true,
      params: [],
      operationId: 'quitQuitQuit',
      responses: OK,
      handle: () => text('OK\n'),
      // The answer goes out before the server starts shutting down.
      afterResponse: () => settle(logger, '/quitquitquit', shutdown),
    });
  }

  const reopenLogs = lifecycle.reopenLogs?.bind(lifecycle);
  if (reopenLogs !== undefined) {
    registerEndpoint(fastify, context, {
      path: '/reopen_logs',
      help: 'reopen access logs',
      mutates: true,
      params: [],
      operationId: 'reopenLogs',
      responses: OK,
      handle: () => {
        settle(logger, '/reopen_logs', reopenLogs);
        return text('OK\n');
      },
    });
  }
}

/** Runs `operation` without waiting for it; a throw or rejection is logged, not answered. */
function settle(logger: AdminLogger, endpoint: string, operation: () => unknown): void {
  try {
    const result = operation();
    if (result instanceof Promise) {
      result.catch((error: unknown) => logger.error(`${endpoint} failed: ${describe(error)}`));
    }
  } catch (error) {
    logger.error(`${endpoint} failed: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
