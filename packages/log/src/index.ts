/**
 * Envoy-style component loggers on pino for every thread of a Node.js process: one logger per
 * Envoy component (`upstream`, `connection`, `admin`...), every line tagged with its thread, levels
 * in shared memory so that a change made on one thread is seen by all at their next log call, and
 * output to stderr or a file that never blocks the thread that logs.
 * @packageDocumentation
 */
export { type ComponentLevels, parseComponentLogLevel } from './component-log-level.ts';
export type { ComponentLogger } from './component-logger.ts';
export { type ComponentId, componentIds, isComponentId } from './components.ts';
export { currentLogRegistry, getLogger } from './current-registry.ts';
export type { LogRegistryDescriptor } from './descriptor.ts';
export { LogError, LogErrorCode } from './errors.ts';
export { formatActiveLoggers } from './format-levels.ts';
export { LogLevel, type LogLevelName, parseLogLevel } from './levels.ts';
export type {
  ComponentLevel,
  LogRegistry,
  LogRegistryOptions,
  OpenLogRegistryOptions,
} from './log-registry.ts';
export { createLogRegistry, openLogRegistry } from './log-registry-impl.ts';
