import { componentIds } from './components.ts';
import { badDescriptorError } from './errors.ts';
import { sharedLevelsByteLength } from './shared-levels.ts';

/**
 * What a worker needs to open the registry the main thread created: the shared level words and
 * where lines go. Structured-cloneable (pass it in `workerData` or a message); the buffer is
 * shared, not copied.
 */
export interface LogRegistryDescriptor {
  /** Layout version of the shared words. */
  readonly version: 1;
  /** The level words shared by every thread. */
  readonly levels: SharedArrayBuffer;
  /** The component list the words are laid out for (checked against the opener's own list). */
  readonly components: readonly string[];
  /** The log file every thread appends to, or null for stderr. */
  readonly logPath: string | null;
  /** Most bytes (UTF-16 units) a thread buffers while its writes are slow before it drops lines. */
  readonly maxBufferBytes: number;
}

/** Checks that `value` is a descriptor this version of the package can open. */
export function validateDescriptor(value: unknown): LogRegistryDescriptor {
  if (typeof value !== 'object' || value === null) throw badDescriptorError('not an object');
  const d = value as Partial<Record<keyof LogRegistryDescriptor, unknown>>;
  if (d.version !== 1) throw badDescriptorError(`unsupported version ${String(d.version)}`);
  if (!(d.levels instanceof SharedArrayBuffer)) {
    throw badDescriptorError('levels is not a SharedArrayBuffer');
  }
  if (d.levels.byteLength !== sharedLevelsByteLength) {
    throw badDescriptorError(
      `levels holds ${d.levels.byteLength} bytes, expected ${sharedLevelsByteLength}`,
    );
  }
  const components = d.components;
  if (
    !Array.isArray(components) ||
    components.length !== componentIds.length ||
    components.some((c, i) => c !== componentIds[i])
  ) {
    throw badDescriptorError('its component list differs from this version of @nuncio/log');
  }
  if (d.logPath !== null && (typeof d.logPath !== 'string' || d.logPath === '')) {
    throw badDescriptorError('logPath is neither null nor a file path');
  }
  if (typeof d.maxBufferBytes !== 'number' || !(d.maxBufferBytes > 0)) {
    throw badDescriptorError('maxBufferBytes is not a positive number');
  }
  return value as LogRegistryDescriptor;
}
