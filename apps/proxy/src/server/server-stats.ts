import { memoryUsage } from 'node:process';
import { type ServerInfoProvider, ServerState } from '@nuncio/admin';
import type { GuardDog } from '@nuncio/dispatcher';
import type { Counter, Gauge, StatsStore } from '@nuncio/stats';

// Envoy's `server.state` values (`envoy.admin.v3.ServerInfo.State`'s numbers).
const STATE_NUMBER: Readonly<Record<ServerState, number>> = {
  [ServerState.Live]: 0,
  [ServerState.Draining]: 1,
  [ServerState.PreInitializing]: 2,
  [ServerState.Initializing]: 3,
};

/**
 * Envoy's `server.*` gauges and the watchdog counters, brought up to date before each stats flush
 * (and before the admin reads stats): `server.live`, `server.state`, `server.concurrency`,
 * `server.uptime`, `server.memory_*`, `server.hot_restart_epoch`, `server.total_connections`,
 * `server.<thread>.watchdog_miss` / `_mega_miss` and the per-guard `main_thread.*` / `workers.*`.
 */
export class ServerStats {
  private readonly store: StatsStore;
  private readonly info: ServerInfoProvider;
  private readonly live: Gauge;
  private readonly state: Gauge;
  private readonly uptime: Gauge;
  private readonly memoryAllocated: Gauge;
  private readonly memoryHeapSize: Gauge;
  private readonly memoryPhysicalSize: Gauge;
  private readonly totalConnections: Gauge;
  private readonly watchdogCounts: Map<string, number>;
  private guardDog: GuardDog | null;
  private connections: () => number;

  constructor(store: StatsStore, info: ServerInfoProvider, concurrency: number) {
    this.store = store;
    this.info = info;
    this.live = store.gaugeFromString('server.live');
    this.state = store.gaugeFromString('server.state');
    this.uptime = store.gaugeFromString('server.uptime');
    this.memoryAllocated = store.gaugeFromString('server.memory_allocated');
    this.memoryHeapSize = store.gaugeFromString('server.memory_heap_size');
    this.memoryPhysicalSize = store.gaugeFromString('server.memory_physical_size');
    this.totalConnections = store.gaugeFromString('server.total_connections');
    store.gaugeFromString('server.concurrency').set(concurrency);
    store.gaugeFromString('server.hot_restart_epoch').set(0);
    this.watchdogCounts = new Map();
    this.guardDog = null;
    this.connections = () => 0;
  }

  /** Where the watchdog counts come from, once the workers run. */
  setGuardDog(guardDog: GuardDog | null): void {
    this.guardDog = guardDog;
  }

  /** Where `server.total_connections` comes from, once listeners exist. */
  setConnectionCount(count: () => number): void {
    this.connections = count;
  }

  /** Brings every figure up to date. */
  update(): void {
    const state = this.info.state();
    this.live.set(state === ServerState.Live ? 1 : 0);
    this.state.set(STATE_NUMBER[state]);
    this.uptime.set(Math.floor((Date.now() - this.info.startTimeCurrentEpochMs()) / 1000));
    const memory = memoryUsage();
    this.memoryAllocated.set(memory.heapUsed);
    this.memoryHeapSize.set(memory.heapTotal);
    this.memoryPhysicalSize.set(memory.rss);
    this.totalConnections.set(this.connections());
    const guardDog = this.guardDog;
    if (guardDog === null) return;
    for (const thread of guardDog.threadStats()) {
      this.count(`server.${thread.name}.watchdog_miss`, thread.watchdogMiss);
      this.count(`server.${thread.name}.watchdog_mega_miss`, thread.watchdogMegaMiss);
    }
    const totals = guardDog.totals();
    this.count('main_thread.watchdog_miss', totals.mainThread.watchdogMiss);
    this.count('main_thread.watchdog_mega_miss', totals.mainThread.watchdogMegaMiss);
    this.count('workers.watchdog_miss', totals.workers.watchdogMiss);
    this.count('workers.watchdog_mega_miss', totals.workers.watchdogMegaMiss);
  }

  /** Moves counter `name` up to `total` (the guard dog keeps totals; counters take increments). */
  private count(name: string, total: number): void {
    const seen = this.watchdogCounts.get(name) ?? 0;
    if (total <= seen) return;
    const counter: Counter = this.store.counterFromString(name);
    counter.add(total - seen);
    this.watchdogCounts.set(name, total);
  }
}
