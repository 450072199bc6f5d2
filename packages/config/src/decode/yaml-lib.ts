import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Alias, Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';

// The YAML library takes ~45 ms to import; it is loaded on the first config read, so that
// importing this package (and `nuncio --version`) costs nothing.
let lib: typeof Yaml | undefined;

/** The `yaml` module, loaded on first use. */
export function yamlLib(): typeof Yaml {
  lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return lib;
}

export function isMap(node: unknown): node is YAMLMap {
  return yamlLib().isMap(node);
}

export function isSeq(node: unknown): node is YAMLSeq {
  return yamlLib().isSeq(node);
}

export function isScalar(node: unknown): node is Scalar {
  return yamlLib().isScalar(node);
}

export function isAlias(node: unknown): node is Alias {
  return yamlLib().isAlias(node);
}

export type { Node };
