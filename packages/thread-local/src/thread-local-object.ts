/**
 * What a thread's object may implement to hear about its slot. Both members are optional: any
 * value an initializer returns (other than `undefined`) can live in a slot.
 *
 * `S` is the type of the snapshots published to the slot (`slot.publish(snapshot)`).
 */
export interface ThreadLocalObject<S = unknown> {
  /**
   * Called on the object's own thread when the slot's snapshot changes: in the thread's quiescent
   * period (a post callback, between I/O callbacks), after the slot already returns the new
   * snapshot. Also called once right after the object is set when the thread already holds a
   * snapshot (with `previous` undefined), so a new object starts in step. A thread that is behind
   * may skip versions: snapshots are whole states, and it always ends on the newest.
   */
  onSnapshot?(snapshot: S, version: number, previous: S | undefined): void;
  /**
   * Called on the object's thread when the object leaves the slot: the slot was freed, `set()`
   * replaced it, or the thread shut down (Envoy destroys the object then).
   */
  [Symbol.dispose]?(): void;
}

/**
 * The snapshot type of a slot whose objects are `T`: the first parameter of `T`'s `onSnapshot`, or
 * `unknown` when `T` has none.
 */
export type SnapshotOf<T> = T extends {
  onSnapshot?(snapshot: infer S, version: number, previous: never): unknown;
}
  ? unknown extends S
    ? unknown
    : S
  : unknown;
