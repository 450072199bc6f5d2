import type { Dispatcher } from '@nuncio/dispatcher';
import { invalidDefinitionError } from './errors.ts';

/**
 * Envoy's `InitializeCb`, made to cross threads: a named function of a module that every thread
 * loads. Made by {@link defineThreadLocal}; `Slot.set(initializer, args)` runs it on every
 * registered thread and on main, and stores what it returns as that thread's object.
 *
 * `T` is the type of the thread's object (what `slot.get()` returns); `A` the type of the
 * arguments, which must survive a structured clone.
 */
export interface ThreadLocalInitializer<T, A = undefined> {
  readonly kind: 'initializer';
  /** URL of the module that defines it: workers import it if they have not already. */
  readonly moduleUrl: string;
  /** Its name within the module: the name of the export that holds it. */
  readonly name: string;
  /** Builds this thread's object, with this thread's dispatcher. Must not return `undefined`. */
  readonly initialize: (dispatcher: Dispatcher, args: A) => T;
}

/**
 * Envoy's `UpdateCb` for `Slot::runOnAllThreads`, made to cross threads like
 * {@link ThreadLocalInitializer}: it runs on each thread with that thread's object.
 */
export interface ThreadLocalUpdate<T, A = undefined> {
  readonly kind: 'update';
  /** URL of the module that defines it. */
  readonly moduleUrl: string;
  /** Its name within the module: the name of the export that holds it. */
  readonly name: string;
  /** Changes (or reads) this thread's object. */
  readonly update: (object: T, args: A, dispatcher: Dispatcher) => void;
}

/** Either kind of definition. */
export type ThreadLocalDefinition =
  | ThreadLocalInitializer<unknown, never>
  | ThreadLocalUpdate<never, never>;

// Per thread, and shared by every copy of this package loaded into the thread (through a
// registered symbol), so that a worker finds a definition by (module URL, name) without an import
// when the module is already loaded, which is the normal case.
const REGISTRY = Symbol.for('@nuncio/thread-local:definitions');
type Registry = Map<string, ThreadLocalDefinition>;
const holder = globalThis as typeof globalThis & { [REGISTRY]?: Registry };

function registry(): Registry {
  let map = holder[REGISTRY];
  if (map === undefined) {
    map = new Map();
    holder[REGISTRY] = map;
  }
  return map;
}

function key(moduleUrl: string, name: string): string {
  return `${moduleUrl}#${name}`;
}

/** The definition registered under (module URL, name) on this thread, if its module has run. */
export function registeredDefinition(
  moduleUrl: string,
  name: string,
): ThreadLocalDefinition | undefined {
  return registry().get(key(moduleUrl, name));
}

function define<D extends ThreadLocalDefinition>(definition: D): D {
  registry().set(key(definition.moduleUrl, definition.name), definition);
  return Object.freeze(definition);
}

/**
 * Declares a thread-local object: call it at the top level of a module that every thread loads,
 * export the result under `name`, and pass it to `slot.set()`. The whole declaration is one line:
 *
 * ```ts
 * export const clusterTable = defineThreadLocal(import.meta.url, 'clusterTable',
 *   (dispatcher, args: { local: string }) => new ClusterTable(dispatcher, args));
 * ```
 *
 * A worker finds the function by (module URL, name): when the module has not been imported on
 * that worker yet, it is imported first (in order: later updates wait for it).
 */
export function defineThreadLocal<T, A = undefined>(
  moduleUrl: string | URL,
  name: string,
  initialize: (dispatcher: Dispatcher, args: A) => T,
): ThreadLocalInitializer<T, A> {
  const url = validate(moduleUrl, name, initialize);
  return define({
    kind: 'initializer',
    moduleUrl: url,
    name,
    initialize,
  }) as ThreadLocalInitializer<T, A>;
}

/**
 * Declares an update for `slot.runOnAllThreads()`, like {@link defineThreadLocal}:
 *
 * ```ts
 * export const addCluster = defineThreadLocalUpdate(import.meta.url, 'addCluster',
 *   (table: ClusterTable, cluster: { name: string }) => table.add(cluster));
 * ```
 */
export function defineThreadLocalUpdate<T, A = undefined>(
  moduleUrl: string | URL,
  name: string,
  update: (object: T, args: A, dispatcher: Dispatcher) => void,
): ThreadLocalUpdate<T, A> {
  const url = validate(moduleUrl, name, update);
  return define({ kind: 'update', moduleUrl: url, name, update }) as ThreadLocalUpdate<T, A>;
}

/** Checks the arguments of a definition; returns the module URL as a string. */
function validate(moduleUrl: string | URL, name: string, fn: unknown): string {
  const url = moduleUrl instanceof URL ? moduleUrl.href : moduleUrl;
  // An absolute URL: every thread must resolve it to the same module.
  if (typeof url !== 'string' || !URL.canParse(url)) {
    throw invalidDefinitionError(
      'moduleUrl must be an absolute URL (pass import.meta.url)',
      moduleUrl,
    );
  }
  if (typeof name !== 'string' || name.length === 0) {
    throw invalidDefinitionError('name must be a non-empty string (the export name)', name);
  }
  if (typeof fn !== 'function') {
    throw invalidDefinitionError(`thread-local definition "${name}" needs a function`, fn);
  }
  return url;
}

/** True for what `defineThreadLocal` / `defineThreadLocalUpdate` return. */
export function isDefinition(value: unknown): value is ThreadLocalDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return (
    (kind === 'initializer' || kind === 'update') &&
    typeof (value as { moduleUrl?: unknown }).moduleUrl === 'string' &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}
