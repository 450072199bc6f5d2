// Envoy's admin.access_log: each admin request goes to the configured access logs, written by
// @nuncio/access-log's flush thread.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccessLogManager } from '@nuncio/access-log';
import type { Admin } from '@nuncio/config';
import { describe, expect, it } from 'vitest';
import { createAdminServer, createServerInfo } from '../src/index.ts';
import { request } from './helpers/http.ts';

describe('admin.access_log', () => {
  it('logs every admin request with its method, path, status and sizes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nuncio-admin-'));
    const path = join(dir, 'admin.log');
    const manager = createAccessLogManager({ flushIntervalMs: 50 });
    const admin = {
      address: { socketAddress: { protocol: 'TCP', address: '127.0.0.1', portValue: 0 } },
      accessLog: [
        {
          name: 'envoy.access_loggers.file',
          typedConfig: {
            '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog',
            path,
            logFormat: {
              textFormatSource: {
                inlineString:
                  '%REQ(:METHOD)% %REQ(:PATH)% %RESPONSE_CODE% %BYTES_SENT% %PROTOCOL%\n',
              },
            },
          },
        },
      ],
    } as unknown as Admin;
    const server = await createAdminServer({
      admin,
      accessLogManager: manager,
      logger: { info() {}, warn() {}, error() {} },
      providers: { server: createServerInfo() },
    });
    try {
      await request(server.url, '/ready');
      await request(server.url, '/ready?x=1', 'POST');
      await request(server.url, '/nope');
    } finally {
      await server.close();
      await manager.close();
    }
    try {
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      expect(lines[0]).toBe('GET /ready 200 5 HTTP/1.1');
      // Envoy answers a read whatever the method.
      expect(lines[1]).toBe('POST /ready?x=1 200 5 HTTP/1.1');
      expect(lines[2]).toMatch(/^GET \/nope 404 \d+ HTTP\/1\.1$/);
      expect(lines).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
