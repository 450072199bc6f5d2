import type { StatsMatcherConfig } from './stats-matcher.ts';
import type { TagSpecifier } from './tag-producer.ts';

/**
 * The parts of the bootstrap's `stats_config` (`envoy.config.metrics.v3.StatsConfig`) this package
 * applies, decoded to camelCase plain data (so it travels to workers inside the descriptor).
 */
export interface StatsConfig {
  /** Custom tag extractors and fixed tags. */
  readonly statsTags?: readonly TagSpecifier[];
  /** Use Envoy's default tag extractors (default true). */
  readonly useAllDefaultTags?: boolean;
  /** Which stats are created for real; the others are no-op null stats. */
  readonly statsMatcher?: StatsMatcherConfig;
}
