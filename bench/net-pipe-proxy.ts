// The baseline of proxy-peers.bench.ts: the least a Node TCP proxy can do, as a process of its own.
// Each accepted socket is piped to a new upstream socket and back. It accepts the way Nuncio's
// listeners do (paused until the upstream side is wired, no Nagle, half-close allowed) so that the
// difference measured is Nuncio's own work, not socket options.
//
//   node net-pipe-proxy.ts <listen port> <upstream port>
import { connect, createServer, type Socket } from 'node:net';

const listenPort = Number(process.argv[2]);
const upstreamPort = Number(process.argv[3]);

const server = createServer(
  { allowHalfOpen: true, pauseOnConnect: true, noDelay: true },
  (socket: Socket) => {
    const upstream = connect({
      port: upstreamPort,
      host: '127.0.0.1',
      noDelay: true,
      allowHalfOpen: true,
    });
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
    // pipe() resumes the paused downstream socket; `end` is carried both ways (half-close).
    socket.pipe(upstream).pipe(socket);
  },
);
server.listen(listenPort, '127.0.0.1');
