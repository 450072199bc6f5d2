// Where the admin listens: loopback by default, a non-loopback address refused unless the caller
// opts in (then it starts and warns), addresses read from the bootstrap's admin block.
import { createConnection } from 'node:net';
import type { Admin } from '@nuncio/config';
import { freePort } from '@nuncio/test-support';
import { describe, expect, it } from 'vitest';
import {
  AdminErrorCode,
  adminListenAddress,
  createAdminServer,
  createServerInfo,
  isLoopback,
} from '../src/index.ts';
import { request } from './helpers/http.ts';

function adminAt(address: string, port: number): Admin {
  return {
    address: {
      socketAddress: {
        protocol: 'TCP',
        address,
        portValue: port,
        resolverName: '',
        ipv4Compat: false,
      },
    },
  } as unknown as Admin;
}

function quietLogger(lines: string[] = []) {
  return {
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
  };
}

/** True when something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['admin.example.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopback({ host, port: 9901 })).toBe(expected);
  });

  it('counts a Unix socket path as local', () => {
    expect(isLoopback({ path: '/run/admin.sock' })).toBe(true);
  });
});

describe('adminListenAddress', () => {
  it("reads the admin block's socket address, and defaults to 127.0.0.1:9901", () => {
    expect(adminListenAddress(adminAt('::1', 9902))).toEqual({ host: '::1', port: 9902 });
    expect(adminListenAddress(undefined)).toEqual({ host: '127.0.0.1', port: 9901 });
    expect(adminListenAddress({} as Admin)).toEqual({ host: '127.0.0.1', port: 9901 });
  });

  it('refuses an address it cannot listen on, naming the field', () => {
    const udp = adminAt('127.0.0.1', 1);
    (udp.address?.socketAddress as { protocol: string }).protocol = 'UDP';
    expect(() => adminListenAddress(udp)).toThrow(
      expect.objectContaining({
        code: AdminErrorCode.InvalidAddress,
        message: expect.stringContaining('protocol'),
      }),
    );
    expect(() => adminListenAddress({ address: {} } as Admin)).toThrow(
      expect.objectContaining({ code: AdminErrorCode.InvalidAddress }),
    );
  });
});

describe('createAdminServer', () => {
  it('refuses a non-loopback admin.address without the opt-in, and listens nowhere', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const error = await createAdminServer({
      admin: adminAt('0.0.0.0', port),
      logger: quietLogger(lines),
      providers: { server: createServerInfo() },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: AdminErrorCode.NonLoopbackAddress,
      message: expect.stringContaining('0.0.0.0'),
    });
    expect((error as Error).message).toContain('allowNonLoopback');
    expect(await listening(port)).toBe(false);
    expect(lines).toEqual([]);
  });

  it('starts on a non-loopback address with allowNonLoopback, and warns', async () => {
    const lines: string[] = [];
    const server = await createAdminServer({
      admin: adminAt('0.0.0.0', 0),
      allowNonLoopback: true,
      logger: quietLogger(lines),
      providers: { server: createServerInfo() },
    });
    try {
      expect(server.address).toMatchObject({ host: '0.0.0.0' });
      expect(lines.filter((l) => l.startsWith('warn '))).toEqual([
        expect.stringContaining('non-loopback address 0.0.0.0:0'),
      ]);
      const port = (server.address as { port: number }).port;
      // Reached over loopback only: the test sends nothing off this machine.
      expect((await request(`http://127.0.0.1:${port}`, '/ready')).body).toBe('LIVE\n');
    } finally {
      await server.close();
    }
  });

  it('listens on loopback by default, logs its address, and closes idempotently', async () => {
    const lines: string[] = [];
    const server = await createAdminServer({
      address: { host: '127.0.0.1', port: 0 },
      logger: quietLogger(lines),
      providers: {},
    });
    const port = (server.address as { port: number }).port;
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    expect(lines).toEqual([`info admin address: 127.0.0.1:${port}`]);
    // With no provider, only /, /help and /memory are served.
    expect((await request(server.url, '/help')).body).toBe(
      'admin commands are:\n  /: Admin home page\n  /help: print out list of admin commands\n  /memory: print current allocation/heap usage\n',
    );
    expect((await request(server.url, '/stats')).status).toBe(404);
    await Promise.all([server.close(), server.close()]);
    expect(await listening(port)).toBe(false);
  });

  it('reports a port in use with NUNCIO_ERR_ADMIN_LISTEN_FAILED', async () => {
    const first = await createAdminServer({
      address: { host: '127.0.0.1', port: 0 },
      logger: quietLogger(),
      providers: {},
    });
    try {
      const port = (first.address as { port: number }).port;
      await expect(
        createAdminServer({
          address: { host: '127.0.0.1', port },
          logger: quietLogger(),
          providers: {},
        }),
      ).rejects.toMatchObject({
        code: AdminErrorCode.ListenFailed,
        message: expect.stringContaining(`127.0.0.1:${port}`),
      });
    } finally {
      await first.close();
    }
  });

  it('wants an access log manager when admin.access_log has entries', async () => {
    const admin = {
      ...adminAt('127.0.0.1', 0),
      accessLog: [{ name: 'envoy.access_loggers.stdout' }],
    } as unknown as Admin;
    await expect(
      createAdminServer({ admin, logger: quietLogger(), providers: {} }),
    ).rejects.toMatchObject({
      code: AdminErrorCode.InvalidOption,
      message: expect.stringContaining('admin.access_log'),
    });
  });
});
