// The watchdog's shared memory. One SharedArrayBuffer holds a header, one row of int32 fields per
// watched thread, and the threads' names (UTF-8), so the guard threads and the main thread read
// everything without a message. Slot 0 is the main thread's; the others are the workers'.

/** Header: set to 1 to stop the guard threads (they wait on it). */
export const H_STOP = 0;
/** Header: number of slots. */
export const H_CAPACITY = 1;
/** Header: 1 + the slot of the thread a guard killed the process for, 0 if none. */
export const H_KILLED = 2;
export const HEADER_INTS = 4;

/** Slot field: set to 1 by the watched thread, taken back to 0 by its guard. */
export const S_TOUCHED = 0;
/** Slot field: a `SlotState`. */
export const S_STATE = 1;
/** Values of the `S_STATE` field. Only `Watched` slots are looked at by the guards. */
export const SlotState = { Free: 0, Watched: 1, Reserved: 2 } as const;

/** Slot field: bumped each time a thread (re)takes the slot, so guards reset their view of it. */
export const S_GENERATION = 2;
/** Slot field: Envoy's `watchdog_miss` for the thread. */
export const S_MISS = 3;
/** Slot field: Envoy's `watchdog_mega_miss` for the thread. */
export const S_MEGA_MISS = 4;
/** Slot field: byte length of the thread's name. */
export const S_NAME_LENGTH = 5;
export const SLOT_INTS = 8;

/** Bytes kept for a thread name. */
export const NAME_BYTES = 48;

/** The slot of the main thread. */
export const MAIN_SLOT = 0;

export function bufferBytes(capacity: number): number {
  return (HEADER_INTS + capacity * SLOT_INTS) * 4 + capacity * NAME_BYTES;
}

/** Index of field `field` of slot `slot` in the buffer's Int32Array. */
export function fieldIndex(slot: number, field: number): number {
  return HEADER_INTS + slot * SLOT_INTS + field;
}

function nameOffset(capacity: number, slot: number): number {
  return (HEADER_INTS + capacity * SLOT_INTS) * 4 + slot * NAME_BYTES;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes `name` (cut to {@link NAME_BYTES}) into slot `slot`. Only the main thread writes names. */
export function writeName(ints: Int32Array, slot: number, name: string): void {
  const capacity = ints[H_CAPACITY] as number;
  const bytes = new Uint8Array(ints.buffer, nameOffset(capacity, slot), NAME_BYTES);
  const { written } = encoder.encodeInto(name, bytes);
  Atomics.store(ints, fieldIndex(slot, S_NAME_LENGTH), written);
}

/** The name in slot `slot`, or '' for a slot never used. */
export function readName(ints: Int32Array, slot: number): string {
  const capacity = ints[H_CAPACITY] as number;
  const length = Atomics.load(ints, fieldIndex(slot, S_NAME_LENGTH));
  // TextDecoder refuses views of shared memory: copy the few bytes out first.
  const bytes = new Uint8Array(ints.buffer, nameOffset(capacity, slot), length).slice();
  return decoder.decode(bytes);
}
