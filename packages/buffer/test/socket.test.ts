// The buffer on the data path: slices written to a real loopback socket with writev (through
// cork/uncork) arrive in order and whole, and the package loads from source in a worker thread.
import { connect, type Socket } from 'node:net';
import { runInWorker, startEchoServer, withTimeout } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import { OwnedBuffer } from '../src/index.ts';

function connected(port: number, host: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('on a socket', () => {
  it('writes every slice with one writev and the peer receives the bytes in order', async () => {
    const server = await startEchoServer();
    try {
      const socket = await connected(server.port, server.host);
      const buffer = new OwnedBuffer();
      const expected: Buffer[] = [];
      for (let i = 0; i < 40; i++) {
        const chunk = Buffer.alloc(1000 + i * 97, i);
        buffer.add(chunk);
        expected.push(chunk);
      }
      buffer.add('tail');
      expected.push(Buffer.from('tail'));
      expect(buffer.sliceCount).toBe(41);
      // Drain as soon as the slices are queued: the socket holds views whose bytes never change.
      const received: Buffer[] = [];
      socket.on('data', (data: Buffer) => received.push(data));
      const ended = new Promise((resolve) => socket.once('end', resolve));
      socket.cork();
      for (const slice of buffer) socket.write(slice);
      buffer.drain(buffer.length);
      buffer.add(Buffer.alloc(4096, 0xff));
      socket.uncork();
      socket.end();
      await withTimeout(ended, 10_000, 'echo of the slices');
      expect(Buffer.concat(received).equals(Buffer.concat(expected))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('receives socket reads by reference and moves them without copying', async () => {
    const server = await startEchoServer();
    try {
      const socket = await connected(server.port, server.host);
      const downstream = new OwnedBuffer();
      const reads: Buffer[] = [];
      socket.on('data', (data: Buffer) => {
        reads.push(data);
        downstream.add(data);
      });
      const ended = new Promise((resolve) => socket.once('end', resolve));
      const payload = Buffer.alloc(256 * 1024);
      for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
      socket.end(payload);
      await withTimeout(ended, 10_000, 'echo of the payload');
      const upstream = new OwnedBuffer();
      upstream.move(downstream);
      expect(upstream.toBuffer().equals(payload)).toBe(true);
      // Large reads were kept as they came: the first slice is the first read itself.
      const first = reads[0]!;
      if (first.length >= 512) expect(upstream.frontSlice()).toBe(first);
      const at = upstream.search(Buffer.from([250, 0]));
      expect(at).toBe(250);
    } finally {
      await server.close();
    }
  });
});

describe('in a worker thread', () => {
  it('loads from its TypeScript sources and works there', async () => {
    const result = await runInWorker<{ text: string; slices: number; crossings: number }>(
      new URL('./fixtures.ts', import.meta.url),
      'roundTrip',
      [['ab', 'cd', 'ef']],
    );
    expect(result).toEqual({ text: 'abcdef', slices: 1, crossings: 2 });
  });
});
