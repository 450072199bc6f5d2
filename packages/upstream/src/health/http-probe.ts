import { Agent, type ClientRequest, request } from 'node:http';
import type { HealthCheckConfig } from '../cluster-config.ts';
import { type Probe, type ProbeObserver, ProbeResult } from './probe.ts';

/**
 * Envoy's HTTP/1.1 health check: `GET <path>` with `Host: <host or cluster name>` and
 * `User-Agent: Envoy/HC`; a 200 response is a success, any other status fails the host at once, a
 * connection error counts toward the threshold. With `reuse_connection` (the default) one
 * keep-alive connection carries every check.
 */
export class HttpProbe implements Probe {
  private readonly config: HealthCheckConfig;
  private readonly observer: ProbeObserver;
  private readonly agent: Agent;
  private current: ClientRequest | null;

  constructor(config: HealthCheckConfig, observer: ProbeObserver) {
    this.config = config;
    this.observer = observer;
    this.agent = new Agent({ keepAlive: config.reuseConnection, maxSockets: 1 });
    this.current = null;
  }

  check(address: string, port: number): void {
    const headers: Record<string, string> = { host: this.config.host, 'user-agent': 'Envoy/HC' };
    if (!this.config.reuseConnection) headers.connection = 'close';
    let done = false;
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      if (this.current === req) this.current = null;
      this.observer.onProbeResult(result);
    };
    const req = request(
      { host: address, port, path: this.config.path, method: 'GET', headers, agent: this.agent },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        response.on('error', () => finish(ProbeResult.NetworkFailure));
        response.on('end', () =>
          finish(status === 200 ? ProbeResult.Success : ProbeResult.ActiveFailure),
        );
      },
    );
    this.current = req;
    req.on('error', () => finish(ProbeResult.NetworkFailure));
    req.end();
  }

  abort(): void {
    const req = this.current;
    this.current = null;
    req?.destroy();
  }

  close(): void {
    this.abort();
    this.agent.destroy();
  }
}
