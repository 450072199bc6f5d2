import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { JsonMappingDecoder } from './decode/decode-json.ts';
import { locate, parseSource, positionOf, type SourceDocument } from './decode/yaml-source.ts';
import { formatProblem, InvalidConfigError, ProblemCodes } from './errors.ts';
import { type Problem, ProblemCollector } from './problem.ts';
import { envoySchema } from './schema/load-schema.ts';
import { SubsetChecker } from './subset/check-subset.ts';
import type { ConfigRegistry } from './subset/config-registry.ts';
import { defaultRegistry } from './subset/core-subset.ts';
import type { Bootstrap } from './types.ts';
import { RulesValidator } from './validate/validate-rules.ts';

/**
 * Where a config comes from: a file path (`.yaml`, `.yml` or `.json`), `{ path }`, or the text
 * itself (`{ text, name? }`). A bare string is a path when it is one line ending in one of those
 * extensions, and YAML/JSON text otherwise.
 */
export type ConfigSource = string | { path: string } | { text: string; name?: string };

/** Options of `loadBootstrap` / `validateBootstrap`. */
export interface LoadOptions {
  /** The supported subset and extensions to check against (default: `defaultRegistry()`). */
  registry?: ConfigRegistry;
  /**
   * Check the supported subset and extensions (default true). Off, a config is checked only as
   * Envoy would check it (mapping and validation rules): for tools and tests.
   */
  checkSubset?: boolean;
}

/** What `validateBootstrap` / `validateConfig` return. */
export interface ValidationResult<T = Bootstrap> {
  /** True when there is no problem. */
  ok: boolean;
  /** Every problem found, in document order within each pass (syntax, mapping, rules, subset). */
  problems: Problem[];
  /** The decoded config, when the text could be decoded (even if it broke rules). */
  config: T | undefined;
  /** The file path, or the name given, or `<inline>`. */
  sourceName: string;
}

const CONFIG_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';

function readSource(source: ConfigSource): { text: string; name: string } | Problem {
  let path: string | undefined;
  if (typeof source === 'string') {
    const looksLikePath =
      !source.includes('\n') && CONFIG_EXTENSIONS.has(extname(source).toLowerCase());
    if (!looksLikePath) return { text: source, name: '<inline>' };
    path = source;
  } else if ('path' in source) {
    path = source.path;
  } else {
    return { text: source.text, name: source.name ?? '<inline>' };
  }
  const problem = (message: string): Problem => ({
    code: ProblemCodes.FileRead,
    path: '',
    line: 0,
    column: 0,
    message,
  });
  if (!CONFIG_EXTENSIONS.has(extname(path).toLowerCase())) {
    return problem(
      `unsupported config file extension '${extname(path)}' (want .yaml, .yml or .json): ${path}`,
    );
  }
  try {
    return { text: readFileSync(path, 'utf8'), name: path };
  } catch (error) {
    return problem(`cannot read config file ${path}: ${(error as Error).message}`);
  }
}

/**
 * Validates a config as `typeName` (a full Envoy message name): YAML/JSON syntax, the proto3 JSON
 * mapping, protoc-gen-validate rules, then the supported subset. Reports every problem found in
 * one run (only a syntax error stops it: a document that does not parse cannot be read further).
 */
export function validateConfig<T = unknown>(
  typeName: string,
  source: ConfigSource,
  options: LoadOptions = {},
): ValidationResult<T> {
  const read = readSource(source);
  if ('code' in read) return { ok: false, problems: [read], config: undefined, sourceName: '' };
  const { source: document, errors } = parseSource(read.text, read.name);
  const collector = collectorFor(document);
  for (const error of errors) {
    collector.addAt(
      ProblemCodes.YamlSyntax,
      [],
      error.offset,
      `Unable to parse YAML: ${error.message}`,
    );
  }
  const result = (config: T | undefined): ValidationResult<T> => ({
    ok: collector.problems.length === 0,
    problems: collector.problems,
    config,
    sourceName: read.name,
  });
  if (errors.length > 0) return result(undefined);
  const schema = envoySchema();
  const registry = options.registry ?? defaultRegistry();
  registry.verify(schema);
  const type = schema.message(typeName);
  const decoded = new JsonMappingDecoder(schema, document, collector).decodeRoot(type);
  if (!decoded) return result(undefined);
  // The later passes run over what did decode, so one run reports everything; what they say
  // about a place that already failed to decode would only repeat it, and is dropped.
  const failed = collector.problems.map((p) => p.path);
  const later = collectorFor(document);
  new RulesValidator(schema, later).validate(decoded, type);
  if (options.checkSubset !== false)
    new SubsetChecker(schema, registry, later).check(decoded, type);
  for (const problem of later.problems) {
    // An extension point whose typed config failed to decode is not also "unknown by name".
    const scope =
      problem.code === ProblemCodes.UnknownExtension
        ? problem.path.slice(0, Math.max(0, problem.path.lastIndexOf('.')))
        : problem.path;
    if (!failed.some((f) => isAtOrUnder(problem.path, f) || isAtOrUnder(f, scope))) {
      collector.problems.push(problem);
    }
  }
  return result(decoded as T);
}

function isAtOrUnder(path: string, prefix: string): boolean {
  return (
    path === prefix ||
    prefix === '' ||
    (path.startsWith(prefix) && (path[prefix.length] === '.' || path[prefix.length] === '['))
  );
}

function collectorFor(document: SourceDocument): ProblemCollector {
  return new ProblemCollector(
    (path) => locate(document, path),
    (offset) => positionOf(document, offset),
  );
}

/** `validateConfig` for Envoy's bootstrap: what `--mode validate` runs. */
export function validateBootstrap(
  source: ConfigSource,
  options: LoadOptions = {},
): ValidationResult<Bootstrap> {
  return validateConfig<Bootstrap>(BOOTSTRAP, source, options);
}

/**
 * Loads an Envoy v3 bootstrap and returns it decoded and typed; throws `InvalidConfigError`
 * (code `NUNCIO_ERR_CONFIG_INVALID`) listing every problem when it is not a valid config within
 * Nuncio's supported subset.
 */
export function loadBootstrap(source: ConfigSource, options: LoadOptions = {}): Bootstrap {
  const result = validateBootstrap(source, options);
  if (!result.ok || !result.config)
    throw new InvalidConfigError(result.sourceName, result.problems);
  return result.config;
}

/** Envoy's `--mode validate` exit code: 0 when the config is valid, 1 when it is not. */
export function exitCode(result: Pick<ValidationResult<unknown>, 'ok'>): 0 | 1 {
  return result.ok ? 0 : 1;
}

/** The lines `--mode validate` prints: one per problem (`file:line:column: path: message`). */
export function formatProblems(result: ValidationResult<unknown>): string[] {
  return result.problems.map((problem) => formatProblem(problem, result.sourceName));
}
