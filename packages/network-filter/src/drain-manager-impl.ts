import { realTimeSource, type TimeSource } from '@nuncio/dispatcher';
import { type DrainManager, DrainStrategy } from './drain-manager.ts';
import { invalidArgument } from './errors.ts';

/** Options of {@link createDrainManager}. */
export interface DrainManagerOptions {
  /** Default `gradual`, Envoy's default. */
  strategy?: DrainStrategy;
  /** Where `monotonicTime()` is read (default the real clock; listeners use their dispatcher's). */
  timeSource?: Pick<TimeSource, 'monotonicTime'>;
  /** A number in [0, 1), drawn for each gradual `drainClose()` (default `Math.random`). */
  random?: () => number;
}

class DrainManagerImpl implements DrainManager {
  readonly strategy: DrainStrategy;
  private readonly timeSource: Pick<TimeSource, 'monotonicTime'>;
  private readonly random: () => number;
  private started: boolean;
  private startMs: number;
  private deadlineMs: number;

  constructor(options: DrainManagerOptions) {
    const strategy = options.strategy ?? DrainStrategy.Gradual;
    if (strategy !== DrainStrategy.Gradual && strategy !== DrainStrategy.Immediate) {
      throw invalidArgument('drain strategy', strategy, "'gradual' or 'immediate'");
    }
    this.strategy = strategy;
    this.timeSource = options.timeSource ?? realTimeSource;
    this.random = options.random ?? Math.random;
    this.started = false;
    this.startMs = 0;
    this.deadlineMs = 0;
  }

  draining(): boolean {
    return this.started;
  }

  startDrainSequence(drainTimeMs: number): void {
    if (!(Number.isFinite(drainTimeMs) && drainTimeMs >= 0)) {
      throw invalidArgument('drain time', drainTimeMs, 'a number of milliseconds, 0 or more');
    }
    const now = this.timeSource.monotonicTime();
    const deadline = now + drainTimeMs;
    if (!this.started) {
      this.started = true;
      this.startMs = now;
      this.deadlineMs = deadline;
    } else if (deadline < this.deadlineMs) {
      this.deadlineMs = deadline;
    }
  }

  drainClose(): boolean {
    if (!this.started) return false;
    if (this.strategy === DrainStrategy.Immediate) return true;
    const now = this.timeSource.monotonicTime();
    const start = this.startMs;
    const deadline = this.deadlineMs;
    if (now >= deadline) return true;
    // P(true) = elapsed / drain time (Envoy's, which counts whole seconds; here milliseconds).
    return this.random() * (deadline - start) < now - start;
  }
}

/**
 * Creates a {@link DrainManager}. Connection handlers make one per listener with their
 * `drainStrategy`; make your own to drive filters in tests.
 */
export function createDrainManager(options: DrainManagerOptions = {}): DrainManager {
  return new DrainManagerImpl(options);
}
