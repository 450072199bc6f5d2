// Sinks by extension name, from a static list (Envoy's `extensions_build_config.bzl` habit): the
// bootstrap's `stats_sinks` entries name one of these.
import { invalidSinkError } from './errors.ts';
import type { StatsSink } from './stats-sink.ts';
import { StatsdSink } from './statsd-sink.ts';

/** One decoded entry of the bootstrap's `stats_sinks`. */
export interface StatsSinkConfig {
  /** The extension name, e.g. `envoy.stat_sinks.statsd`. */
  readonly name: string;
  /** The decoded `typed_config` (its `@type` is not checked here). */
  readonly typedConfig?: Record<string, unknown>;
}

/** Builds a sink from a decoded `typed_config`; `path` names the field in errors. */
export type StatsSinkFactory = (typedConfig: Record<string, unknown>, path: string) => StatsSink;

/** The sinks this package provides, by extension name. */
export const statsSinkFactories: ReadonlyMap<string, StatsSinkFactory> = new Map<
  string,
  StatsSinkFactory
>([['envoy.stat_sinks.statsd', (config, path) => StatsdSink.fromConfig(config, path)]]);

/**
 * Creates the sink a `stats_sinks` entry names. `extraFactories` adds sinks of your own (they win
 * over built-in names). Throws naming `path` when the name is unknown or the config is wrong.
 */
export function createStatsSink(
  config: StatsSinkConfig,
  path = 'stats_sinks[0]',
  extraFactories: ReadonlyMap<string, StatsSinkFactory> = new Map(),
): StatsSink {
  const factory = extraFactories.get(config.name) ?? statsSinkFactories.get(config.name);
  if (factory === undefined) {
    const known = [...new Set([...statsSinkFactories.keys(), ...extraFactories.keys()])].join(', ');
    throw invalidSinkError(`${path}.name`, `unknown stats sink "${config.name}" (known: ${known})`);
  }
  return factory(config.typedConfig ?? {}, `${path}.typed_config`);
}
