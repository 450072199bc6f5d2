import {
  type Bootstrap,
  type ConfigRegistry,
  configDump,
  formatProblem,
  type Problem,
  ProblemCodes,
  type ValidationResult,
  validateBootstrap,
} from '@nuncio/config';
import { noConfigError } from '../errors.ts';
import { MergeProvenance, mergeProtoJson } from './merge-proto-json.ts';
import { proxyConfigRegistry } from './proxy-registry.ts';

/** Where the bootstrap comes from: Envoy's `-c`, `--config-yaml` and the `--service-*` flags. */
export interface ProxyConfigSource {
  /** `-c` / `--config-path`. */
  readonly configPath?: string | null;
  /** `--config-yaml`: merged over the file (an empty string counts as absent, as in Envoy). */
  readonly configYaml?: string | null;
  /** `--service-node`: `node.id`. */
  readonly serviceNode?: string | null;
  /** `--service-cluster`: `node.cluster`. */
  readonly serviceCluster?: string | null;
  /** `--service-zone`: `node.locality.zone`. */
  readonly serviceZone?: string | null;
}

/** One problem of a proxy config, with the source it is in. */
export interface ConfigProblem extends Problem {
  /** The file, `--config-yaml`, or both joined by ` + ` for a problem of the merged bootstrap. */
  readonly source: string;
}

/** What {@link loadProxyConfig} returns. */
export interface ProxyConfig {
  /** True when the bootstrap is valid and within what the binary supports. */
  readonly ok: boolean;
  /** The bootstrap (decoded), when `ok`. */
  readonly config: Bootstrap | undefined;
  /** The file path, `--config-yaml`, or `<path> + --config-yaml`: what `--mode validate` names. */
  readonly sourceName: string;
  /** Every problem, each with its source (and line and column where there is one). */
  readonly problems: readonly ConfigProblem[];
}

const CONFIG_YAML = '--config-yaml';

// Problems that the merge cannot change, because the document they are in could not be read
// fully: reported before any merge, with their positions. The others (validation rules, the
// supported subset) are checked again on the merged bootstrap, as Envoy validates after merging.
const RECHECKED_AFTER_MERGE: ReadonlySet<string> = new Set([
  ProblemCodes.Constraint,
  ProblemCodes.UnsupportedField,
  ProblemCodes.UnsupportedValue,
  ProblemCodes.UnknownExtension,
  ProblemCodes.DeprecatedField,
]);

/** Oneof conflicts a later layer settles: at most this many rounds of validation. */
const MAX_ONEOF_ROUNDS = 8;

/**
 * Loads the bootstrap as Envoy does: the file, then `--config-yaml` merged over it with
 * protobuf's merge (fields replace, repeated fields append, `typed_config` replaced whole, a
 * oneof member set in the YAML replacing the file's), then the `--service-*` flags over `node`,
 * and only then validation (so the YAML may complete what the file leaves out). Every problem is
 * reported, never only the first. Throws `NUNCIO_ERR_PROXY_NO_CONFIG` without a path or YAML.
 */
export function loadProxyConfig(
  source: ProxyConfigSource,
  registry: ConfigRegistry = proxyConfigRegistry(),
): ProxyConfig {
  const path = source.configPath ?? null;
  const yaml = source.configYaml ? source.configYaml : null;
  if (path === null && yaml === null) throw noConfigError();
  const node = nodeOverride(source);
  const reads: { name: string; result: ValidationResult<Bootstrap> }[] = [];
  if (path !== null) reads.push({ name: path, result: validateBootstrap(path, { registry }) });
  if (yaml !== null) {
    reads.push({
      name: CONFIG_YAML,
      result: validateBootstrap({ text: yaml, name: CONFIG_YAML }, { registry }),
    });
  }
  const first = reads[0] as { name: string; result: ValidationResult<Bootstrap> };
  if (reads.length === 1 && node === null) return fromResult(first.name, first.result);

  // Whatever could not be decoded is reported now, with its position in its own source.
  const unreadable = reads.flatMap(({ name, result }) =>
    result.config === undefined
      ? result.problems.map((p) => located(p, name))
      : result.problems
          .filter((p) => !RECHECKED_AFTER_MERGE.has(p.code))
          .map((p) => located(p, name)),
  );
  const sourceName = reads.map((r) => r.name).join(' + ');
  if (unreadable.length > 0) {
    return { ok: false, config: undefined, sourceName, problems: unreadable };
  }

  const provenance = new MergeProvenance();
  let merged = encode(first.result.config as Bootstrap);
  for (const read of reads.slice(1)) {
    merged = mergeProtoJson(merged, encode(read.result.config as Bootstrap), provenance);
  }
  if (node !== null) merged = mergeProtoJson(merged, node, provenance);

  let result = validateBootstrap({ text: JSON.stringify(merged), name: sourceName }, { registry });
  for (let round = 0; round < MAX_ONEOF_ROUNDS && !result.ok; round++) {
    if (!settleOneofs(merged, result.problems, provenance)) break;
    result = validateBootstrap({ text: JSON.stringify(merged), name: sourceName }, { registry });
  }
  if (result.ok) return { ok: true, config: result.config, sourceName, problems: [] };
  // A problem the merge did not touch is shown where it is in its own source.
  const problems = result.problems.map((problem) => {
    for (const { name, result: own } of reads) {
      const same = own.problems.find(
        (p) => p.path === problem.path && p.message === problem.message,
      );
      if (same !== undefined) return located(same, name);
    }
    return { ...problem, line: 0, column: 0, source: sourceName };
  });
  return { ok: false, config: undefined, sourceName, problems };
}

/** The lines `--mode validate` prints: `source:line:column: path: message`, one per problem. */
export function formatConfigProblems(config: ProxyConfig): string[] {
  return config.problems.map((problem) => formatProblem(problem, problem.source));
}

function fromResult(name: string, result: ValidationResult<Bootstrap>): ProxyConfig {
  return {
    ok: result.ok,
    config: result.ok ? result.config : undefined,
    sourceName: name,
    problems: result.problems.map((p) => located(p, name)),
  };
}

function located(problem: Problem, source: string): ConfigProblem {
  return { ...problem, source };
}

function encode(bootstrap: Bootstrap): Record<string, unknown> {
  const dump = configDump(bootstrap, { includeSecrets: true, lastUpdated: new Date(0) });
  return (dump.configs[0]?.bootstrap ?? {}) as Record<string, unknown>;
}

function nodeOverride(source: ProxyConfigSource): Record<string, unknown> | null {
  const node: Record<string, unknown> = {};
  if (source.serviceNode) node.id = source.serviceNode;
  if (source.serviceCluster) node.cluster = source.serviceCluster;
  if (source.serviceZone) node.locality = { zone: source.serviceZone };
  return Object.keys(node).length === 0 ? null : { node };
}

/**
 * Settles the oneof conflicts validation found in `merged`: where a later layer set one member
 * and an earlier layer the other, the earlier one is removed (protobuf's merge clears it).
 * Returns true when it removed anything.
 */
function settleOneofs(
  merged: Record<string, unknown>,
  problems: readonly Problem[],
  provenance: MergeProvenance,
): boolean {
  let changed = false;
  for (const problem of problems) {
    if (problem.code !== ProblemCodes.OneofConflict) continue;
    const other = /already set: '([^']+)'/.exec(problem.message)?.[1];
    const segments = parsePath(problem.path);
    const member = segments.pop();
    if (other === undefined || typeof member !== 'string') continue;
    const parent = navigate(merged, segments);
    if (parent === null || !(member in parent) || !(other in parent)) continue;
    const winner = provenance.overridingMember(parent, member, other);
    if (winner === null) continue;
    delete parent[winner === member ? other : member];
    changed = true;
  }
  return changed;
}

/** `a.b[2]["k"].c` into `['a', 'b', 2, 'k', 'c']`. */
function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) out.push(match[1]);
    else if (match[2] !== undefined) out.push(Number(match[2]));
    else if (match[3] !== undefined) out.push(JSON.parse(match[3]) as string);
  }
  return out;
}

function navigate(
  root: Record<string, unknown>,
  segments: readonly (string | number)[],
): Record<string, unknown> | null {
  let at: unknown = root;
  for (const segment of segments) {
    if (typeof at !== 'object' || at === null) return null;
    at = (at as Record<string | number, unknown>)[segment];
  }
  return typeof at === 'object' && at !== null && !Array.isArray(at)
    ? (at as Record<string, unknown>)
    : null;
}
