// /threads (Nuncio's; Envoy has nothing like it): every thread of the proxy with its OS name and
// id, role, loop figures, connections, watchdog misses and heap.
import type { FastifyInstance } from 'fastify';
import { json, prettyProtoJson, text } from '../admin-response.ts';
import { type RouteContext, registerEndpoint } from '../route-kit.ts';
import type { ThreadInfo, ThreadsProvider } from '../threads-provider.ts';
import { threadsSchema } from './schemas.ts';

const COLUMNS = [
  'name',
  'tid',
  'role',
  'dispatcher',
  'utilization',
  'loop_delay_p99_ms',
  'active_connections',
  'watchdog_miss',
  'watchdog_mega_miss',
  'heap_used_bytes',
] as const;

/** Registers `/threads` over `provider`. */
export function registerThreadsRoute(
  fastify: FastifyInstance,
  context: RouteContext,
  provider: ThreadsProvider,
): void {
  registerEndpoint(fastify, context, {
    path: '/threads',
    help: 'print every thread of the proxy (Nuncio)',
    description:
      'Every thread of the proxy: its name as the OS sees it (`/proc/<pid>/task/<tid>/comm`, e.g. `wrk:worker_0`), OS thread id, role (main, worker, guard), dispatcher, event-loop utilisation, loop delay p99 in milliseconds, active connections, watchdog misses and mega misses, V8 heap in use. Text is a table (`-` for a figure a thread did not give in time); `format=json` gives `{"threads": [...]}`.',
    mutates: false,
    params: [{ name: 'format', help: 'File format to use', choices: ['text', 'json'] }],
    operationId: 'threads',
    responses: { 200: { description: 'The threads.', text: true, json: threadsSchema } },
    handle: async (query) => {
      const threads = await provider.threads();
      if (query.format === 'json') {
        return json(prettyProtoJson({ threads: threads.map(threadJson) }));
      }
      const rows = [COLUMNS.slice(), ...threads.map(threadRow)];
      const widths = COLUMNS.map((_, i) =>
        Math.max(...rows.map((row) => (row[i] as string).length)),
      );
      let out = '';
      for (const row of rows) {
        out += `${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ')}\n`;
      }
      return text(out);
    },
  });
}

function threadJson(thread: ThreadInfo): Record<string, unknown> {
  return {
    name: thread.name,
    dispatcher: thread.dispatcher,
    tid: thread.tid,
    node_thread_id: thread.nodeThreadId,
    role: thread.role,
    utilization: thread.utilization,
    loop_delay_p99_ms: thread.loopDelayP99Ms,
    active_connections: thread.activeConnections,
    watchdog_miss: thread.watchdogMiss,
    watchdog_mega_miss: thread.watchdogMegaMiss,
    heap_used_bytes: thread.heapUsedBytes,
    heap_total_bytes: thread.heapTotalBytes,
  };
}

function threadRow(thread: ThreadInfo): string[] {
  return [
    thread.name,
    cell(thread.tid),
    thread.role,
    thread.dispatcher ?? '-',
    thread.utilization === null ? '-' : thread.utilization.toFixed(3),
    thread.loopDelayP99Ms === null ? '-' : thread.loopDelayP99Ms.toFixed(3),
    cell(thread.activeConnections),
    cell(thread.watchdogMiss),
    cell(thread.watchdogMegaMiss),
    cell(thread.heapUsedBytes),
  ];
}

function cell(value: number | null): string {
  return value === null ? '-' : String(value);
}
