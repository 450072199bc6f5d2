// /ready, /server_info, /hot_restart_version and /memory: Envoy's ServerInfoHandler.
import { memoryUsage } from 'node:process';
import type { FastifyInstance } from 'fastify';
import { durationJson, json, prettyProtoJson, text } from '../admin-response.ts';
import { type RouteContext, registerEndpoint } from '../route-kit.ts';
import type { ServerInfoProvider } from '../server-state.ts';
import { ServerState } from '../server-state.ts';
import type { ThreadsProvider } from '../threads-provider.ts';
import { commandLineOptionsJson } from './command-line-options.ts';
import { memorySchema, serverInfoSchema } from './schemas.ts';

const STATES = Object.values(ServerState);

/** Registers `/ready`, `/server_info` and `/hot_restart_version` over `server`. */
export function registerServerInfoRoutes(
  fastify: FastifyInstance,
  context: RouteContext,
  server: ServerInfoProvider,
): void {
  registerEndpoint(fastify, context, {
    path: '/ready',
    help: 'print server state, return 200 if LIVE, otherwise return 503',
    mutates: false,
    params: [],
    operationId: 'ready',
    responses: {
      200: { description: '`LIVE` and a newline.', text: true },
      503: {
        description: `The state and a newline: one of ${STATES.filter((s) => s !== 'LIVE').join(', ')}.`,
        text: true,
      },
    },
    handle: () => {
      const state = server.state();
      return text(`${state}\n`, state === ServerState.Live ? 200 : 503);
    },
  });

  registerEndpoint(fastify, context, {
    path: '/server_info',
    help: 'print server version/status information',
    description:
      'Envoy\'s `envoy.admin.v3.ServerInfo` in proto3 JSON: version, state, uptimes as durations ("42s"), hot restart version, every command line option (Envoy\'s defaults where the server gave none) and the node.',
    mutates: false,
    params: [],
    operationId: 'serverInfo',
    responses: { 200: { description: 'The server info.', json: serverInfoSchema } },
    handle: () => {
      const nowMs = Date.now();
      const info = {
        version: server.version(),
        state: server.state(),
        hot_restart_version: server.hotRestartVersion(),
        command_line_options: commandLineOptionsJson(server.commandLineOptions()),
        node: server.node(),
        uptime_current_epoch: durationJson((nowMs - server.startTimeCurrentEpochMs()) / 1000),
        uptime_all_epochs: durationJson((nowMs - server.startTimeFirstEpochMs()) / 1000),
      };
      return json(prettyProtoJson(info));
    },
  });

  registerEndpoint(fastify, context, {
    path: '/hot_restart_version',
    help: 'print the hot restart compatibility version',
    mutates: false,
    params: [],
    operationId: 'hotRestartVersion',
    responses: { 200: { description: '`disabled`: Nuncio has no hot restart.', text: true } },
    handle: () => text(server.hotRestartVersion()),
  });
}

/** Registers `/memory`: the process's figures, and each thread's heap when `threads` is given. */
export function registerMemoryRoute(
  fastify: FastifyInstance,
  context: RouteContext,
  threads: ThreadsProvider | undefined,
): void {
  registerEndpoint(fastify, context, {
    path: '/memory',
    help: 'print current allocation/heap usage',
    description:
      'Envoy\'s `envoy.admin.v3.Memory` (64-bit numbers as strings, as proto3 JSON has them), filled from V8: `allocated` is the V8 heap in use on every thread plus memory outside the heaps (buffers), `heap_size` the V8 heaps reserved, `total_physical_bytes` the resident set; the tcmalloc-only fields are "0". Nuncio adds `threads`: each thread\'s heap.',
    mutates: false,
    params: [],
    operationId: 'memory',
    responses: { 200: { description: 'Memory figures.', json: memorySchema } },
    handle: async () => {
      const usage = memoryUsage();
      const list = threads === undefined ? [] : await threads.threads();
      let heapUsed = 0;
      let heapTotal = 0;
      let counted = false;
      const perThread: Record<string, unknown>[] = [];
      for (const thread of list) {
        if (thread.heapUsedBytes === null || thread.heapTotalBytes === null) continue;
        counted = true;
        heapUsed += thread.heapUsedBytes;
        heapTotal += thread.heapTotalBytes;
        perThread.push({
          name: thread.name,
          heap_used: String(thread.heapUsedBytes),
          heap_size: String(thread.heapTotalBytes),
        });
      }
      if (!counted) {
        // No thread figures: the main thread's heap is all we know.
        heapUsed = usage.heapUsed;
        heapTotal = usage.heapTotal;
      }
      const memory = {
        allocated: String(heapUsed + usage.external),
        heap_size: String(heapTotal),
        pageheap_unmapped: '0',
        pageheap_free: '0',
        total_thread_cache: '0',
        total_physical_bytes: String(usage.rss),
        threads: perThread,
      };
      return json(prettyProtoJson(memory));
    },
  });
}
