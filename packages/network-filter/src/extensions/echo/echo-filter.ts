import type { BufferInstance } from '@nuncio/buffer';
import type { ConnectionCallbacks } from '../../connection-callbacks.ts';
import type { ReadFilter, ReadFilterCallbacks } from '../../filter.ts';
import { FilterStatus } from '../../filter-status.ts';

/**
 * Envoy's echo filter (`envoy.filters.network.echo`): writes back every byte it reads. It
 * enables half-close, so a client's FIN is answered with a FIN once its data has been echoed, and
 * it applies back-pressure: while its connection's write buffer is above the high watermark (a
 * client that does not read), it stops reading from that client, so memory stays bounded by the
 * buffer limit. (Envoy's echo does neither; these make it a well-behaved Node citizen.)
 */
export class EchoFilter implements ReadFilter, ConnectionCallbacks {
  private callbacks: ReadFilterCallbacks | null;
  private throttled: boolean;

  constructor() {
    this.callbacks = null;
    this.throttled = false;
  }

  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void {
    this.callbacks = callbacks;
    const connection = callbacks.connection();
    connection.enableHalfClose(true);
    connection.addConnectionCallbacks(this);
  }

  onNewConnection(): FilterStatus {
    return FilterStatus.Continue;
  }

  onData(data: BufferInstance, endStream: boolean): FilterStatus {
    // write() moves the bytes out of the read buffer: nothing is copied.
    this.callbacks?.connection().write(data, endStream);
    return FilterStatus.StopIteration;
  }

  onEvent(): void {}

  onAboveWriteBufferHighWatermark(): void {
    if (this.throttled) return;
    this.throttled = true;
    this.callbacks?.connection().readDisable(true);
  }

  onBelowWriteBufferLowWatermark(): void {
    if (!this.throttled) return;
    this.throttled = false;
    this.callbacks?.connection().readDisable(false);
  }
}
