import { type PeerType, StreamType } from './abi-types.ts';
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterStatus,
  FilterTrailersStatus,
} from './filter-status.ts';
import type { StreamCallbacks } from './stream-callbacks.ts';
import type { WasmStream } from './wasm-stream.ts';

/**
 * The stream of a plugin that has no working VM on this thread (Envoy's context with a null
 * `wasm`): passes everything through when the plugin is `fail_open`, else fails the stream once.
 */
export class FailedStream implements WasmStream {
  readonly contextId = 0;
  readonly failed = true;
  private readonly callbacks: StreamCallbacks;
  private readonly failOpen: boolean;
  private reported: boolean;

  constructor(callbacks: StreamCallbacks, failOpen: boolean) {
    this.callbacks = callbacks;
    this.failOpen = failOpen;
    this.reported = false;
  }

  private fail(type: StreamType): boolean {
    if (this.failOpen) return false;
    if (!this.reported) {
      this.reported = true;
      this.callbacks.failStream(type);
    }
    return true;
  }

  onRequestHeaders(): FilterHeadersStatus {
    return this.fail(StreamType.HttpRequest)
      ? FilterHeadersStatus.StopAllIterationAndWatermark
      : FilterHeadersStatus.Continue;
  }
  onRequestBody(): FilterDataStatus {
    return this.fail(StreamType.HttpRequest)
      ? FilterDataStatus.StopIterationNoBuffer
      : FilterDataStatus.Continue;
  }
  onRequestTrailers(): FilterTrailersStatus {
    return this.fail(StreamType.HttpRequest)
      ? FilterTrailersStatus.StopIteration
      : FilterTrailersStatus.Continue;
  }
  onResponseHeaders(): FilterHeadersStatus {
    return this.fail(StreamType.HttpResponse)
      ? FilterHeadersStatus.StopAllIterationAndWatermark
      : FilterHeadersStatus.Continue;
  }
  onResponseBody(): FilterDataStatus {
    return this.fail(StreamType.HttpResponse)
      ? FilterDataStatus.StopIterationNoBuffer
      : FilterDataStatus.Continue;
  }
  onResponseTrailers(): FilterTrailersStatus {
    return this.fail(StreamType.HttpResponse)
      ? FilterTrailersStatus.StopIteration
      : FilterTrailersStatus.Continue;
  }
  onLog(): void {}
  onDestroy(): void {}
  onNewConnection(): FilterStatus {
    return this.fail(StreamType.Downstream) ? FilterStatus.StopIteration : FilterStatus.Continue;
  }
  onDownstreamData(): FilterStatus {
    return this.fail(StreamType.Downstream) ? FilterStatus.StopIteration : FilterStatus.Continue;
  }
  onUpstreamData(): FilterStatus {
    return this.fail(StreamType.Upstream) ? FilterStatus.StopIteration : FilterStatus.Continue;
  }
  onDownstreamConnectionClose(_peer: PeerType): void {}
  onUpstreamConnectionClose(_peer: PeerType): void {}
}
