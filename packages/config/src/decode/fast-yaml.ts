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

/** Parses YAML/JSON into plain values by Envoy's scalar rules; throws js-yaml's error. */
export function fastParse(text: string): unknown {
  lib ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml;
  schema ??= envoySchema(lib);
  if (text.trim() === '') return null;
  return lib.load(text, { schema });
}
