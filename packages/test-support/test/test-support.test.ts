import { connect } from 'node:net';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  freePort,
  runInWorker,
  startEchoServer,
  threadNames,
  waitFor,
  withTimeout,
} from '../src/index.ts';

const fixtures = new URL('./fixtures.ts', import.meta.url);

describe('freePort', () => {
  it('returns a port that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = await startEchoServer({ port });
    expect(server.port).toBe(port);
    await server.close();
  });
});

describe('startEchoServer', () => {
  it('echoes bytes back over loopback', async () => {
    const server = await startEchoServer();
    const socket = connect(server.port, server.host);
    socket.end('hello');
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    await server.close();
  });
});

describe('runInWorker', () => {
  it('runs an export in another thread and returns its result', async () => {
    expect(await runInWorker(fixtures, 'add', [2, 3])).toBe(5);
    const other = await runInWorker<number>(fixtures, 'myThreadId');
    expect(other).not.toBe(threadId);
  });

  it('rejects with the error the function threw', async () => {
    await expect(runInWorker(fixtures, 'fail', ['boom'])).rejects.toThrow('boom');
  });

  it('rejects for a missing export', async () => {
    await expect(runInWorker(fixtures, 'nope')).rejects.toThrow('no exported function "nope"');
  });

  it('ends a worker that outlives its time limit', async () => {
    await expect(runInWorker(fixtures, 'spin', [], { timeoutMs: 200 })).rejects.toThrow(
      'did not finish within 200 ms',
    );
  });
});

describe('threadNames', () => {
  it.runIf(process.platform === 'linux')('lists this process threads with their names', () => {
    const threads = threadNames();
    expect(threads.length).toBeGreaterThan(1);
    expect(threads.some((t) => t.tid === process.pid)).toBe(true);
  });
});

describe('waitFor / withTimeout', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : 0))).toBe(3);
  });

  it('throws naming the condition when time runs out', async () => {
    await expect(waitFor(() => false, { timeoutMs: 50, what: 'the moon' })).rejects.toThrow(
      'the moon not met within 50 ms',
    );
  });

  it('withTimeout rejects a slow promise', async () => {
    await expect(withTimeout(new Promise(() => {}), 20, 'slow thing')).rejects.toThrow(
      'slow thing did not finish within 20 ms',
    );
  });
});
