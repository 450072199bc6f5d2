import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import { envoyScalar, IGNORED_KEY, type ScalarValue } from './yaml-source.ts';

// js-yaml parses about ten times faster than the `yaml` package's Document API, but keeps no
// source positions. So a config is first read through js-yaml; only when it has a problem is it
// read again through `yaml`, whose nodes carry the line and column each problem needs.
// (Loaded on first use: importing this package must stay cheap.)
let schema: JsYaml.Schema | undefined;
let lib: typeof JsYaml | undefined;

function envoySchema(y: typeof JsYaml): JsYaml.Schema {
  const NOT = y.NOT_RESOLVED;
  const plain = (tag: string, accept: (v: ScalarValue) => boolean) =>
    y.defineScalarTag(`tag:yaml.org,2002:${tag}`, {
      implicit: true,
      resolve: (source: string, explicit: boolean) => {
        if (explicit) return NOT;
        const value = envoyScalar(source);
        return accept(value) ? value : NOT;
      },
      identify: () => false,
    });
  return y.FAILSAFE_SCHEMA.withTags(
    plain('null', (v) => v === null),
    plain('bool', (v) => typeof v === 'boolean'),
    plain('int', (v) => typeof v === 'bigint'),
    plain('float', (v) => typeof v === 'number'),
    y.mergeTag,
    // Envoy drops map entries whose key is tagged `!ignore`; such keys are marked for removal.
    y.defineScalarTag('!ignore', {
      resolve: (source: string) => `${IGNORED_KEY}${source}`,
      identify: () => false,
    }),
  );
}

const INTEGER_SOURCE = /^-?[0-9]+$/;

// JSON integers are kept exact (as bigint, like the YAML path), from their source text.
function exactIntegers(this: unknown, _key: string, value: unknown, context?: { source?: string }) {
  if (typeof value === 'number' && context?.source && INTEGER_SOURCE.test(context.source)) {
    return BigInt(context.source);
  }
  return value;
}

/**
 * Parses YAML/JSON into plain values by Envoy's scalar rules; throws the parser's error. JSON
 * documents go through `JSON.parse` (faster still); anything else, or JSON that does not parse as
 * such, through js-yaml.
 */
export function fastParse(text: string): unknown {
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      return JSON.parse(text, exactIntegers as (key: string, value: unknown) => unknown);
    } catch {
      // YAML flow style (`{ a: 1 }`) is not JSON: read it as YAML.
    }
  }
  lib ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml;
  schema ??= envoySchema(lib);
  if (text.trim() === '') return null;
  return lib.load(text, { schema });
}
