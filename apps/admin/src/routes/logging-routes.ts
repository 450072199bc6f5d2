// /logging: Envoy's LogsHandler over a LoggingControl. Envoy takes POST only; Nuncio also answers
// a GET that changes nothing (the listing), and refuses a GET that would change a level.
import type { FastifyInstance } from 'fastify';
import { type AdminResponse, json, text } from '../admin-response.ts';
import { LOG_LEVELS, type LoggingControl, type LogLevel } from '../logging-control.ts';
import { type AdminQuery, type RouteContext, registerEndpoint } from '../route-kit.ts';
import { loggingSchema } from './schemas.ts';

/** Registers `/logging` over `control`. */
export function registerLoggingRoute(
  fastify: FastifyInstance,
  context: RouteContext,
  control: LoggingControl,
): void {
  registerEndpoint(fastify, context, {
    path: '/logging',
    help: 'query/change logging levels',
    description:
      'Lists every logger with its level (`active loggers:` then `  <name>: <level>` lines). A POST with `level=<level>` sets every logger, `<logger>=<level>` one logger, `paths=<logger>:<level>,...` several; the change reaches every thread. One change per request; `format=json` (Nuncio\'s) answers `{"loggers": {...}}`.',
    mutates: true,
    openQuery: true,
    params: [
      {
        name: 'paths',
        help: 'Change multiple logging levels by setting to <logger_name1>:<desired_level1>,<logger_name2>:<desired_level2>.',
      },
      {
        name: 'level',
        help: "desired logging level, this will change all loggers's level",
        choices: LOG_LEVELS,
      },
      { name: 'format', help: 'Output format (Nuncio)', choices: ['text', 'json'] },
    ],
    operationId: 'logging',
    responses: {
      200: { description: 'The loggers and their levels.', text: true, json: loggingSchema },
      400: {
        description:
          'An unknown logger or level, or more than one change: the error, usage and the loggers.',
        text: true,
      },
    },
    handle: (query) => {
      const changes = changeParams(query);
      const error = changes.length === 0 ? null : changeLogLevel(control, changes);
      if (error === null) return listing(control, query, 200, '');
      return listing(control, query, 400, usage(error));
    },
    handleGet: (query) =>
      changeParams(query).length === 0 ? listing(control, query, 200, '') : null,
  });
}

function changeParams(query: AdminQuery): [string, string][] {
  return Object.entries(query).filter(
    (entry): entry is [string, string] => entry[0] !== 'format' && entry[1] !== undefined,
  );
}

function listing(
  control: LoggingControl,
  query: AdminQuery,
  status: number,
  prefix: string,
): AdminResponse {
  const levels = control.levels();
  if (query.format === 'json' && status === 200) {
    const loggers: Record<string, string> = {};
    for (const { component, level } of levels) loggers[component] = level;
    return json(JSON.stringify({ loggers }));
  }
  let out = `${prefix}active loggers:\n`;
  for (const { component, level } of levels) out += `  ${component}: ${level}\n`;
  return text(`${out}\n`, status);
}

function usage(error: string): string {
  return (
    `error: ${error}\n\n` +
    'usage: /logging?<name>=<level> (change single level)\n' +
    'usage: /logging?paths=name1:level1,name2:level2,... (change multiple levels)\n' +
    'usage: /logging?level=<level> (change all levels)\n' +
    `levels: ${LOG_LEVELS.map((l) => `${l} `).join('')}\n`
  );
}

function isLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** Envoy's `changeLogLevel`: all or nothing; null on success, else the error. */
function changeLogLevel(
  control: LoggingControl,
  params: readonly [string, string][],
): string | null {
  if (params.length !== 1) return 'invalid number of parameters';
  const [key, value] = params[0] as [string, string];
  if (key === 'level') {
    if (!isLevel(value)) return 'unknown logger level';
    control.setLevel(value);
    return null;
  }
  const changes = new Map<string, LogLevel>();
  if (key === 'paths') {
    for (const pair of value.split(',')) {
      if (pair.trim() === '') continue;
      const colon = pair.indexOf(':');
      const name = colon < 0 ? pair.trim() : pair.slice(0, colon).trim();
      const level = colon < 0 ? '' : pair.slice(colon + 1).trim();
      if (name === '' || level === '') return 'empty logger name or empty logger level';
      if (!isLevel(level)) return 'unknown logger level';
      changes.set(name, level);
    }
  } else {
    if (!isLevel(value)) return 'unknown logger level';
    changes.set(key, value);
  }
  const known = new Set(control.levels().map((logger) => logger.component));
  for (const name of changes.keys()) if (!known.has(name)) return 'unknown logger name';
  for (const [name, level] of changes) control.setComponentLevel(name, level);
  return null;
}
