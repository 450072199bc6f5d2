import type { Host } from '../host.ts';
import type { LoadBalancer } from '../load-balancer.ts';
import { EdfScheduler } from './edf-scheduler.ts';
import { randomIndex } from './random-source.ts';

/**
 * `ROUND_ROBIN`: hosts in turn when their weights are equal, otherwise Envoy's weighted EDF
 * schedule. Each worker starts at a random place (as Envoy's workers do), so that workers do not
 * all send their first connections to the same host.
 */
export class RoundRobinLoadBalancer implements LoadBalancer {
  private readonly hosts: readonly Host[];
  private readonly scheduler: EdfScheduler<Host> | null;
  private next: number;

  constructor(hosts: readonly Host[]) {
    this.hosts = hosts;
    const weighted = hosts.some((host) => host.weight !== hosts[0]?.weight);
    this.scheduler = weighted
      ? new EdfScheduler(
          hosts,
          hosts.map((host) => host.weight),
        )
      : null;
    this.next = hosts.length === 0 ? 0 : randomIndex(hosts.length);
    if (this.scheduler !== null) {
      // Envoy picks a random number of times first, for the same reason.
      for (let i = randomIndex(hosts.length); i > 0; i--) this.scheduler.pick();
    }
  }

  chooseHost(): Host | null {
    const hosts = this.hosts;
    if (hosts.length === 0) return null;
    if (this.scheduler !== null) return this.scheduler.pick() ?? null;
    const host = hosts[this.next % hosts.length] as Host;
    this.next = (this.next + 1) % hosts.length;
    return host;
  }
}
