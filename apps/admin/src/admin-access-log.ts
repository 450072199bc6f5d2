import type { AccessLog, HeaderLookup, StreamInfo } from '@nuncio/access-log';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Request headers for `%REQ(...)%`, with HTTP/2-style pseudo headers as Envoy has them. */
class AdminRequestHeaders implements HeaderLookup {
  private readonly request: FastifyRequest;

  constructor(request: FastifyRequest) {
    this.request = request;
  }

  get(name: string): string | undefined {
    switch (name) {
      case ':method':
        return this.request.method;
      case ':path':
        return this.request.url;
      case ':authority':
        return this.request.headers.host;
      case ':scheme':
        return this.request.protocol;
      default: {
        const value = this.request.headers[name];
        return Array.isArray(value) ? value.join(',') : value;
      }
    }
  }
}

/** Response headers for `%RESP(...)%`. */
class AdminResponseHeaders implements HeaderLookup {
  private readonly reply: FastifyReply;

  constructor(reply: FastifyReply) {
    this.reply = reply;
  }

  get(name: string): string | undefined {
    const value = this.reply.getHeader(name);
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(',') : String(value);
  }
}

/** What Envoy's admin access log knows about one admin request, as a `StreamInfo`. */
export function adminStreamInfo(request: FastifyRequest, reply: FastifyReply): StreamInfo {
  const socket = request.raw.socket;
  const elapsed = reply.elapsedTime;
  const received = Number(request.headers['content-length'] ?? 0);
  const sent = Number(reply.getHeader('content-length') ?? 0);
  return {
    startTimeMs: Date.now() - elapsed,
    durationMs: elapsed,
    bytesReceived: Number.isFinite(received) ? received : 0,
    bytesSent: Number.isFinite(sent) ? sent : 0,
    downstreamRemoteAddress:
      socket.remoteAddress === undefined
        ? undefined
        : { address: socket.remoteAddress, port: socket.remotePort },
    downstreamLocalAddress:
      socket.localAddress === undefined
        ? undefined
        : { address: socket.localAddress, port: socket.localPort },
    protocol: `HTTP/${request.raw.httpVersion}`,
    responseCode: reply.statusCode,
    requestHeaders: new AdminRequestHeaders(request),
    responseHeaders: new AdminResponseHeaders(reply),
  };
}

/** Logs one finished admin request to every log of `logs`. */
export function logAdminRequest(
  logs: readonly AccessLog[],
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const info = adminStreamInfo(request, reply);
  for (const log of logs) log.log(info);
}
