// Protobuf FieldMask semantics (TrimMessage) over proto3 JSON objects, as Envoy's /config_dump
// applies `mask=`: keep only the fields the paths name, at any depth, and nothing else.
import { DUMP_FIELDS, type FieldKind } from './config-dump-fields.ts';

type Json = Record<string, unknown>;

/** `mask=a.b,c` → `[['a','b'],['c']]` (empty paths dropped, as FieldMaskUtil::FromString). */
export function parseFieldMask(mask: string): string[][] {
  return mask
    .split(',')
    .map((path) => path.trim())
    .filter((path) => path !== '')
    .map((path) => path.split('.'));
}

/**
 * Checks `paths` against the known fields of the message typed `type` (Envoy's
 * `GetFieldDescriptors`): the first segment must be a field of it, and a path may not go on
 * through a repeated or scalar field. Types not described are accepted as they come.
 */
export function maskFitsType(type: string, paths: readonly string[][]): boolean {
  const fields = DUMP_FIELDS[type];
  if (fields === undefined) return true;
  for (const path of paths) {
    const kind: FieldKind | undefined = fields[path[0] as string];
    if (kind === undefined) return false;
    if (path.length > 1 && (kind === 'repeated' || kind === 'scalar')) return false;
  }
  return true;
}

/**
 * A copy of `message` with only the fields named by `paths` (TrimMessage): a path keeps its whole
 * subtree; paths that go deeper keep only what they name inside. `@type` is always kept, since it
 * says what an `Any` holds.
 */
export function trimMessage(message: Json, paths: readonly string[][]): Json {
  const out: Json = {};
  if ('@type' in message) out['@type'] = message['@type'];
  const byField = new Map<string, string[][] | null>();
  for (const [field, ...rest] of paths) {
    const key = field as string;
    const list = byField.get(key);
    if (list === null) continue; // already the whole field
    if (rest.length === 0) byField.set(key, null);
    else if (list === undefined) byField.set(key, [rest]);
    else list.push(rest);
  }
  for (const [field, subPaths] of byField) {
    if (!(field in message)) continue;
    const value = message[field];
    if (subPaths === null) {
      out[field] = value;
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      // A set message field stays set, even when nothing the paths name is in it.
      out[field] = trimMessage(value as Json, subPaths);
    }
  }
  return out;
}
