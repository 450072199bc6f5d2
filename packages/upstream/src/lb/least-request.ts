import type { Host } from '../host.ts';
import type { LoadBalancer } from '../load-balancer.ts';
import { randomIndex } from './random-source.ts';

/**
 * `LEAST_REQUEST`: Envoy's power of `choice_count` choices (two by default): that many hosts are
 * drawn at random and the one with the fewest active requests wins, counted over every worker (the
 * counts live in shared memory). With unequal weights the comparison is of active requests per
 * unit of weight (Envoy switches to a weighted schedule there instead).
 */
export class LeastRequestLoadBalancer implements LoadBalancer {
  private readonly hosts: readonly Host[];
  private readonly choiceCount: number;
  private readonly weighted: boolean;

  constructor(hosts: readonly Host[], choiceCount: number) {
    this.hosts = hosts;
    this.choiceCount = choiceCount;
    this.weighted = hosts.some((host) => host.weight !== hosts[0]?.weight);
  }

  chooseHost(): Host | null {
    const hosts = this.hosts;
    const n = hosts.length;
    if (n === 0) return null;
    let best = hosts[randomIndex(n)] as Host;
    if (n === 1) return best;
    let bestLoad = this.load(best);
    for (let i = 1; i < this.choiceCount; i++) {
      const candidate = hosts[randomIndex(n)] as Host;
      const load = this.load(candidate);
      if (load < bestLoad) {
        best = candidate;
        bestLoad = load;
      }
    }
    return best;
  }

  private load(host: Host): number {
    const active = host.activeRequests();
    return this.weighted ? active / host.weight : active;
  }
}
