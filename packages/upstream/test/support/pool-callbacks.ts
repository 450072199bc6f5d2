import type {
  Host,
  PoolFailureReason,
  TcpConnectionData,
  TcpPoolCallbacks,
} from '../../src/index.ts';

/** Records what a pool reports; `result` resolves with the first report. */
export class RecordingPoolCallbacks implements TcpPoolCallbacks {
  ready: TcpConnectionData | null = null;
  failure: { reason: PoolFailureReason; transport: string; host: Host } | null = null;
  readonly result: Promise<'ready' | 'failure'>;
  private settle!: (value: 'ready' | 'failure') => void;

  constructor() {
    this.result = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  onPoolReady(data: TcpConnectionData): void {
    this.ready = data;
    this.settle('ready');
  }

  onPoolFailure(reason: PoolFailureReason, transport: string, host: Host): void {
    this.failure = { reason, transport, host };
    this.settle('failure');
  }
}
