// `proxy_get_property`: Envoy's attribute paths (segments separated by NUL bytes) resolved against
// the plugin's and the stream's attributes, each value encoded as Envoy encodes it: strings as
// UTF-8, integers as 8 little-endian bytes, booleans as one byte, timestamps and durations as int64
// nanoseconds, maps as serialized pairs, messages (`node`, metadata) as protobuf.
import { Buffer } from 'node:buffer';
import type { JsonValue } from '@nuncio/config';
import { encodePairs, type HeaderPair } from './pairs.ts';
import { encodeMetadata, encodeNode } from './proto-encode.ts';
import type {
  DurationValue,
  HeadersValue,
  IntegerValue,
  MetadataInfo,
  NodeInfo,
  StreamAttributes,
  TimestampValue,
} from './stream-attributes.ts';
import { WasmResult } from './wasm-result.ts';

/** Plugin-level attributes, known from the plugin's configuration. */
export interface PluginAttributes {
  readonly pluginName: string;
  readonly rootId: string;
  readonly vmId: string;
  readonly node?: NodeInfo;
  /** Envoy's `TrafficDirection` number: 0 unspecified, 1 inbound, 2 outbound. */
  readonly listenerDirection?: number;
  readonly listenerMetadata?: MetadataInfo;
}

type Kind =
  | 'string'
  | 'int'
  | 'uint'
  | 'bool'
  | 'timestamp'
  | 'duration'
  | 'headers'
  | 'bytes'
  | 'json'
  | 'node'
  | 'locality'
  | 'metadata'
  | 'group'
  | 'list';

interface Typed {
  kind: Kind;
  value: unknown;
  /** For `group`: the schema of its fields. */
  schema?: Readonly<Record<string, readonly [string, Kind]>>;
}

const TLS_FIELDS: Record<string, readonly [string, Kind]> = {
  tls_version: ['tlsVersion', 'string'],
  subject_local_certificate: ['subjectLocalCertificate', 'string'],
  subject_peer_certificate: ['subjectPeerCertificate', 'string'],
  dns_san_local_certificate: ['dnsSanLocalCertificate', 'string'],
  dns_san_peer_certificate: ['dnsSanPeerCertificate', 'string'],
  uri_san_local_certificate: ['uriSanLocalCertificate', 'string'],
  uri_san_peer_certificate: ['uriSanPeerCertificate', 'string'],
  sha256_peer_certificate_digest: ['sha256PeerCertificateDigest', 'string'],
};

/** Envoy's attribute names per group, with the JavaScript field and the type. */
const GROUPS: Record<string, Record<string, readonly [string, Kind]>> = {
  request: {
    path: ['path', 'string'],
    url_path: ['urlPath', 'string'],
    host: ['host', 'string'],
    scheme: ['scheme', 'string'],
    method: ['method', 'string'],
    headers: ['headers', 'headers'],
    referer: ['referer', 'string'],
    useragent: ['useragent', 'string'],
    time: ['time', 'timestamp'],
    id: ['id', 'string'],
    protocol: ['protocol', 'string'],
    query: ['query', 'string'],
    duration: ['duration', 'duration'],
    size: ['size', 'int'],
    total_size: ['totalSize', 'int'],
  },
  response: {
    code: ['code', 'int'],
    code_details: ['codeDetails', 'string'],
    flags: ['flags', 'int'],
    grpc_status: ['grpcStatus', 'int'],
    headers: ['headers', 'headers'],
    trailers: ['trailers', 'headers'],
    size: ['size', 'int'],
    total_size: ['totalSize', 'int'],
    backend_latency: ['backendLatency', 'duration'],
  },
  source: { address: ['address', 'string'], port: ['port', 'int'] },
  destination: { address: ['address', 'string'], port: ['port', 'int'] },
  connection: {
    id: ['id', 'uint'],
    mtls: ['mtls', 'bool'],
    requested_server_name: ['requestedServerName', 'string'],
    termination_details: ['terminationDetails', 'string'],
    transport_failure_reason: ['transportFailureReason', 'string'],
    ...TLS_FIELDS,
  },
  upstream: {
    address: ['address', 'string'],
    port: ['port', 'int'],
    local_address: ['localAddress', 'string'],
    local_port: ['localPort', 'int'],
    transport_failure_reason: ['transportFailureReason', 'string'],
    request_attempt_count: ['requestAttemptCount', 'uint'],
    ...TLS_FIELDS,
  },
};

/** The `xds.*` names, also accepted at the top level (Envoy's older wasm attribute names). */
const XDS_NAMES = new Set([
  'node',
  'cluster_name',
  'cluster_metadata',
  'listener_direction',
  'listener_metadata',
  'route_name',
  'route_metadata',
  'upstream_host_metadata',
  'filter_chain_name',
]);

/** What {@link getProperty} returns. */
export interface PropertyResult {
  readonly result: WasmResult;
  readonly value?: Uint8Array;
}

const NOT_FOUND: PropertyResult = { result: WasmResult.NotFound };
const SERIALIZATION_FAILURE: PropertyResult = { result: WasmResult.SerializationFailure };

/** Splits a property path on NUL bytes (a trailing NUL ends the path). */
export function splitPropertyPath(path: Uint8Array): string[] {
  const segments: string[] = [];
  const bytes = Buffer.from(path.buffer, path.byteOffset, path.length);
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0, start);
    if (end < 0) end = bytes.length;
    segments.push(bytes.toString('utf8', start, end));
    start = end + 1;
  }
  return segments;
}

/**
 * Resolves `segments` against the plugin's attributes, the stream's attributes (undefined in a
 * root context) and the values the plugin stored with `proxy_set_property`.
 */
export function getProperty(
  segments: readonly string[],
  plugin: PluginAttributes,
  stream: StreamAttributes | undefined,
  filterState: ReadonlyMap<string, Uint8Array> | undefined,
): PropertyResult {
  const top = segments[0];
  if (top === undefined) return NOT_FOUND;
  let current = topLevel(top, segments[1], plugin, stream);
  let index = 1;
  if (current === 'xds') {
    const name = segments[1];
    if (name === undefined || !XDS_NAMES.has(name)) return NOT_FOUND;
    current = xdsValue(name, plugin, stream);
    index = 2;
  }
  if (current === undefined) {
    const stored = filterState?.get(top);
    if (stored === undefined || segments.length > 1) return NOT_FOUND;
    return { result: WasmResult.Ok, value: stored };
  }
  for (; index < segments.length; index++) {
    const next = child(current, segments[index] as string);
    if (next === undefined) return NOT_FOUND;
    current = next;
  }
  return serialize(current);
}

function topLevel(
  name: string,
  _next: string | undefined,
  plugin: PluginAttributes,
  stream: StreamAttributes | undefined,
): Typed | 'xds' | undefined {
  switch (name) {
    case 'plugin_name':
      return { kind: 'string', value: plugin.pluginName };
    case 'plugin_root_id':
      return { kind: 'string', value: plugin.rootId };
    case 'plugin_vm_id':
      return { kind: 'string', value: plugin.vmId };
    case 'xds':
      return 'xds';
    case 'connection_id': {
      const id = stream?.connection?.id;
      return id === undefined ? undefined : { kind: 'uint', value: id };
    }
    case 'metadata':
      return stream?.metadata === undefined
        ? undefined
        : { kind: 'metadata', value: stream.metadata };
    default: {
      if (XDS_NAMES.has(name)) return xdsValue(name, plugin, stream);
      const schema = GROUPS[name];
      if (schema === undefined) return undefined;
      const group = stream?.[name as keyof StreamAttributes];
      return group === undefined ? undefined : { kind: 'group', value: group, schema };
    }
  }
}

function xdsValue(
  name: string,
  plugin: PluginAttributes,
  stream: StreamAttributes | undefined,
): Typed | undefined {
  switch (name) {
    case 'node':
      return plugin.node === undefined ? undefined : { kind: 'node', value: plugin.node };
    // The connection's listener first (the network filter supplies it per connection), then the
    // plugin's configuration; a root context has only the latter.
    case 'listener_direction':
      return optional('int', stream?.listenerDirection ?? plugin.listenerDirection);
    case 'listener_metadata':
      return optional('metadata', stream?.listenerMetadata ?? plugin.listenerMetadata);
    case 'cluster_name':
      return optional('string', stream?.clusterName);
    case 'cluster_metadata':
      return optional('metadata', stream?.clusterMetadata);
    case 'route_name':
      return optional('string', stream?.routeName);
    case 'route_metadata':
      return optional('metadata', stream?.routeMetadata);
    case 'upstream_host_metadata':
      return optional('metadata', stream?.upstreamHostMetadata);
    case 'filter_chain_name':
      return optional('string', stream?.filterChainName);
    default:
      return undefined;
  }
}

function optional(kind: Kind, value: unknown): Typed | undefined {
  return value === undefined ? undefined : { kind, value };
}

function child(parent: Typed, name: string): Typed | undefined {
  switch (parent.kind) {
    case 'group': {
      const field = parent.schema?.[name];
      if (field === undefined || !Object.hasOwn(parent.schema as object, name)) return undefined;
      const value = (parent.value as Record<string, unknown>)[field[0]];
      return value === undefined ? undefined : { kind: field[1], value };
    }
    case 'headers': {
      const values = headerValues(parent.value as HeadersValue, name.toLowerCase());
      return values.length === 0 ? undefined : { kind: 'string', value: values.join(',') };
    }
    case 'node': {
      const node = parent.value as NodeInfo;
      switch (name) {
        case 'id':
          return { kind: 'string', value: node.id ?? '' };
        case 'cluster':
          return { kind: 'string', value: node.cluster ?? '' };
        case 'user_agent_name':
          return { kind: 'string', value: node.userAgentName ?? '' };
        case 'user_agent_version':
          return { kind: 'string', value: node.userAgentVersion ?? '' };
        case 'metadata':
          return { kind: 'json', value: node.metadata ?? {} };
        case 'locality':
          return { kind: 'locality', value: node.locality ?? {} };
        case 'client_features':
          return { kind: 'list', value: node.clientFeatures ?? [] };
        default:
          return undefined;
      }
    }
    case 'locality': {
      const locality = parent.value as { region?: string; zone?: string; subZone?: string };
      if (name === 'region') return { kind: 'string', value: locality.region ?? '' };
      if (name === 'zone') return { kind: 'string', value: locality.zone ?? '' };
      if (name === 'sub_zone') return { kind: 'string', value: locality.subZone ?? '' };
      return undefined;
    }
    case 'metadata':
      return name === 'filter_metadata'
        ? { kind: 'json', value: (parent.value as MetadataInfo).filterMetadata ?? {} }
        : undefined;
    case 'json': {
      const value = parent.value as JsonValue;
      if (Array.isArray(value)) {
        if (!/^\d+$/.test(name)) return undefined;
        const item = value[Number(name)];
        return item === undefined ? undefined : { kind: 'json', value: item };
      }
      if (value !== null && typeof value === 'object' && Object.hasOwn(value, name)) {
        return { kind: 'json', value: value[name] };
      }
      return undefined;
    }
    case 'list': {
      const list = parent.value as readonly string[];
      if (!/^\d+$/.test(name)) return undefined;
      const item = list[Number(name)];
      return item === undefined ? undefined : { kind: 'string', value: item };
    }
    default:
      return undefined;
  }
}

function headerValues(headers: HeadersValue, name: string): string[] {
  const values: string[] = [];
  for (const [key, value] of headerPairs(headers))
    if (key.toLowerCase() === name) values.push(value);
  return values;
}

function headerPairs(headers: HeadersValue): readonly HeaderPair[] {
  if (Array.isArray(headers)) return headers as readonly HeaderPair[];
  const map = headers as { pairs?: () => readonly HeaderPair[] };
  if (typeof map.pairs === 'function') return map.pairs();
  return Object.entries(headers as Record<string, string>);
}

function int64(value: IntegerValue, signed: boolean): Uint8Array {
  const out = Buffer.alloc(8);
  const big = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  if (signed) out.writeBigInt64LE(BigInt.asIntN(64, big));
  else out.writeBigUInt64LE(BigInt.asUintN(64, big));
  return out;
}

function timestampNanos(value: TimestampValue): bigint {
  if (typeof value === 'bigint') return value;
  const ms = value instanceof Date ? value.getTime() : value;
  return BigInt(Math.round(ms * 1e6));
}

function durationNanos(value: DurationValue): bigint {
  return typeof value === 'bigint' ? value : BigInt(Math.round(value * 1e6));
}

function serializeJson(value: JsonValue): Uint8Array | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'number') {
    const out = Buffer.alloc(8);
    out.writeDoubleLE(value);
    return out;
  }
  if (typeof value === 'boolean') return Uint8Array.of(value ? 1 : 0);
  const pairs: [string, string][] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const bytes = serializeJson(item);
      if (bytes === undefined) return undefined;
      pairs.push([Buffer.from(bytes).toString('latin1'), '']);
    }
  } else {
    for (const [key, item] of Object.entries(value)) {
      const bytes = serializeJson(item);
      if (bytes === undefined) return undefined;
      pairs.push([
        Buffer.from(key, 'utf8').toString('latin1'),
        Buffer.from(bytes).toString('latin1'),
      ]);
    }
  }
  return encodePairs(pairs);
}

function serialize(typed: Typed): PropertyResult {
  let value: Uint8Array | undefined;
  switch (typed.kind) {
    case 'string':
      value = Buffer.from(String(typed.value), 'utf8');
      break;
    case 'bytes':
      value = typed.value as Uint8Array;
      break;
    case 'int':
      value = int64(typed.value as IntegerValue, true);
      break;
    case 'uint':
      value = int64(typed.value as IntegerValue, false);
      break;
    case 'bool':
      value = Uint8Array.of(typed.value ? 1 : 0);
      break;
    case 'timestamp':
      value = int64(timestampNanos(typed.value as TimestampValue), true);
      break;
    case 'duration':
      value = int64(durationNanos(typed.value as DurationValue), true);
      break;
    case 'headers':
      value = encodePairs(headerPairs(typed.value as HeadersValue));
      break;
    case 'node':
      value = encodeNode(typed.value as NodeInfo);
      break;
    case 'metadata':
      value = encodeMetadata(typed.value as MetadataInfo);
      break;
    case 'json':
      value = serializeJson(typed.value as JsonValue);
      break;
    case 'list':
      value = encodePairs((typed.value as readonly string[]).map((item) => [item, ''] as const));
      break;
    default:
      // A whole attribute group (`request`) or a locality: not serialized, as in Envoy.
      return SERIALIZATION_FAILURE;
  }
  return value === undefined ? SERIALIZATION_FAILURE : { result: WasmResult.Ok, value };
}
