import type { Bindings, ChildLoggerOptions, LogFn, Logger } from 'pino';
import type { ComponentId } from './components.ts';
import { invalidOptionError } from './errors.ts';
import {
  levelOfValue,
  parseLogLevel,
  pinoLevelName,
  pinoLevelValue,
  valueOfLevelName,
} from './levels.ts';
import { FIRST_LEVEL_WORD, type SharedLevels } from './shared-levels.ts';

/**
 * The logger of one component on one thread: a pino child logger with `thread` and `component`
 * bound, whose level is the component's level in shared memory. Everything pino offers works
 * (`child`, `bindings`, serializers, `%s` interpolation). A child follows its component's level,
 * unless it is made with a `level` option of its own, which it then keeps, as in pino.
 */
export type ComponentLogger = Logger;

// Per-logger state lives on the pino instance under symbols, so the gate functions below are
// shared module-level functions (no closure per logger, none per call) that read it from `this`.
// Children of a component logger are `Object.create(parent)` in pino, so they inherit all of it.
const kWords = Symbol('nuncio.log.words');
const kWord = Symbol('nuncio.log.word');
const kShared = Symbol('nuncio.log.shared');
const kIndex = Symbol('nuncio.log.index');
const kPino = Symbol('nuncio.log.pino');

interface PinoMethods {
  readonly trace: LogFn;
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  readonly fatal: LogFn;
  readonly child: ChildFn;
  /** pino's own `level`, `levelVal` and `isLevelEnabled`, for children with a level of their own. */
  readonly levelProperties: PropertyDescriptorMap;
}

type ChildFn = (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;

interface GatedLogger {
  [kWords]: Int32Array;
  [kWord]: number;
  [kShared]: SharedLevels;
  [kIndex]: number;
  [kPino]: PinoMethods;
}

type Forward = (this: unknown, ...args: unknown[]) => void;

// The disabled path of every level is one read of the component's shared level word and a
// compare: no argument is looked at, nothing is formatted or serialised. The enabled path is
// pino's own method on the same instance.
//
// The read is a plain typed-array read, not Atomics.load: V8 runs Atomics.load as a builtin call
// (about 15 ns here, ten times the rest of the gate), while an aligned Int32 element read is
// tear-free by the memory model, so it always sees a whole level some thread stored. Writers use
// Atomics.store. What is given up: inside one optimised loop that makes no other call, the JIT may
// read the word once for the whole loop; every later call reads it afresh.
function trace(this: GatedLogger, ...args: unknown[]): void {
  if (this[kWords][this[kWord]]! > 10) return;
  (this[kPino].trace as Forward).apply(this, args);
}

function debug(this: GatedLogger, ...args: unknown[]): void {
  if (this[kWords][this[kWord]]! > 20) return;
  (this[kPino].debug as Forward).apply(this, args);
}

function info(this: GatedLogger, ...args: unknown[]): void {
  if (this[kWords][this[kWord]]! > 30) return;
  (this[kPino].info as Forward).apply(this, args);
}

function warn(this: GatedLogger, ...args: unknown[]): void {
  if (this[kWords][this[kWord]]! > 40) return;
  (this[kPino].warn as Forward).apply(this, args);
}

function error(this: GatedLogger, ...args: unknown[]): void {
  if (this[kWords][this[kWord]]! > 50) return;
  (this[kPino].error as Forward).apply(this, args);
}

function fatal(this: GatedLogger, ...args: unknown[]): void {
  if (this[kWords][this[kWord]]! > 60) return;
  (this[kPino].fatal as Forward).apply(this, args);
}

function child(this: GatedLogger, bindings: Bindings, options?: ChildLoggerOptions): Logger {
  // Fastify passes level '' for routes without a logLevel, meaning "the parent's". pino would fix
  // such a child at the parent's level of the moment; drop it so the child follows the component.
  let pinoOptions = options;
  if (options != null && options.level !== undefined && !options.level) {
    pinoOptions = { ...options };
    delete pinoOptions.level;
  }
  const instance = this[kPino].child.call(this as unknown as Logger, bindings, pinoOptions);
  // A child given a level of its own keeps it, as in pino: it gets pino's level accessors and
  // pino's own per-level methods back, so it stops following the component's shared level.
  const ownLevel =
    pinoOptions?.level ||
    (pinoOptions != null && Object.hasOwn(pinoOptions, 'customLevels')
      ? (this as unknown as Logger).level
      : undefined);
  if (ownLevel) {
    Object.defineProperties(instance, this[kPino].levelProperties);
    instance.level = ownLevel;
  }
  return instance;
}

function getLevel(this: GatedLogger): string {
  return pinoLevelName(this[kShared].level(this[kIndex]));
}

function setLevel(this: GatedLogger, level: string | number): void {
  // Same contract as setComponentLevel: the component's level changes on every thread.
  const parsed =
    typeof level === 'number'
      ? levelOfValue(level === Number.POSITIVE_INFINITY ? pinoLevelValue.off : level)
      : parseLogLevel(level);
  if (parsed === undefined) throw invalidOptionError('level', 'a pino level value', level);
  this[kShared].store(this[kIndex], parsed);
  this[kShared].bumpGeneration();
}

function getLevelVal(this: GatedLogger): number {
  const value = Atomics.load(this[kWords], this[kWord]);
  return value === pinoLevelValue.off ? Number.POSITIVE_INFINITY : value;
}

function isLevelEnabled(this: GatedLogger, level: string): boolean {
  const value = valueOfLevelName(level);
  if (value === undefined || value === pinoLevelValue.off) return false;
  return value >= Atomics.load(this[kWords], this[kWord]);
}

/** The descriptor of `key` on the nearest object of `logger`'s prototype chain that has it. */
function pinoDescriptor(logger: object, key: string): PropertyDescriptor {
  for (let o: object | null = logger; o !== null; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, key);
    if (descriptor !== undefined) return { ...descriptor, configurable: true };
  }
  throw new TypeError(`pino logger has no ${key}`);
}

/**
 * Makes the logger of `component` (at `index` in the shared words) as a child of this thread's
 * root pino logger, whose own level must be `trace` so that its methods all write.
 */
export function makeComponentLogger(
  root: Logger,
  component: ComponentId,
  index: number,
  shared: SharedLevels,
): ComponentLogger {
  const logger = root.child({ component });
  const original: PinoMethods = {
    trace: logger.trace,
    debug: logger.debug,
    info: logger.info,
    warn: logger.warn,
    error: logger.error,
    fatal: logger.fatal,
    child: logger.child as unknown as ChildFn,
    levelProperties: {
      level: pinoDescriptor(logger, 'level'),
      levelVal: pinoDescriptor(logger, 'levelVal'),
      isLevelEnabled: pinoDescriptor(logger, 'isLevelEnabled'),
    },
  };
  const method = (value: unknown): PropertyDescriptor => ({
    value,
    writable: true,
    configurable: true,
  });
  Object.defineProperties(logger, {
    [kWords]: { value: shared.words },
    [kWord]: { value: FIRST_LEVEL_WORD + index },
    [kShared]: { value: shared },
    [kIndex]: { value: index },
    [kPino]: { value: original },
    trace: method(trace),
    debug: method(debug),
    info: method(info),
    warn: method(warn),
    error: method(error),
    fatal: method(fatal),
    child: method(child),
    isLevelEnabled: method(isLevelEnabled),
    level: { get: getLevel, set: setLevel, enumerable: true, configurable: true },
    levelVal: { get: getLevelVal, configurable: true },
  });
  return logger;
}
