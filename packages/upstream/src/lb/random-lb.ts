import type { Host } from '../host.ts';
import type { LoadBalancer } from '../load-balancer.ts';
import { randomIndex } from './random-source.ts';

/** `RANDOM`: a healthy host chosen uniformly at random (weights are not used, as in Envoy). */
export class RandomLoadBalancer implements LoadBalancer {
  private readonly hosts: readonly Host[];

  constructor(hosts: readonly Host[]) {
    this.hosts = hosts;
  }

  chooseHost(): Host | null {
    const hosts = this.hosts;
    if (hosts.length === 0) return null;
    return hosts[randomIndex(hosts.length)] as Host;
  }
}
