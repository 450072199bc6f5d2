import { SharedDataInvalidOptionError } from './errors.ts';

/** Sizes and limits of a store, fixed at creation (the shared memory never grows). */
export interface SharedDataStoreOptions {
  /** Most keys the store holds across all namespaces (default 4096). */
  maxKeys?: number;
  /**
   * Bytes of namespaces, keys and values the store is sized to hold at once, in up to `maxKeys`
   * entries (default 16 MiB). The shared memory adds block overhead and headroom on top.
   */
  maxBytes?: number;
  /** Largest value `set` takes, in bytes (default 1 MiB). */
  maxValueBytes?: number;
  /**
   * Lock stripes: keys hash to one of these, and threads working on different stripes never wait
   * for each other (power of two, 1 to 4096, default 64). One stripe is Envoy's single mutex.
   */
  stripes?: number;
  /** Size of the blocks entries are stored in (power of two, 64 to 65536 bytes, default 128). */
  blockSize?: number;
  /** Most handles open at once over all threads; each thread needs one (default 64). */
  maxHandles?: number;
  /** Most shared queues registered at once (default 64, at most 4095). */
  maxQueues?: number;
  /** Most items one queue holds (default 1024). */
  queueMaxItems?: number;
  /**
   * Bytes of ring space per queue, rounded up to a power of two; an item takes its length plus 4,
   * rounded up to a multiple of 4 (default 64 KiB).
   */
  queueMaxBytes?: number;
  /**
   * How long a call waits for a lock before returning `LockTimeout` (default 5000 ms). Only a
   * thread that died holding a lock, with no recovery run, makes a wait this long.
   */
  lockTimeoutMs?: number;
}

/** {@link SharedDataStoreOptions} with every default filled in. */
export type ResolvedOptions = Required<SharedDataStoreOptions>;

const MiB = 1024 * 1024;

const defaults: ResolvedOptions = {
  maxKeys: 4096,
  maxBytes: 16 * MiB,
  maxValueBytes: MiB,
  stripes: 64,
  blockSize: 128,
  maxHandles: 64,
  maxQueues: 64,
  queueMaxItems: 1024,
  queueMaxBytes: 64 * 1024,
  lockTimeoutMs: 5000,
};

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

function integer(
  options: SharedDataStoreOptions,
  name: keyof SharedDataStoreOptions,
  min: number,
  max: number,
  powerOfTwo = false,
): number {
  const value = options[name] ?? defaults[name];
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max ||
    (powerOfTwo && !isPowerOfTwo(value))
  ) {
    const kind = powerOfTwo ? 'a power of two' : 'an integer';
    throw new SharedDataInvalidOptionError(name, value, `${kind} from ${min} to ${max}`);
  }
  return value;
}

/** Fills in defaults and checks every option's range; throws naming the first bad one. */
export function resolveOptions(options: SharedDataStoreOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new SharedDataInvalidOptionError('options', options, 'an object');
  }
  return {
    maxKeys: integer(options, 'maxKeys', 1, 1 << 24),
    maxBytes: integer(options, 'maxBytes', 1, 512 * MiB),
    maxValueBytes: integer(options, 'maxValueBytes', 0, 256 * MiB),
    stripes: integer(options, 'stripes', 1, 4096, true),
    blockSize: integer(options, 'blockSize', 64, 65536, true),
    maxHandles: integer(options, 'maxHandles', 1, 4096),
    maxQueues: integer(options, 'maxQueues', 0, 4095),
    queueMaxItems: integer(options, 'queueMaxItems', 1, 1 << 24),
    queueMaxBytes: integer(options, 'queueMaxBytes', 16, 64 * MiB),
    lockTimeoutMs: integer(options, 'lockTimeoutMs', 1, 3_600_000),
  };
}
