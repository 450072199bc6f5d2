// /config_dump: Envoy's ConfigDumpHandler over a ConfigDumpProvider, with resource=, mask=,
// name_regex= and include_eds.
import type { FastifyInstance } from 'fastify';
import { type AdminResponse, json, prettyProtoJson, text } from '../admin-response.ts';
import type { ClusterManagerView } from '../cluster-manager-view.ts';
import { DUMP_FIELDS, elementTypeOf } from '../config-dump-fields.ts';
import type { ConfigDumpProvider } from '../config-dump-provider.ts';
import { maskFitsType, parseFieldMask, trimMessage } from '../field-mask.ts';
import { type AdminQuery, type RouteContext, registerEndpoint } from '../route-kit.ts';
import { endpointsConfigDump } from './endpoints-config-dump.ts';
import { configDumpSchema } from './schemas.ts';

type Json = Record<string, unknown>;

/** Registers `/config_dump` over `provider`; `clusters` feeds `include_eds`. */
export function registerConfigDumpRoute(
  fastify: FastifyInstance,
  context: RouteContext,
  provider: ConfigDumpProvider,
  clusters: ClusterManagerView | undefined,
): void {
  registerEndpoint(fastify, context, {
    path: '/config_dump',
    help: 'dump current Envoy configs (experimental)',
    description:
      "Envoy's `envoy.admin.v3.ConfigDump` in proto3 JSON (secrets redacted). `resource=<repeated field>` (e.g. `static_clusters`, `dynamic_listeners`) lists only the entries of that field, each as its own `configs` entry; `mask=<paths>` (a FieldMask, comma-separated) keeps only the named fields: of each entry when `resource` is given (paths may reach into the resource, e.g. `cluster.name`), else of each top-level config, dropping those it does not fit.",
    mutates: false,
    params: [
      { name: 'resource', help: 'The resource to dump' },
      {
        name: 'mask',
        help: 'The mask to apply. When both resource and mask are specified, the mask is applied to every element in the desired repeated field so that only a subset of fields are returned. The mask is parsed as a FieldMask',
      },
      {
        name: 'name_regex',
        help: 'Dump only the currently loaded configurations whose names match the specified regex. Can be used with both resource and mask query parameters.',
      },
      {
        name: 'include_eds',
        help: 'Dump currently loaded configuration including EDS. See the response definition for more information',
        kind: 'flag',
      },
    ],
    operationId: 'configDump',
    responses: {
      200: { description: 'The config dump.', json: configDumpSchema },
      400: { description: 'A bad regex, a non-repeated resource or an unusable mask.', text: true },
      404: { description: '`<resource> not found in config dump`', text: true },
    },
    handle: (query) => configDumpAnswer(query, provider, clusters),
  });
}

function configDumpAnswer(
  query: AdminQuery,
  provider: ConfigDumpProvider,
  clusters: ClusterManagerView | undefined,
): AdminResponse {
  let nameMatcher: RegExp | null = null;
  if (query.name_regex !== undefined && query.name_regex !== '') {
    try {
      // RE2 FullMatch, as Envoy's regex matcher.
      nameMatcher = new RegExp(`^(?:${query.name_regex})$`);
    } catch (error) {
      return text(
        `INVALID_ARGUMENT: Error while parsing name_regex from ${query.name_regex}: ${(error as Error).message}`,
        400,
      );
    }
  }
  const configs = provider.configDump().configs.map((c) => filterByName(c as Json, nameMatcher));
  if (query.include_eds !== undefined && clusters !== undefined) {
    const eds = filterByName(endpointsConfigDump(clusters.clusters()), nameMatcher);
    // The config tracker's keys are sorted: "endpoint" goes after "clusters".
    const at = configs.findIndex((c) => String(c['@type']).endsWith('.ListenersConfigDump'));
    configs.splice(at < 0 ? configs.length : at, 0, eds);
  }
  const mask = query.mask !== undefined ? parseFieldMask(query.mask) : null;
  if (query.resource !== undefined && query.resource !== '') {
    return resourceDump(configs, query.resource, mask);
  }
  const out: Json[] = [];
  for (const config of configs) {
    if (mask === null) {
      out.push(config);
      continue;
    }
    // A mask that does not fit a config's type skips that config (masks differ per type).
    if (!maskFitsType(String(config['@type']), mask)) continue;
    out.push(trimMessage(config, mask));
  }
  if (out.length === 0 && mask !== null) {
    return text(`FieldMask ${query.mask} could not be successfully applied to any configs.`, 400);
  }
  return json(prettyProtoJson({ configs: out }));
}

function resourceDump(
  configs: readonly Json[],
  resource: string,
  mask: string[][] | null,
): AdminResponse {
  for (const config of configs) {
    const type = String(config['@type']);
    const fields = DUMP_FIELDS[type];
    const kind =
      fields !== undefined ? fields[resource] : resource in config ? 'repeated' : undefined;
    if (kind === undefined) continue;
    if (kind !== 'repeated') {
      return text(
        `${resource} is not a repeated field. Use ?mask=${resource} to get only this field`,
        400,
      );
    }
    const elementType = elementTypeOf(type, resource);
    const entries = (config[resource] as Json[] | undefined) ?? [];
    const out: Json[] = [];
    for (const entry of entries) {
      let element: Json = elementType === null ? { ...entry } : { '@type': elementType, ...entry };
      if (mask !== null) {
        const trimmed = trimResource(element, mask);
        if (trimmed === null) {
          const paths = mask.map((p) => `paths: "${p.join('.')}"`).join(' ');
          return text(`FieldMask ${paths} could not be successfully used.`, 400);
        }
        element = trimmed;
      }
      out.push(element);
    }
    return json(prettyProtoJson({ configs: out }));
  }
  return text(`${resource} not found in config dump`, 404);
}

/**
 * Envoy's `trimResourceMessage`: paths that go through the entry's `Any` field (`cluster.name`)
 * trim the resource inside it; the others trim the entry. Null when a path fits neither.
 */
function trimResource(entry: Json, mask: readonly string[][]): Json | null {
  const type = String(entry['@type']);
  const fields = DUMP_FIELDS[type];
  if (fields === undefined) return trimMessage(entry, mask);
  const outer: string[][] = [];
  const inner: string[][] = [];
  let anyField: string | null = null;
  for (const path of mask) {
    const field = path[0] as string;
    if (fields[field] === 'any') {
      anyField = field;
      outer.push([field]);
      if (path.length > 1) inner.push(path.slice(1));
    } else {
      outer.push(path);
    }
  }
  if (!maskFitsType(type, outer)) return null;
  const trimmed = trimMessage(entry, outer);
  if (anyField !== null && inner.length > 0) {
    const resource = trimmed[anyField];
    if (resource !== null && typeof resource === 'object') {
      trimmed[anyField] = trimMessage(resource as Json, inner);
    }
  }
  return trimmed;
}

/** `config` with only the named resources whose name `matcher` fully matches. */
function filterByName(config: Json, matcher: RegExp | null): Json {
  if (matcher === null) return config;
  const type = String(config['@type']);
  const fields = DUMP_FIELDS[type];
  if (fields === undefined) return config;
  const out: Json = { ...config };
  for (const [field, kind] of Object.entries(fields)) {
    if (kind !== 'repeated' || !Array.isArray(config[field])) continue;
    out[field] = (config[field] as Json[]).filter((entry) => {
      const name = resourceName(entry);
      return name === null || matcher.test(name);
    });
  }
  return out;
}

function resourceName(entry: Json): string | null {
  for (const key of ['cluster', 'listener', 'endpoint_config']) {
    const inner = entry[key] as Json | undefined;
    if (inner !== undefined) {
      const name = inner.name ?? inner.cluster_name;
      return typeof name === 'string' ? name : '';
    }
  }
  return typeof entry.name === 'string' ? entry.name : null;
}
