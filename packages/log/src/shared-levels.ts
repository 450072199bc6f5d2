import { componentIds } from './components.ts';
import { type LogLevel, levelOfValue, pinoLevelValue } from './levels.ts';

// Layout of the shared Int32 words (writers use Atomics; the loggers' level check reads its word
// plainly, see component-logger.ts):
//   [0] generation: bumped after every level change, so a reader can tell "something changed"
//   [1] reopen generation: bumped by reopen(); each thread reopens its file at its next write
//   [2 + i] level of componentIds[i], as pino's numeric level value
const GENERATION = 0;
const REOPEN = 1;
/** Index of the first component's level word. */
export const FIRST_LEVEL_WORD = 2;

/** The byte length of the shared buffer for the current component list. */
export const sharedLevelsByteLength = (FIRST_LEVEL_WORD + componentIds.length) * 4;

/**
 * The levels of every component, shared by all threads of the process. Writers (any thread) store
 * a level and then bump the generation; loggers read their component's word with one Atomics.load.
 */
export class SharedLevels {
  /** The shared words; loggers read `words[FIRST_LEVEL_WORD + index]` directly. */
  readonly words: Int32Array;
  /** The buffer behind {@link words}, handed to other threads in the descriptor. */
  readonly buffer: SharedArrayBuffer;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
  }

  /** A new buffer with every component at `level`. */
  static create(level: LogLevel): SharedLevels {
    const shared = new SharedLevels(new SharedArrayBuffer(sharedLevelsByteLength));
    shared.words.fill(pinoLevelValue[level], FIRST_LEVEL_WORD);
    return shared;
  }

  /** The level of the component at `index`. */
  level(index: number): LogLevel {
    return levelOfValue(this.value(index)) ?? 'info';
  }

  /** The stored pino value of the component at `index`. */
  value(index: number): number {
    return Atomics.load(this.words, FIRST_LEVEL_WORD + index);
  }

  /** Stores `level` for the component at `index`, without bumping the generation. */
  store(index: number, level: LogLevel): void {
    Atomics.store(this.words, FIRST_LEVEL_WORD + index, pinoLevelValue[level]);
  }

  /** Announces a change made with {@link store}. */
  bumpGeneration(): void {
    Atomics.add(this.words, GENERATION, 1);
  }

  /** How many level changes were announced so far (wraps at 2^32). */
  generation(): number {
    return Atomics.load(this.words, GENERATION);
  }

  /** Asks every thread to reopen its log file at its next write; returns the new generation. */
  bumpReopen(): number {
    return (Atomics.add(this.words, REOPEN, 1) + 1) | 0;
  }

  /** The current reopen generation. */
  reopenGeneration(): number {
    return Atomics.load(this.words, REOPEN);
  }
}
