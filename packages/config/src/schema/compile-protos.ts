import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type * as Protobuf from 'protobufjs';
import { ProtosUnavailableError } from '../errors.ts';
import { jsonNameOf } from './json-name.ts';
import type {
  EnvoySchema,
  FieldKind,
  SchemaEnum,
  SchemaField,
  SchemaMessage,
  SchemaOneof,
} from './schema.ts';

// The protos ship in @grpc/grpc-js-xds (a build-time dependency): `deps/` holds the whole Envoy v3
// API, the xds/udpa annotations, protoc-gen-validate and googleapis. Nothing here runs when the
// precompiled schema is present, which is always the case for the published package.
const PROTO_PACKAGE = '@grpc/grpc-js-xds';
const ROOTS = ['envoy-api', 'xds', 'protoc-gen-validate', 'googleapis'];
// Envoy's v2/v1 API directories (their imports are not shipped) and unreleased alpha APIs.
const SKIP_DIR = /(^|\/)(v2|v2alpha|v1alpha|v1alpha1|v3alpha|v4alpha)(\/|$)/;
const SCALAR_KINDS = new Set<string>([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

/** Where the protos are on this machine, and which version of the package they came from. */
export interface ProtoSources {
  roots: string[];
  protobufjsDir: string;
  version: string;
}

function requireFrom(): NodeJS.Require {
  return createRequire(import.meta.url);
}

/** Finds @grpc/grpc-js-xds's `deps/` directories; throws `ProtosUnavailableError` if absent. */
export function findProtoSources(): ProtoSources {
  const require = requireFrom();
  let main: string;
  let protobufjsIndex: string;
  try {
    main = require.resolve(PROTO_PACKAGE);
    protobufjsIndex = require.resolve('protobufjs');
  } catch (cause) {
    throw new ProtosUnavailableError(
      `neither a precompiled envoy-schema.json nor the ${PROTO_PACKAGE} and protobufjs packages to compile one from were found (${(cause as Error).message})`,
    );
  }
  let dir = dirname(main);
  while (!existsSync(join(dir, 'deps', 'envoy-api'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new ProtosUnavailableError(`${PROTO_PACKAGE} has no deps/envoy-api`);
    dir = parent;
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return {
    roots: ROOTS.map((r) => join(dir, 'deps', r)),
    protobufjsDir: dirname(protobufjsIndex),
    version: `${PROTO_PACKAGE}@${manifest.version}`,
  };
}

function listProtos(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listProtos(path, out);
    else if (entry.name.endsWith('.proto')) out.push(path);
  }
  return out;
}

const IMPORT = /^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm;

/**
 * Picks every Envoy v3 proto whose imports (transitively) are all shipped: a few files import
 * protos that are not (opencensus, opentelemetry), and one missing import fails a whole load.
 */
function loadableFiles(sources: ProtoSources): string[] {
  const locate = (name: string): string | undefined => {
    for (const root of sources.roots) {
      const path = join(root, name);
      if (existsSync(path)) return path;
    }
    const bundled = join(sources.protobufjsDir, name);
    return existsSync(bundled) ? bundled : undefined;
  };
  // protobufjs has the well-known types built in (any, duration, struct, wrappers, ...).
  const builtIn = (name: string): boolean => name.startsWith('google/protobuf/') && !locate(name);
  const ok = new Map<string, boolean>();
  const check = (name: string, stack: Set<string>): boolean => {
    const known = ok.get(name);
    if (known !== undefined) return known;
    if (stack.has(name) || builtIn(name)) return true;
    const path = locate(name);
    if (!path) {
      ok.set(name, false);
      return false;
    }
    stack.add(name);
    let good = true;
    for (const match of readFileSync(path, 'utf8').matchAll(IMPORT)) {
      if (!check(match[1] as string, stack)) good = false;
    }
    stack.delete(name);
    ok.set(name, good);
    return good;
  };
  const envoyRoot = sources.roots[0] as string;
  const files: string[] = [];
  for (const path of listProtos(join(envoyRoot, 'envoy'))) {
    const name = relative(envoyRoot, path).split(sep).join('/');
    if (SKIP_DIR.test(name)) continue;
    if (check(name, new Set())) files.push(name);
  }
  // Types that Envoy configs name in `@type` without an Envoy proto importing them.
  for (const extra of ['xds/type/v3/typed_struct.proto', 'udpa/type/v1/typed_struct.proto']) {
    if (check(extra, new Set())) files.push(extra);
  }
  return files.sort();
}

type ParsedOptions = Record<string, unknown>[] | undefined | null;

function parsedOption(options: ParsedOptions, name: string): unknown {
  if (!options) return undefined;
  for (const entry of options) if (name in entry) return entry[name];
  return undefined;
}

function mergeDeep(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (
      existing &&
      value &&
      typeof existing === 'object' &&
      typeof value === 'object' &&
      !Array.isArray(value)
    ) {
      mergeDeep(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
  return target;
}

function fileOf(object: Protobuf.ReflectionObject, sources: ProtoSources): string {
  const filename = object.filename ?? '';
  for (const root of [...sources.roots, sources.protobufjsDir]) {
    if (filename.startsWith(root + sep)) return relative(root, filename).split(sep).join('/');
  }
  return filename;
}

function compileField(
  protobuf: typeof Protobuf,
  field: Protobuf.Field | Protobuf.MapField,
): SchemaField {
  const out: SchemaField = {
    name: field.name,
    json: jsonNameOf(field.name),
    id: field.id,
    kind: 'message',
  };
  if (SCALAR_KINDS.has(field.type)) {
    out.kind = field.type as FieldKind;
  } else {
    const resolved = field.resolve().resolvedType;
    if (!resolved) throw new Error(`unresolved type ${field.type} of ${field.fullName}`);
    out.kind = resolved instanceof protobuf.Enum ? 'enum' : 'message';
    out.type = resolved.fullName.slice(1);
  }
  if (field instanceof protobuf.MapField) {
    out.label = 'map';
    out.keyKind = field.keyType as FieldKind;
  } else if (field.repeated) {
    out.label = 'repeated';
  } else if (field.options?.proto3_optional) {
    out.label = 'optional';
  }
  const oneof = field.partOf;
  if (oneof && !field.options?.proto3_optional) out.oneof = oneof.name;
  const parsed = field.parsedOptions as ParsedOptions;
  if (parsedOption(parsed, 'deprecated') === true) out.deprecated = true;
  const deprecatedAt = parsedOption(parsed, '(envoy.annotations.deprecated_at_minor_version)');
  if (typeof deprecatedAt === 'string') out.deprecatedAt = deprecatedAt;
  if (parsedOption(parsed, '(udpa.annotations.sensitive)') === true) out.sensitive = true;
  // One field may carry several `(validate.rules)` options (e.g. `.message` and `.duration`).
  let rules: Record<string, unknown> | undefined;
  for (const entry of parsed ?? []) {
    const value = entry['(validate.rules)'];
    if (value && typeof value === 'object')
      rules = mergeDeep(rules ?? {}, value as Record<string, unknown>);
  }
  if (rules) out.rules = rules;
  return out;
}

function compileMessage(
  protobuf: typeof Protobuf,
  type: Protobuf.Type,
  sources: ProtoSources,
): SchemaMessage {
  const out: SchemaMessage = {
    file: fileOf(type, sources),
    fields: type.fieldsArray
      .slice()
      .sort((a, b) => a.id - b.id)
      .map((f) => compileField(protobuf, f)),
  };
  const oneofs: SchemaOneof[] = [];
  for (const oneof of type.oneofsArray) {
    // proto3 `optional` fields are compiled into synthetic oneofs named `_<field>`.
    if (oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.proto3_optional) continue;
    const entry: SchemaOneof = { name: oneof.name };
    const parsed = (oneof as unknown as { parsedOptions: ParsedOptions }).parsedOptions;
    if (
      parsedOption(parsed, '(validate.required)') === true ||
      oneof.options?.['(validate.required)'] === true
    ) {
      entry.required = true;
    }
    oneofs.push(entry);
  }
  if (oneofs.length > 0) out.oneofs = oneofs;
  const parsed = type.parsedOptions as ParsedOptions;
  const versioning = parsedOption(parsed, '(udpa.annotations.versioning)') as
    | { previous_message_type?: string }
    | undefined;
  if (versioning?.previous_message_type) out.previous = versioning.previous_message_type;
  if (
    parsedOption(parsed, '(validate.disabled)') === true ||
    parsedOption(parsed, '(validate.ignored)') === true
  ) {
    out.validateDisabled = true;
  }
  return out;
}

function compileEnum(type: Protobuf.Enum): SchemaEnum {
  const values: [string, number][] = Object.entries(type.values).map(([n, v]) => [n, v]);
  const out: SchemaEnum = { values };
  const deprecated = values
    .filter(([name]) => type.valuesOptions?.[name]?.deprecated === true)
    .map(([name]) => name);
  if (deprecated.length > 0) out.deprecated = deprecated;
  return out;
}

/**
 * Parses Envoy's v3 API protos with protobufjs and returns the compact schema. Takes a few hundred
 * milliseconds; the build runs it once and ships the result.
 */
export function compileEnvoySchema(sources: ProtoSources = findProtoSources()): EnvoySchema {
  const protobuf = requireFrom()('protobufjs') as typeof Protobuf;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const dir of sources.roots) {
      const path = join(dir, target);
      if (existsSync(path)) return path;
    }
    const bundled = join(sources.protobufjsDir, target);
    return existsSync(bundled) ? bundled : target;
  };
  root.loadSync(loadableFiles(sources), { keepCase: true });
  root.resolveAll();
  const schema: EnvoySchema = { format: 1, source: sources.version, messages: {}, enums: {} };
  const visit = (ns: Protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        schema.messages[nested.fullName.slice(1)] = compileMessage(protobuf, nested, sources);
      } else if (nested instanceof protobuf.Enum) {
        schema.enums[nested.fullName.slice(1)] = compileEnum(nested);
      }
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) {
        visit(nested as Protobuf.NamespaceBase);
      }
    }
  };
  visit(root);
  return schema;
}
