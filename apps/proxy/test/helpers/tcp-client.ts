// A small loopback TCP client for the e2e tests: send bytes, read exactly that many back.
import { connect, type Socket } from 'node:net';

/** A connected client socket with the bytes it received so far. */
export class TcpClient {
  readonly socket: Socket;
  private received: Buffer;
  private waiter: (() => void) | null;
  private isClosed: boolean;
  /** Resolves when the socket has closed, whoever closed it. */
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    this.received = Buffer.alloc(0);
    this.waiter = null;
    this.isClosed = false;
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.waiter?.();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.waiter?.();
        resolve();
      }),
    );
    socket.on('error', () => {});
  }

  /** Connects to 127.0.0.1:`port`; rejects with the socket error (ECONNREFUSED...). */
  static connect(port: number): Promise<TcpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new TcpClient(socket));
      });
    });
  }

  /** True once the socket has closed. */
  get hasClosed(): boolean {
    return this.isClosed;
  }

  /**
   * Writes `data` and resolves with the next `data.length` bytes received; rejects when the
   * socket closes first.
   */
  async roundTrip(data: string): Promise<string> {
    this.socket.write(data);
    while (this.received.length < data.length) {
      if (this.isClosed)
        throw new Error(`closed after ${this.received.length} of ${data.length} bytes`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
      this.waiter = null;
    }
    const out = this.received.subarray(0, data.length).toString();
    this.received = this.received.subarray(data.length);
    return out;
  }

  /** Half-closes (FIN) and resolves when the socket is closed. */
  end(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** True when nothing accepts connections on 127.0.0.1:`port` any more. */
export async function refused(port: number): Promise<boolean> {
  try {
    const client = await TcpClient.connect(port);
    client.destroy();
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
  }
}
