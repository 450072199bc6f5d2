import type { DrainDecision } from './filter-factory.ts';

/** Envoy's `--drain-strategy`: how `drainClose()` answers during a drain. */
export const DrainStrategy = {
  /**
   * Envoy's default: the chance that `drainClose()` answers true rises linearly from 0 at the
   * start of the drain to 1 at its end, so that clients reconnect elsewhere a few at a time.
   */
  Gradual: 'gradual',
  /** `drainClose()` answers true as soon as the drain starts. */
  Immediate: 'immediate',
} as const;

/** One of the {@link DrainStrategy} values. */
export type DrainStrategy = (typeof DrainStrategy)[keyof typeof DrainStrategy];

/**
 * Envoy's `DrainManager`, one per listener on each worker: the {@link DrainDecision} its filters
 * consult (through `FactoryContext.drainDecision`), and the drain sequence that drives it. Filters
 * that can end a connection politely (an HTTP connection manager answering with
 * `Connection: close`) ask `drainClose()`; what is still open at the end of the drain time is
 * closed by the listener. Use it on the thread that made it.
 */
export interface DrainManager extends DrainDecision {
  /** The strategy `drainClose()` follows. */
  readonly strategy: DrainStrategy;
  /** True once a drain sequence has started. */
  draining(): boolean;
  /**
   * Starts the drain sequence: from now on, `drainClose()` answers as the strategy says, and true
   * once `drainTimeMs` has passed (at once for 0). Called again, it can only bring the end of the
   * drain closer (`startDrainSequence(0)` ends it now); the gradual chance is reckoned from the
   * first start to that end.
   */
  startDrainSequence(drainTimeMs: number): void;
}
