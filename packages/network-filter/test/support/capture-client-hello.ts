// Captures the first bytes a real node:tls client sends (its ClientHello) on a loopback server.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { type ConnectionOptions, connect } from 'node:tls';
import { withTimeout } from '@nuncio/test-support';

export async function captureClientHello(options: ConnectionOptions): Promise<Buffer> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const captured = new Promise<Buffer>((resolve) => {
    server.once('connection', (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        // A ClientHello record header says how long it is: wait for the whole record.
        const all = Buffer.concat(chunks);
        if (all.length >= 5 && all.length >= 5 + all.readUInt16BE(3)) {
          resolve(all);
          socket.destroy();
        }
      });
    });
  });
  const client = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
  client.on('error', () => {});
  try {
    return await withTimeout(captured, 5000, 'capturing a ClientHello');
  } finally {
    client.destroy();
    server.close();
  }
}
