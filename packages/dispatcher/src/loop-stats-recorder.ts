import {
  type ELDHistogram,
  type EventLoopUtilization,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks';
import type { LoopDelay, LoopStats } from './loop-stats.ts';

const NS_PER_MS = 1e6;

/**
 * Measures one thread's loop: utilisation from `performance.eventLoopUtilization()` (per thread in
 * Node) and delay from `monitorEventLoopDelay()`, whose libuv timer is unref'd and costs a wake-up
 * per `resolutionMs`.
 */
export class LoopStatsRecorder {
  private readonly histogram: ELDHistogram | null;
  private readonly resolutionMs: number;
  private baseline: EventLoopUtilization;

  constructor(monitorDelay: boolean, resolutionMs: number) {
    this.resolutionMs = resolutionMs;
    this.histogram = monitorDelay ? monitorEventLoopDelay({ resolution: resolutionMs }) : null;
    this.histogram?.enable();
    this.baseline = performance.eventLoopUtilization();
  }

  read(dispatcher: string): LoopStats {
    const elu = performance.eventLoopUtilization(this.baseline);
    return {
      dispatcher,
      utilization: elu.utilization,
      activeMs: elu.active,
      idleMs: elu.idle,
      delay: this.histogram === null ? null : readDelay(this.histogram, this.resolutionMs),
    };
  }

  reset(): void {
    this.baseline = performance.eventLoopUtilization();
    this.histogram?.reset();
  }

  stop(): void {
    this.histogram?.disable();
  }
}

// The monitor records the time between two of its timer's firings, which includes the sampling
// interval itself; the loop's delay is what exceeds it.
function readDelay(histogram: ELDHistogram, resolutionMs: number): LoopDelay {
  const delay = (ns: number) => Math.max(0, ns / NS_PER_MS - resolutionMs);
  const count = histogram.count;
  // An empty histogram reports min as 2^63: report zeros rather than nonsense.
  if (count === 0) {
    return { count: 0, minMs: 0, maxMs: 0, meanMs: 0, stddevMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0 };
  }
  return {
    count,
    minMs: delay(histogram.min),
    maxMs: delay(histogram.max),
    meanMs: delay(histogram.mean),
    stddevMs: histogram.stddev / NS_PER_MS,
    p50Ms: delay(histogram.percentile(50)),
    p90Ms: delay(histogram.percentile(90)),
    p99Ms: delay(histogram.percentile(99)),
  };
}
