/**
 * An `HttpCallClient` for `proxy_http_call` on undici, until Nuncio's router connection pools take
 * over: `@nuncio/wasm-host/undici`.
 * @packageDocumentation
 */
import { Pool } from 'undici';
import type {
  HttpCallCancel,
  HttpCallClient,
  HttpCallHandler,
  HttpCallRequest,
  HttpCallResponse,
} from './http-call.ts';
import type { HeaderPair } from './pairs.ts';

/** A host of a cluster to send a request to. */
export interface ClusterHost {
  readonly address: string;
  readonly port: number;
  /** Use TLS (default false). */
  readonly tls?: boolean;
}

/**
 * Finds clusters and picks hosts, e.g. over the worker's thread-local cluster manager. Runs on the
 * thread that sends.
 */
export interface ClusterResolver {
  /** True when the cluster exists (an unknown one makes `http_call` return `BadArgument`). */
  hasCluster(name: string): boolean;
  /** A host for this request, or undefined when the cluster has none healthy (a 503 reply). */
  chooseHost(name: string, request: HttpCallRequest): ClusterHost | undefined;
}

/** Options of {@link UndiciHttpCallClient}. */
export interface UndiciHttpCallClientOptions {
  /** Connections per host (default 16). */
  readonly connections?: number;
}

const encoder = new TextEncoder();

/** A local reply as Envoy's async client reports it, e.g. 504 `upstream request timeout`. */
function localReply(status: number, body: string): HttpCallResponse {
  const bytes = encoder.encode(body);
  return {
    headers: [
      [':status', String(status)],
      ['content-length', String(bytes.length)],
      ['content-type', 'text/plain'],
    ],
    body: bytes,
    trailers: [],
  };
}

function flatten(headers: Record<string, string | string[] | undefined>): HeaderPair[] {
  const pairs: HeaderPair[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) pairs.push([name, v]);
    else pairs.push([name, value]);
  }
  return pairs;
}

/**
 * `proxy_http_call` over undici connection pools, one per host. A timeout answers 504
 * (`upstream request timeout`), an unreachable host 503, a cluster without a host 503
 * (`no healthy upstream`), as Envoy's async client does; request trailers are not sent (undici's
 * request API has none).
 */
export class UndiciHttpCallClient implements HttpCallClient {
  private readonly resolver: ClusterResolver;
  private readonly connections: number;
  private readonly pools: Map<string, Pool>;

  constructor(resolver: ClusterResolver, options: UndiciHttpCallClientOptions = {}) {
    this.resolver = resolver;
    this.connections = options.connections ?? 16;
    this.pools = new Map();
  }

  hasCluster(cluster: string): boolean {
    return this.resolver.hasCluster(cluster);
  }

  send(request: HttpCallRequest, handler: HttpCallHandler): HttpCallCancel | null {
    let done = false;
    const finish = (response: HttpCallResponse | null, failure = ''): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      if (response === null) handler.onFailure(failure);
      else handler.onSuccess(response);
    };
    let timer: NodeJS.Timeout | undefined;
    const host = this.resolver.chooseHost(request.cluster, request);
    if (host === undefined) {
      setImmediate(() => finish(localReply(503, 'no healthy upstream')));
      return {
        cancel: () => {
          done = true;
        },
      };
    }
    const origin = `${host.tls === true ? 'https' : 'http'}://${host.address}:${host.port}`;
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, { connections: this.connections });
      this.pools.set(origin, pool);
    }
    let method = 'GET';
    let path = '/';
    const headers: string[] = [];
    for (const [name, value] of request.headers) {
      if (name === ':method') method = value;
      else if (name === ':path') path = value;
      else if (name === ':authority') headers.push('host', value);
      else if (!name.startsWith(':')) headers.push(name, value);
    }
    const abort = new AbortController();
    if (request.timeoutMs > 0) {
      timer = setTimeout(() => {
        abort.abort();
        finish(localReply(504, 'upstream request timeout'));
      }, request.timeoutMs);
    }
    pool
      .request({
        method: method as 'GET',
        path,
        headers,
        body: request.body.length > 0 ? request.body : null,
        signal: abort.signal,
      })
      .then(
        async (response) => {
          let body: Uint8Array;
          try {
            body = new Uint8Array(await response.body.arrayBuffer());
          } catch {
            finish(null, 'reset');
            return;
          }
          finish({
            headers: [[':status', String(response.statusCode)], ...flatten(response.headers)],
            body,
            trailers: flatten(response.trailers as Record<string, string | string[]>),
          });
        },
        (error: { code?: string }) => {
          if (done) return;
          if (error.code === 'UND_ERR_SOCKET' || error.code === 'UND_ERR_ABORTED') {
            finish(null, 'reset');
            return;
          }
          finish(
            localReply(
              503,
              'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
            ),
          );
        },
      );
    return {
      cancel: () => {
        if (done) return;
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        abort.abort();
      },
    };
  }

  /** Closes every connection pool. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
