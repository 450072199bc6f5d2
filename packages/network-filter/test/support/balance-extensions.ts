// A filter for the balancing and drain tests: it tells the client which worker serves the
// connection, echoes what it reads, and on `?` answers whether the listener says to drain.
import { type BufferInstance, OwnedBuffer } from '@nuncio/buffer';
import type { ConfigRegistry } from '@nuncio/config';
import {
  type DrainDecision,
  type FilterChainInput,
  FilterStatus,
  NETWORK_FILTER_CATEGORY,
  type NetworkFilterConfigFactory,
  type ReadFilter,
  type ReadFilterCallbacks,
} from '../../src/index.ts';
import { testRegistry } from './test-extensions.ts';

export const WORKER_ECHO_NAME = 'test.worker_echo';

class WorkerEchoFilter implements ReadFilter {
  private readonly workerIndex: number;
  private readonly drain: DrainDecision;
  private callbacks: ReadFilterCallbacks | null;

  constructor(workerIndex: number, drain: DrainDecision) {
    this.workerIndex = workerIndex;
    this.drain = drain;
    this.callbacks = null;
  }

  initializeReadFilterCallbacks(callbacks: ReadFilterCallbacks): void {
    this.callbacks = callbacks;
    callbacks.connection().enableHalfClose(true);
  }

  onNewConnection(): FilterStatus {
    this.callbacks?.connection().write(new OwnedBuffer(`worker=${this.workerIndex}\n`), false);
    return FilterStatus.Continue;
  }

  onData(data: BufferInstance, endStream: boolean): FilterStatus {
    const connection = (this.callbacks as ReadFilterCallbacks).connection();
    if (data.length === 1 && data.toString('latin1') === '?') {
      data.drain(1);
      connection.write(new OwnedBuffer(`drain=${this.drain.drainClose()}\n`), endStream);
      return FilterStatus.StopIteration;
    }
    connection.write(data, endStream);
    return FilterStatus.StopIteration;
  }
}

const workerEchoFactory: NetworkFilterConfigFactory = {
  isTerminalFilter: true,
  createFilterFactoryFromProto(_config, context) {
    const { workerIndex, drainDecision } = context;
    return (manager) => manager.addReadFilter(new WorkerEchoFilter(workerIndex, drainDecision));
  },
};

/** A chain with the worker-echo filter. */
export function workerEchoChain(name = 'worker_echo'): FilterChainInput {
  return { name, filters: [{ name: WORKER_ECHO_NAME }] };
}

/** The test registry plus the worker-echo filter. */
export function balanceRegistry(): ConfigRegistry {
  const registry = testRegistry();
  registry.registerExtension({
    name: WORKER_ECHO_NAME,
    typeUrls: [],
    category: NETWORK_FILTER_CATEGORY,
    factory: workerEchoFactory,
  });
  return registry;
}
