import type { CircuitBreakerThresholds } from './cluster-config.ts';

/**
 * Envoy's routing priorities for circuit breakers: `DEFAULT` and `HIGH`, each with its own limits.
 */
export const ResourcePriority = { Default: 0, High: 1 } as const;
/** One of the {@link ResourcePriority} values. */
export type ResourcePriority = (typeof ResourcePriority)[keyof typeof ResourcePriority];

/** The resources a circuit breaker limits, by index in the shared block. */
export const ResourceKind = {
  Connections: 0,
  PendingRequests: 1,
  Requests: 2,
  Retries: 3,
} as const;
/** One of the {@link ResourceKind} values. */
export type ResourceKind = (typeof ResourceKind)[keyof typeof ResourceKind];

const KINDS = 4;

/** A shared counting block for a cluster's circuit breakers (both priorities). */
export function createResourceBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * KINDS * 4);
}

/**
 * One limited resource of a cluster (Envoy's `ResourceLimit`): a count shared by every worker in
 * shared memory and a maximum. `canCreate` and `inc` are two steps, as in Envoy: two workers may
 * both pass the check at the limit and overshoot it by one each, which Envoy accepts too.
 */
export class ResourceLimit {
  private readonly cells: Int32Array;
  private readonly index: number;
  private readonly maxValue: number;

  constructor(
    buffer: SharedArrayBuffer,
    priority: ResourcePriority,
    kind: ResourceKind,
    max: number,
  ) {
    this.cells = new Int32Array(buffer);
    this.index = priority * KINDS + kind;
    this.maxValue = max;
  }

  /** Whether one more fits under the limit. */
  canCreate(): boolean {
    return Atomics.load(this.cells, this.index) < this.maxValue;
  }

  /** Takes one. */
  inc(): void {
    Atomics.add(this.cells, this.index, 1);
  }

  /** Gives one back. */
  dec(): void {
    Atomics.sub(this.cells, this.index, 1);
  }

  /** How many are taken now, over every worker. */
  count(): number {
    return Atomics.load(this.cells, this.index);
  }

  /** The limit. */
  max(): number {
    return this.maxValue;
  }
}

/** Envoy's `ResourceManager`: a cluster's limits for one priority. */
export class ResourceManager {
  readonly connections: ResourceLimit;
  readonly pendingRequests: ResourceLimit;
  readonly requests: ResourceLimit;
  readonly retries: ResourceLimit;

  constructor(
    buffer: SharedArrayBuffer,
    priority: ResourcePriority,
    limits: CircuitBreakerThresholds,
  ) {
    this.connections = new ResourceLimit(
      buffer,
      priority,
      ResourceKind.Connections,
      limits.maxConnections,
    );
    this.pendingRequests = new ResourceLimit(
      buffer,
      priority,
      ResourceKind.PendingRequests,
      limits.maxPendingRequests,
    );
    this.requests = new ResourceLimit(buffer, priority, ResourceKind.Requests, limits.maxRequests);
    this.retries = new ResourceLimit(buffer, priority, ResourceKind.Retries, limits.maxRetries);
  }
}
