import { closeSync, mkdirSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { type Logger, pino } from 'pino';
import { type ComponentLogger, makeComponentLogger } from './component-logger.ts';
import { type ComponentId, componentIds, componentIndex } from './components.ts';
import { clearCurrentRegistry, setCurrentRegistry } from './current-registry.ts';
import { type LogRegistryDescriptor, validateDescriptor } from './descriptor.ts';
import {
  closedError,
  invalidOptionError,
  openFailedError,
  unknownComponentError,
} from './errors.ts';
import { type LogLevel, parseLogLevel } from './levels.ts';
import { LogDestination } from './log-destination.ts';
import type {
  ComponentLevel,
  LogRegistry,
  LogRegistryOptions,
  OpenLogRegistryOptions,
} from './log-registry.ts';
import { SharedLevels } from './shared-levels.ts';

const DEFAULT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;

class LogRegistryImpl implements LogRegistry {
  readonly threadName: string;
  readonly logPath: string | null;
  readonly #shared: SharedLevels;
  readonly #maxBufferBytes: number;
  readonly #destination: LogDestination;
  readonly #root: Logger;
  readonly #loggers: (ComponentLogger | undefined)[];
  #closed: boolean;

  constructor(
    shared: SharedLevels,
    logPath: string | null,
    maxBufferBytes: number,
    threadName: string,
  ) {
    this.threadName = threadName;
    this.logPath = logPath;
    this.#shared = shared;
    this.#maxBufferBytes = maxBufferBytes;
    this.#destination = new LogDestination(logPath, shared, maxBufferBytes);
    // The root writes at every level: the component loggers made from it do the gating.
    this.#root = pino(
      { level: 'trace', base: { pid: process.pid, hostname: hostname(), thread: threadName } },
      this.#destination,
    );
    this.#loggers = new Array<ComponentLogger | undefined>(componentIds.length).fill(undefined);
    this.#closed = false;
  }

  getLogger(component: ComponentId): ComponentLogger {
    const index = indexOf(component);
    const existing = this.#loggers[index];
    if (existing !== undefined) return existing;
    if (this.#closed) throw closedError('getLogger');
    const logger = makeComponentLogger(this.#root, component, index, this.#shared);
    this.#loggers[index] = logger;
    return logger;
  }

  setLevel(level: string): void {
    const parsed = parseLogLevel(level);
    for (let i = 0; i < componentIds.length; i++) this.#shared.store(i, parsed);
    this.#shared.bumpGeneration();
  }

  setComponentLevel(component: string, level: string): void {
    const index = indexOf(component);
    this.#shared.store(index, parseLogLevel(level));
    this.#shared.bumpGeneration();
  }

  setComponentLevels(levels: Readonly<Record<string, string>>): void {
    const checked = checkComponentLevels(levels, 'setComponentLevels');
    for (const [index, level] of checked) this.#shared.store(index, level);
    if (checked.length > 0) this.#shared.bumpGeneration();
  }

  componentLevel(component: string): LogLevel {
    return this.#shared.level(indexOf(component));
  }

  levels(): ComponentLevel[] {
    return componentIds.map((component, i) => ({ component, level: this.#shared.level(i) }));
  }

  generation(): number {
    return this.#shared.generation();
  }

  descriptor(): LogRegistryDescriptor {
    return {
      version: 1,
      levels: this.#shared.buffer,
      components: componentIds,
      logPath: this.logPath,
      maxBufferBytes: this.#maxBufferBytes,
    };
  }

  reopen(): Promise<void> {
    if (this.#closed) return Promise.reject(closedError('reopen'));
    if (this.logPath === null) return Promise.resolve();
    return this.#destination.reopen(this.#shared.bumpReopen());
  }

  flush(): Promise<void> {
    if (this.#closed) return this.#destination.close();
    return this.#destination.flushed();
  }

  close(): Promise<void> {
    this.#closed = true;
    clearCurrentRegistry(this);
    return this.#destination.close();
  }

  droppedLines(): number {
    return this.#destination.dropped();
  }
}

function indexOf(component: unknown): number {
  const index = componentIndex(component);
  if (index === -1) throw unknownComponentError(component, componentIds);
  return index;
}

function checkComponentLevels(levels: unknown, name: string): [number, LogLevel][] {
  if (typeof levels !== 'object' || levels === null || Array.isArray(levels)) {
    throw invalidOptionError(name, 'an object of component: level', levels);
  }
  const checked: [number, LogLevel][] = [];
  for (const [component, level] of Object.entries(levels)) {
    checked.push([indexOf(component), parseLogLevel(level as string)]);
  }
  return checked;
}

function checkThreadName(threadName: unknown, name: string): string {
  if (typeof threadName !== 'string' || threadName === '') {
    throw invalidOptionError(name, 'a non-empty string', threadName);
  }
  return threadName;
}

/**
 * Creates the process's log registry on the main thread (Envoy's `-l`, `--component-log-level`
 * and `--log-path` in one call), makes it this thread's registry for {@link getLogger}, and
 * returns it. Hand `registry.descriptor()` to every worker, which calls {@link openLogRegistry}.
 *
 * Checks everything up front, as config does: a bad level or component throws a `LogError`
 * naming it (with the valid ones), and a log file that cannot be opened throws
 * `NUNCIO_ERR_LOG_OPEN_FAILED` (the one synchronous open, at start-up; writes never block).
 */
export function createLogRegistry(options: LogRegistryOptions = {}): LogRegistry {
  const threadName = checkThreadName(options.threadName ?? 'main_thread', 'threadName');
  const level = parseLogLevel(options.level ?? 'info');
  const componentLevels = checkComponentLevels(options.componentLevels ?? {}, 'componentLevels');
  const logPath = options.logPath ?? null;
  if (logPath !== null && (typeof logPath !== 'string' || logPath === '')) {
    throw invalidOptionError('logPath', 'a file path', logPath);
  }
  const maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
  if (!Number.isSafeInteger(maxBufferBytes) || maxBufferBytes < 1024) {
    throw invalidOptionError('maxBufferBytes', 'an integer of at least 1024', maxBufferBytes);
  }
  if (logPath !== null) {
    try {
      mkdirSync(dirname(logPath), { recursive: true });
      closeSync(openSync(logPath, 'a'));
    } catch (error) {
      throw openFailedError(logPath, error);
    }
  }
  const shared = SharedLevels.create(level);
  for (const [index, componentLevel] of componentLevels) shared.store(index, componentLevel);
  const registry = new LogRegistryImpl(shared, logPath, maxBufferBytes, threadName);
  setCurrentRegistry(registry);
  return registry;
}

/**
 * Opens, in a worker thread, the registry the main thread created: same levels (shared memory,
 * so a change on any thread is seen here at the next log call), same destination (this thread
 * gets its own asynchronous writer on it). Makes it this thread's registry for
 * {@link getLogger}. Throws `NUNCIO_ERR_LOG_BAD_DESCRIPTOR` for anything but a descriptor.
 */
export function openLogRegistry(
  descriptor: LogRegistryDescriptor,
  options: OpenLogRegistryOptions,
): LogRegistry {
  const checked = validateDescriptor(descriptor);
  const threadName = checkThreadName(options?.threadName, 'threadName');
  const registry = new LogRegistryImpl(
    new SharedLevels(checked.levels),
    checked.logPath,
    checked.maxBufferBytes,
    threadName,
  );
  setCurrentRegistry(registry);
  return registry;
}
