// Small filters for tests: they record what the framework does to them.
import type { BufferInstance } from '@nuncio/buffer';
import {
  type Connection,
  type ConnectionCallbacks,
  type ConnectionEvent,
  FilterStatus,
  type ReadFilter,
  type ReadFilterCallbacks,
  type WriteFilter,
  type WriteFilterCallbacks,
} from '../../src/index.ts';

/** What a {@link RecordingFilter} does on each call. */
export interface RecordingFilterOptions {
  /** Status of onNewConnection (default Continue). */
  onNewConnection?: FilterStatus;
  /** Status and draining of onData: default Continue without draining. */
  onData?: (data: BufferInstance, endStream: boolean, filter: RecordingFilter) => FilterStatus;
  /** Enable half-close when the callbacks arrive. */
  halfClose?: boolean;
}

/** A read filter that logs each call into a shared log, as `<name>:<call>[:data[:end]]`. */
export class RecordingFilter implements ReadFilter {
  readonly name: string;
  readonly log: string[];
  callbacks: ReadFilterCallbacks | null;
  private readonly options: RecordingFilterOptions;

  constructor(name: string, log: string[], options: RecordingFilterOptions = {}) {
    this.name = name;
    this.log = log;
    this.options = options;
    this.callbacks = null;
  }

  get connection(): Connection {
    return (this.callbacks as ReadFilterCallbacks).connection();
  }

  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void {
    this.callbacks = callbacks;
    if (this.options.halfClose) callbacks.connection().enableHalfClose(true);
    this.log.push(`${this.name}:init`);
  }

  onNewConnection(): FilterStatus {
    this.log.push(`${this.name}:new`);
    return this.options.onNewConnection ?? FilterStatus.Continue;
  }

  onData(data: BufferInstance, endStream: boolean): FilterStatus {
    this.log.push(`${this.name}:data:${data.toString('latin1')}${endStream ? ':end' : ''}`);
    return this.options.onData?.(data, endStream, this) ?? FilterStatus.Continue;
  }
}

/** Drains everything it sees. */
export function drainAll(data: BufferInstance): FilterStatus {
  data.drain(data.length);
  return FilterStatus.Continue;
}

/** A write filter that logs and optionally transforms or holds what is written. */
export class RecordingWriteFilter implements WriteFilter {
  readonly name: string;
  readonly log: string[];
  callbacks: WriteFilterCallbacks | null;
  private readonly onWriteImpl: ((data: BufferInstance, endStream: boolean) => FilterStatus) | null;

  constructor(
    name: string,
    log: string[],
    onWrite: ((data: BufferInstance, endStream: boolean) => FilterStatus) | null = null,
  ) {
    this.name = name;
    this.log = log;
    this.onWriteImpl = onWrite;
    this.callbacks = null;
  }

  initializeWriteFilterCallbacks(callbacks: WriteFilterCallbacks): void {
    this.callbacks = callbacks;
  }

  onWrite(data: BufferInstance, endStream: boolean): FilterStatus {
    this.log.push(`${this.name}:write:${data.toString('latin1')}${endStream ? ':end' : ''}`);
    return this.onWriteImpl?.(data, endStream) ?? FilterStatus.Continue;
  }
}

/** Connection callbacks that record events and watermark crossings. */
export class RecordingCallbacks implements ConnectionCallbacks {
  readonly events: ConnectionEvent[];
  above: number;
  below: number;
  private waiters: ((event: ConnectionEvent) => void)[];

  constructor() {
    this.events = [];
    this.above = 0;
    this.below = 0;
    this.waiters = [];
  }

  onEvent(event: ConnectionEvent): void {
    this.events.push(event);
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter(event);
  }

  onAboveWriteBufferHighWatermark(): void {
    this.above++;
  }

  onBelowWriteBufferLowWatermark(): void {
    this.below++;
  }

  /** Resolves with the next event. */
  nextEvent(): Promise<ConnectionEvent> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
