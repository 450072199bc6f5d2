// How every admin endpoint becomes Fastify routes: one place that turns an endpoint description
// into the query and response schemas (which the OpenAPI document is generated from), enforces
// POST on mutating endpoints with Envoy's answer, and sends a handler's AdminResponse.
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { AdminEndpoint, AdminParam } from './admin-endpoint.ts';
import type { AdminLogger, AdminProviders } from './admin-providers.ts';
import { type AdminResponse, text } from './admin-response.ts';

/** The query of an admin request: each parameter's (first) value; `?flag` gives `''`. */
export type AdminQuery = Readonly<Record<string, string | undefined>>;

/** A query parameter with its schema. */
export interface ParamSpec extends AdminParam {
  /** `flag`: only its presence counts (`?usedonly`); default `string`. */
  readonly kind?: 'flag' | 'string';
}

/** One documented answer of an endpoint. */
export interface ResponseSpec {
  readonly description: string;
  /** The body may be text (`text/plain`). */
  readonly text?: boolean;
  /** The body may be HTML. */
  readonly html?: boolean;
  /** The JSON Schema of a JSON body (`application/json`). */
  readonly json?: Readonly<Record<string, unknown>>;
}

/** An endpoint to register: what `/help` shows plus its schemas and handler. */
export interface EndpointSpec {
  /** Path relative to the mount prefix. */
  readonly path: string;
  readonly help: string;
  readonly mutates: boolean;
  readonly params: readonly ParamSpec[];
  /** The OpenAPI `operationId` (camelCase). */
  readonly operationId: string;
  /** Longer text for the OpenAPI document; `help` when absent. */
  readonly description?: string;
  /** Accept query parameters besides `params` (`/logging?<logger>=<level>`). */
  readonly openQuery?: boolean;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  handle(query: AdminQuery, request: FastifyRequest): AdminResponse | Promise<AdminResponse>;
  /**
   * For a mutating endpoint that also reads (`/logging`): answers a `GET` that changes nothing, or
   * returns null to refuse it with Envoy's 405.
   */
  handleGet?(query: AdminQuery, request: FastifyRequest): AdminResponse | null;
  /** Called once the response has been sent (`/quitquitquit` shuts down only then). */
  afterResponse?(query: AdminQuery): void;
}

/** What the route modules share while registering. */
export interface RouteContext {
  readonly providers: AdminProviders;
  readonly logger: AdminLogger;
  /** The mount prefix (`''` at the root). */
  readonly prefix: string;
  /** The registered endpoints, for `/` and `/help`. */
  readonly endpoints: AdminEndpoint[];
}

/** Methods Envoy also answers a read with (HEAD comes with GET). */
const READ_ALSO_METHODS: HTTPMethods[] = ['POST', 'PUT', 'DELETE', 'PATCH'];

/** Methods Envoy refuses on a mutating endpoint (every one but POST; HEAD comes with GET). */
const REFUSED_METHODS: HTTPMethods[] = ['PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** Envoy's answer to a non-POST request on a mutating endpoint. */
export function methodNotAllowed(method: string): AdminResponse {
  return text(`Method ${method} not allowed, POST required.`, 405);
}

/** Registers `spec`'s routes on `fastify` and lists it in `context.endpoints`. */
export function registerEndpoint(
  fastify: FastifyInstance,
  context: RouteContext,
  spec: EndpointSpec,
): void {
  context.endpoints.push({
    path: context.prefix + spec.path,
    help: spec.help,
    mutates: spec.mutates,
    params: spec.params.map(({ name, help, choices }) =>
      choices === undefined ? { name, help } : { name, help, choices },
    ),
  });
  const querystring = querySchema(spec);
  const response = responseSchemas(spec.responses);
  const afterResponse = spec.afterResponse;
  const run = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const query = request.query as AdminQuery;
    const answer = await spec.handle(query, request);
    if (afterResponse !== undefined && answer.status === 200) {
      reply.raw.once('finish', () => afterResponse(query));
    }
    return sendAnswer(reply, answer);
  };
  if (!spec.mutates) {
    fastify.route({
      method: 'GET',
      url: spec.path,
      schema: {
        operationId: spec.operationId,
        summary: spec.help,
        description: spec.description ?? spec.help,
        querystring,
        response,
      },
      handler: run,
    });
    // Envoy serves a read with any method; kept out of the OpenAPI document.
    fastify.route({
      method: READ_ALSO_METHODS,
      url: spec.path,
      schema: { hide: true, querystring },
      handler: run,
    });
    return;
  }
  fastify.route({
    method: 'POST',
    url: spec.path,
    schema: {
      operationId: spec.operationId,
      summary: spec.help,
      description: `${spec.description ?? spec.help}\n\nPOST only: any other method is answered 405 \`Method <method> not allowed, POST required.\``,
      querystring,
      response,
    },
    handler: run,
  });
  const handleGet = spec.handleGet;
  if (handleGet !== undefined) {
    fastify.route({
      method: 'GET',
      url: spec.path,
      schema: {
        operationId: `${spec.operationId}Read`,
        summary: `${spec.help} (read only)`,
        description:
          'A GET only reads: with a parameter that would change something it is answered 405, ' +
          'as Envoy answers every GET on this endpoint.',
        querystring,
        response: { ...response, 405: refusedResponse() },
      },
      handler: async (request, reply) => {
        const query = request.query as AdminQuery;
        return sendAnswer(reply, handleGet(query, request) ?? methodNotAllowed(request.method));
      },
    });
  }
  fastify.route({
    method: handleGet === undefined ? ['GET', ...REFUSED_METHODS] : REFUSED_METHODS,
    url: spec.path,
    // Documented on the POST operation; kept out of the OpenAPI document.
    schema: { hide: true, response: { 405: refusedResponse() } },
    handler: async (request, reply) => sendAnswer(reply, methodNotAllowed(request.method)),
  });
}

/** Sends `answer` as is (the body is already serialised: no Fastify serializer runs on a string). */
export function sendAnswer(reply: FastifyReply, answer: AdminResponse): FastifyReply {
  return reply.code(answer.status).header('content-type', answer.contentType).send(answer.body);
}

function querySchema(spec: EndpointSpec): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const param of spec.params) {
    const description =
      param.kind === 'flag' ? `${param.help} (a flag: its presence counts, any value)` : param.help;
    const property: Record<string, unknown> = { type: 'string', description };
    if (param.choices !== undefined) property.enum = [...param.choices];
    properties[param.name] = property;
  }
  return {
    type: 'object',
    properties,
    ...(spec.openQuery ? { additionalProperties: { type: 'string' } } : {}),
  };
}

function responseSchemas(
  responses: Readonly<Record<number, ResponseSpec>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(responses)) {
    const content: Record<string, unknown> = {};
    if (spec.text) content['text/plain'] = { schema: { type: 'string' } };
    if (spec.html) content['text/html'] = { schema: { type: 'string' } };
    if (spec.json !== undefined) content['application/json'] = { schema: spec.json };
    out[status] = { description: spec.description, content };
  }
  return out;
}

function refusedResponse(): Record<string, unknown> {
  return {
    description: 'Not POST: `Method <method> not allowed, POST required.`',
    content: { 'text/plain': { schema: { type: 'string' } } },
  };
}
