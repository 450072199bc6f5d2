import { describe, expect, it } from 'vitest';
import { ClientHelloStatus, parseClientHello } from '../src/index.ts';
import { captureClientHello } from './support/capture-client-hello.ts';

/** Splits a ClientHello record's payload into records of at most `size` bytes. */
function fragment(record: Buffer, size: number): Buffer {
  const payload = record.subarray(5);
  const records: Buffer[] = [];
  for (let at = 0; at < payload.length; at += size) {
    const piece = payload.subarray(at, at + size);
    const header = Buffer.from([0x16, 0x03, 0x01, 0, 0]);
    header.writeUInt16BE(piece.length, 3);
    records.push(header, piece);
  }
  return Buffer.concat(records);
}

describe('parseClientHello', () => {
  it('reads SNI and ALPN from a real node:tls ClientHello', async () => {
    const hello = await captureClientHello({
      servername: 'Www.Example.com',
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    const result = parseClientHello(hello);
    expect(result).toEqual({
      status: ClientHelloStatus.Tls,
      serverName: 'Www.Example.com',
      applicationProtocols: ['h2', 'http/1.1'],
      bytesProcessed: hello.length,
    });
  });

  it('reports a ClientHello without SNI or ALPN as TLS with neither', async () => {
    // An IP address as servername: Node sends no SNI for it.
    const hello = await captureClientHello({ servername: '' });
    const result = parseClientHello(hello);
    expect(result.status).toBe(ClientHelloStatus.Tls);
    expect(result.serverName).toBe('');
    expect(result.applicationProtocols).toEqual([]);
  });

  it('asks for more data at every prefix of a ClientHello, and reads the whole', async () => {
    const hello = await captureClientHello({
      servername: 'api.example.com',
      ALPNProtocols: ['h2'],
    });
    for (let length = 0; length < hello.length; length++) {
      expect(parseClientHello(hello.subarray(0, length)).status).toBe(
        ClientHelloStatus.NeedMoreData,
      );
    }
    expect(parseClientHello(hello).serverName).toBe('api.example.com');
  });

  it('joins a ClientHello split over several records, even inside its header', async () => {
    const hello = await captureClientHello({ servername: 'a.example.com', ALPNProtocols: ['h2'] });
    for (const size of [2, 3, 7, 100]) {
      const split = fragment(hello, size);
      const result = parseClientHello(split);
      expect(result.status).toBe(ClientHelloStatus.Tls);
      expect(result.serverName).toBe('a.example.com');
      expect(result.applicationProtocols).toEqual(['h2']);
      expect(parseClientHello(split.subarray(0, split.length - 1)).status).toBe(
        ClientHelloStatus.NeedMoreData,
      );
    }
  });

  it.each([
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['an SSLv2-style hello', Buffer.from([0x80, 0x2e, 0x01, 0x03, 0x01])],
    ['a handshake record of another major version', Buffer.from([0x16, 0x02, 0x00, 0x00, 0x10])],
    ['a record of length 0', Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00])],
    ['a ServerHello', Buffer.from([0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00])],
    ['an alert record', Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])],
  ])('says %s is not TLS', (_what, bytes) => {
    expect(parseClientHello(bytes).status).toBe(ClientHelloStatus.NotTls);
  });

  it('says a ClientHello with a body cut short is not TLS', async () => {
    const hello = Buffer.from(await captureClientHello({ servername: 'example.com' }));
    // Claim a shorter handshake than the extensions need: the body ends mid-extension.
    const bodyLength = hello.readUIntBE(6, 3);
    hello.writeUIntBE(bodyLength - 20, 6, 3);
    expect(parseClientHello(hello).status).toBe(ClientHelloStatus.NotTls);
  });

  it('says a ClientHello longer than the limit is too large, from its header alone', () => {
    const header = Buffer.from([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x02, 0x00, 0x00]);
    expect(parseClientHello(header, 64 * 1024).status).toBe(ClientHelloStatus.TooLarge);
    expect(parseClientHello(header, 256 * 1024).status).toBe(ClientHelloStatus.NeedMoreData);
  });
});
