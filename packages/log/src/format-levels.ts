import type { ComponentLevel } from './log-registry.ts';

/**
 * The body Envoy's admin answers `/logging` with: `active loggers:` and one indented
 * `<component>: <level>` line per component, then an empty line.
 */
export function formatActiveLoggers(levels: readonly ComponentLevel[]): string {
  let text = 'active loggers:\n';
  for (const { component, level } of levels) text += `  ${component}: ${level}\n`;
  return `${text}\n`;
}
