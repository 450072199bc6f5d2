import type { AccessLogWriter } from '@nuncio/access-log';
import type { ComponentLogger, LogRegistry } from '@nuncio/log';
import type { SocketHandOff } from '@nuncio/network-filter';
import type { StatsStore } from '@nuncio/stats';

/** What a worker holds for the data path: its index, loggers, stats and access-log writer. */
export interface ProxyWorkerState {
  /** The worker's index (`worker_<index>`). */
  readonly index: number;
  readonly logs: LogRegistry;
  readonly log: ComponentLogger;
  readonly stats: StatsStore;
  readonly accessLogs: AccessLogWriter;
  /** How this worker hands sockets to the others (exact balance); null when no listener needs it. */
  readonly socketHandOff: SocketHandOff | null;
}

let state: ProxyWorkerState | null = null;

/** This worker's state, once the proxy's worker module has started (null on other threads). */
export function proxyWorkerState(): ProxyWorkerState | null {
  return state;
}

/** Set by the worker module's `init`, cleared by its `shutdown`. */
export function setProxyWorkerState(next: ProxyWorkerState | null): void {
  state = next;
}
