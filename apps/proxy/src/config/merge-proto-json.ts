/**
 * Envoy's `--config-yaml` merge (`bootstrap.MergeFrom(override)`, protobuf's merge) over two
 * documents in proto3 JSON as `@nuncio/config`'s encoder prints them, where a field at its
 * default is absent:
 *
 * - a scalar, duration, wrapper or enum set in the override replaces the base's (a field the
 *   override leaves at its default is absent, so it replaces nothing, as in protobuf);
 * - a repeated field is appended to (the base's elements first);
 * - a message is merged field by field, recursively;
 * - an `Any` (an object with `@type`, e.g. a `typed_config`) is replaced whole, as protobuf
 *   replaces its type URL and bytes.
 *
 * Two things protobuf knows from the schema and JSON does not: a map's entries are merged here
 * like a message's fields (protobuf replaces an entry whole), and setting one member of a oneof
 * cannot clear the other here; {@link MergeProvenance.overridingMember} settles those conflicts
 * after validation names them.
 */
export function mergeProtoJson(
  base: Readonly<Record<string, unknown>>,
  override: Readonly<Record<string, unknown>>,
  provenance: MergeProvenance,
): Record<string, unknown> {
  provenance.nextLayer();
  return mergeValue(base, override, provenance) as Record<string, unknown>;
}

/** Which merge layer set each field of each merged object (0 is the base document). */
export class MergeProvenance {
  private readonly layers: WeakMap<object, Map<string, number>>;
  private layer: number;

  constructor() {
    this.layers = new WeakMap();
    this.layer = 0;
  }

  /** Called once per override merged: its fields count as set by the next layer. */
  nextLayer(): void {
    this.layer++;
  }

  /** The layer being merged. */
  get current(): number {
    return this.layer;
  }

  /** Records that `key` of `object` was set by the current layer. */
  setBy(object: object, key: string, layer = this.layer): void {
    let keys = this.layers.get(object);
    if (keys === undefined) {
      keys = new Map();
      this.layers.set(object, keys);
    }
    keys.set(key, layer);
  }

  /** The layer that set `key` of `object` (0, the base, when unrecorded). */
  layerOf(object: object, key: string): number {
    return this.layers.get(object)?.get(key) ?? 0;
  }

  /**
   * Of two members of one oneof both set in `object`, the one set by the later layer (protobuf's
   * merge clears the other), or null when one layer set both (a conflict of the user's own).
   */
  overridingMember(object: object, a: string, b: string): string | null {
    const la = this.layerOf(object, a);
    const lb = this.layerOf(object, b);
    if (la === lb) return null;
    return la > lb ? a : b;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeValue(base: unknown, override: unknown, provenance: MergeProvenance): unknown {
  if (Array.isArray(base) && Array.isArray(override)) return [...base, ...override];
  if (!isObject(base) || !isObject(override) || '@type' in override) return override;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) {
    out[key] = value;
    provenance.setBy(out, key, provenance.layerOf(base, key));
  }
  for (const [key, value] of Object.entries(override)) {
    out[key] = key in out ? mergeValue(out[key], value, provenance) : value;
    provenance.setBy(out, key);
  }
  return out;
}
