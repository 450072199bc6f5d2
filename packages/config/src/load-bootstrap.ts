import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { JsonMappingDecoder } from './decode/decode-json.ts';
import { fastParse } from './decode/fast-yaml.ts';
import { PlainAdapter, type SourceAdapter, YamlAstAdapter } from './decode/source-adapter.ts';
import { locate, parseSource, positionOf, type SourceDocument } from './decode/yaml-source.ts';
import { formatProblem, InvalidConfigError, ProblemCodes } from './errors.ts';
import { type Problem, ProblemCollector } from './problem.ts';
import { envoySchema } from './schema/load-schema.ts';
import type { MessageInfo, SchemaIndex } from './schema/schema-index.ts';
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
  const schema = envoySchema();
  const registry = options.registry ?? defaultRegistry();
  registry.verify(schema);
  const type = schema.message(typeName);
  const checkSubset = options.checkSubset !== false;
  const result = (problems: Problem[], config: unknown): ValidationResult<T> => ({
    ok: problems.length === 0,
    problems,
    config: config as T | undefined,
    sourceName: read.name,
  });
  // Fast read first (js-yaml, no positions). A valid config, the usual case, ends here.
  let fastSyntaxError: { message: string; line: number; column: number } | undefined;
  let plain: unknown;
  try {
    plain = fastParse(read.text);
  } catch (error) {
    const mark = (error as { mark?: { line: number; column: number } }).mark;
    fastSyntaxError = {
      message: (error as { reason?: string }).reason ?? (error as Error).message,
      line: (mark?.line ?? -1) + 1,
      column: (mark?.column ?? -1) + 1,
    };
  }
  let fast: { problems: Problem[]; config: unknown } | undefined;
  if (!fastSyntaxError) {
    fast = runPasses(
      schema,
      registry,
      type,
      new PlainAdapter(plain),
      new ProblemCollector(null, null),
      checkSubset,
    );
    if (fast.problems.length === 0) return result([], fast.config);
  }
  // Something is wrong: read the text again with positions, for line and column in each report.
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
  if (errors.length > 0) return result(collector.problems, undefined);
  if (fastSyntaxError) {
    // The two parsers disagree on what is YAML; report the fast parser's complaint as it stands.
    return result(
      [
        {
          code: ProblemCodes.YamlSyntax,
          path: '',
          line: fastSyntaxError.line,
          column: fastSyntaxError.column,
          message: `Unable to parse YAML: ${fastSyntaxError.message}`,
        },
      ],
      undefined,
    );
  }
  const slow = runPasses(
    schema,
    registry,
    type,
    new YamlAstAdapter(document),
    collector,
    checkSubset,
  );
  // Both reads apply the same rules, so they find the same problems; if they ever did not, the
  // problems found (without positions) still stand.
  return slow.problems.length > 0
    ? result(slow.problems, slow.config)
    : result(fast?.problems ?? [], fast?.config);
}

/**
 * Decoding, then validation rules and the subset check over what decoded, so one run reports
 * everything; what the later passes say about a place that already failed to decode would only
 * repeat it, and is dropped.
 */
function runPasses(
  schema: SchemaIndex,
  registry: ConfigRegistry,
  type: MessageInfo,
  adapter: SourceAdapter,
  collector: ProblemCollector,
  checkSubset: boolean,
): { problems: Problem[]; config: unknown } {
  const decoded = new JsonMappingDecoder(schema, adapter, collector).decodeRoot(type);
  if (!decoded) return { problems: collector.problems, config: undefined };
  const failed = collector.problems.map((p) => p.path);
  const later = collector.fork();
  new RulesValidator(schema, later).validate(decoded, type);
  if (checkSubset) new SubsetChecker(schema, registry, later).check(decoded, type);
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
  return { problems: collector.problems, config: decoded };
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
