import { Socket } from 'node:net';
import type { HealthCheckConfig } from '../cluster-config.ts';
import { type Probe, type ProbeObserver, ProbeResult } from './probe.ts';

/**
 * Envoy's TCP health check: connect, send the `send` payload if there is one, and succeed when
 * every `receive` block has arrived in order (or at once, for a connect-only check). With
 * `reuse_connection` (the default) the connection stays open between checks.
 */
export class TcpProbe implements Probe {
  private readonly config: HealthCheckConfig;
  private readonly observer: ProbeObserver;
  private socket: Socket | null;
  private connected: boolean;
  private checking: boolean;
  private received: Buffer;

  constructor(config: HealthCheckConfig, observer: ProbeObserver) {
    this.config = config;
    this.observer = observer;
    this.socket = null;
    this.connected = false;
    this.checking = false;
    this.received = Buffer.alloc(0);
  }

  check(address: string, port: number): void {
    this.checking = true;
    this.received = Buffer.alloc(0);
    if (this.socket !== null && this.connected && !this.socket.destroyed) {
      this.onConnected();
      return;
    }
    this.discard();
    const socket = new Socket();
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.connected = true;
      this.onConnected();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket || !this.checking) return;
      this.received = Buffer.concat([this.received, chunk]);
      if (this.matches()) this.finish(ProbeResult.Success);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.connected = false;
      if (this.checking) this.finish(ProbeResult.NetworkFailure);
    });
    socket.connect({ host: address, port });
  }

  private onConnected(): void {
    const socket = this.socket as Socket;
    if (this.config.send !== null) socket.write(this.config.send);
    if (this.config.receive.length === 0) this.finish(ProbeResult.Success);
  }

  /** Every receive block, in order, somewhere in what arrived (Envoy's `TcpHealthCheckMatcher`). */
  private matches(): boolean {
    let start = 0;
    for (const block of this.config.receive) {
      const at = this.received.indexOf(block, start);
      if (at < 0) return false;
      start = at + block.length;
    }
    return true;
  }

  private finish(result: ProbeResult): void {
    this.checking = false;
    if (!this.config.reuseConnection || result !== ProbeResult.Success) this.discard();
    this.observer.onProbeResult(result);
  }

  abort(): void {
    this.checking = false;
    this.discard();
  }

  close(): void {
    this.checking = false;
    this.discard();
  }

  private discard(): void {
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    socket?.destroy();
  }
}
