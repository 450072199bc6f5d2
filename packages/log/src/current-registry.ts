import type { ComponentLogger } from './component-logger.ts';
import type { ComponentId } from './components.ts';
import { noRegistryError } from './errors.ts';
import type { LogRegistry } from './log-registry.ts';

// Every thread loads its own copy of this module, so this is "the registry of this thread":
// Envoy's static Logger::Registry, one per thread here because each thread owns its output.
let current: LogRegistry | null = null;

export function setCurrentRegistry(registry: LogRegistry): void {
  current = registry;
}

export function clearCurrentRegistry(registry: LogRegistry): void {
  if (current === registry) current = null;
}

/**
 * The logger of `component` from this thread's registry (the last one created or opened on this
 * thread and not closed), so code deep in a package can log without a registry being passed down.
 * Throws `NUNCIO_ERR_LOG_NO_REGISTRY` when the thread has none.
 */
export function getLogger(component: ComponentId): ComponentLogger {
  if (current === null) throw noRegistryError();
  return current.getLogger(component);
}

/** This thread's registry, or null when none was created or opened on it. */
export function currentLogRegistry(): LogRegistry | null {
  return current;
}
