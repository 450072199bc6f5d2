import { type ComponentId, componentIds, isComponentId } from './components.ts';
import { badComponentLogLevelError, unknownComponentError } from './errors.ts';
import { type LogLevel, parseLogLevel } from './levels.ts';

/** Levels by component, as `--component-log-level` sets them. */
export type ComponentLevels = Partial<Record<ComponentId, LogLevel>>;

/**
 * Reads Envoy's `--component-log-level` value, `<component>:<level>` pairs separated by commas
 * (`upstream:debug,connection:trace`). Spaces around names are ignored, an empty string gives no
 * levels, and a component named twice keeps its last level (as in Envoy). Throws a `LogError`
 * naming the bad entry: `NUNCIO_ERR_LOG_BAD_COMPONENT_LOG_LEVEL` for an entry that is not a pair,
 * `NUNCIO_ERR_LOG_UNKNOWN_COMPONENT` (listing the valid components) or
 * `NUNCIO_ERR_LOG_UNKNOWN_LEVEL` (listing the valid levels).
 */
export function parseComponentLogLevel(spec: string): ComponentLevels {
  const levels: ComponentLevels = {};
  if (typeof spec !== 'string') throw badComponentLogLevelError(String(spec));
  if (spec.trim() === '') return levels;
  for (const entry of spec.split(',')) {
    const parts = entry.split(':');
    if (parts.length !== 2) throw badComponentLogLevelError(entry);
    const component = (parts[0] as string).trim();
    const level = (parts[1] as string).trim();
    if (component === '' || level === '') throw badComponentLogLevelError(entry);
    if (!isComponentId(component)) throw unknownComponentError(component, componentIds);
    levels[component] = parseLogLevel(level);
  }
  return levels;
}
