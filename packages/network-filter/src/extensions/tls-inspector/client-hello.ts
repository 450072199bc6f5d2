// A reader of the first bytes of a TLS connection: enough of the record layer and of the
// ClientHello (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2) to tell TLS from anything else
// and to find the SNI (RFC 6066 section 3) and ALPN (RFC 7301 section 3.1) extensions. It reads;
// it never completes or terminates the handshake.

/** What {@link parseClientHello} found. */
export const ClientHelloStatus = {
  /** The bytes so far are a plausible start of a ClientHello: wait for more. */
  NeedMoreData: 0,
  /** Not TLS (or not a well-formed ClientHello). */
  NotTls: 1,
  /** A complete ClientHello. */
  Tls: 2,
  /** A ClientHello longer than the limit. */
  TooLarge: 3,
} as const;

/** One of the {@link ClientHelloStatus} values. */
export type ClientHelloStatus = (typeof ClientHelloStatus)[keyof typeof ClientHelloStatus];

/** The result of {@link parseClientHello}. */
export interface ClientHelloResult {
  readonly status: ClientHelloStatus;
  /** The SNI host name as sent (`''` when absent or not yet known). */
  readonly serverName: string;
  /** The ALPN protocols in the client's order (empty when absent). */
  readonly applicationProtocols: readonly string[];
  /** Bytes of `data` the ClientHello took (records included), when complete. */
  readonly bytesProcessed: number;
}

const RECORD_HEADER = 5;
const HANDSHAKE_HEADER = 4;
const CONTENT_TYPE_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
// A TLSPlaintext fragment is at most 2^14 bytes.
const MAX_RECORD_PAYLOAD = 1 << 14;
const EXTENSION_SERVER_NAME = 0x0000;
const EXTENSION_ALPN = 0x0010;
const NAME_TYPE_HOST_NAME = 0;

const NONE: readonly string[] = Object.freeze([]);

function result(
  status: ClientHelloStatus,
  serverName = '',
  applicationProtocols: readonly string[] = NONE,
  bytesProcessed = 0,
): ClientHelloResult {
  return { status, serverName, applicationProtocols, bytesProcessed };
}

/** A bounds-checked reader over a byte range; any overrun marks it failed. */
class Reader {
  private readonly data: Uint8Array;
  private pos: number;
  private readonly end: number;
  failed: boolean;

  constructor(data: Uint8Array, start: number, end: number) {
    this.data = data;
    this.pos = start;
    this.end = end;
    this.failed = false;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos + 1 > this.end) return this.fail();
    return this.data[this.pos++] as number;
  }

  u16(): number {
    if (this.pos + 2 > this.end) return this.fail();
    const value = ((this.data[this.pos] as number) << 8) | (this.data[this.pos + 1] as number);
    this.pos += 2;
    return value;
  }

  skip(length: number): void {
    if (this.pos + length > this.end) this.fail();
    else this.pos += length;
  }

  /** A reader over the next `length` bytes, which this reader skips. */
  sub(length: number): Reader {
    if (this.pos + length > this.end) {
      this.fail();
      return new Reader(this.data, this.end, this.end);
    }
    const sub = new Reader(this.data, this.pos, this.pos + length);
    this.pos += length;
    return sub;
  }

  text(length: number): string {
    if (this.pos + length > this.end) {
      this.fail();
      return '';
    }
    const value = Buffer.from(this.data.buffer, this.data.byteOffset + this.pos, length).toString(
      'latin1',
    );
    this.pos += length;
    return value;
  }

  private fail(): number {
    this.failed = true;
    this.pos = this.end;
    return 0;
  }
}

/**
 * Reads the handshake message carried by the records at the start of `data`, joining records when
 * the ClientHello spans several. Returns its bytes (without the 4-byte handshake header), or a
 * status when it is incomplete, too large or not TLS.
 */
function handshakeBody(
  data: Uint8Array,
  maxSize: number,
): { body: Uint8Array; consumed: number } | ClientHelloStatus {
  if (data.length < 1) return ClientHelloStatus.NeedMoreData;
  if (data[0] !== CONTENT_TYPE_HANDSHAKE) return ClientHelloStatus.NotTls;
  if (data.length < 2) return ClientHelloStatus.NeedMoreData;
  if (data[1] !== 0x03) return ClientHelloStatus.NotTls;
  if (data.length < 3) return ClientHelloStatus.NeedMoreData;
  if ((data[2] as number) > 0x04) return ClientHelloStatus.NotTls;
  const chunks: Uint8Array[] = [];
  let collected = 0;
  let needed = -1;
  let offset = 0;
  for (;;) {
    if (data.length < offset + RECORD_HEADER) return ClientHelloStatus.NeedMoreData;
    if (data[offset] !== CONTENT_TYPE_HANDSHAKE || data[offset + 1] !== 0x03) {
      return ClientHelloStatus.NotTls;
    }
    const length = ((data[offset + 3] as number) << 8) | (data[offset + 4] as number);
    if (length === 0 || length > MAX_RECORD_PAYLOAD) return ClientHelloStatus.NotTls;
    const payloadStart = offset + RECORD_HEADER;
    const available = Math.min(length, data.length - payloadStart);
    if (needed < 0 && collected + available >= HANDSHAKE_HEADER) {
      // The handshake header may itself be split over records: read it from what is collected.
      const header = new Uint8Array(HANDSHAKE_HEADER);
      let filled = 0;
      for (const chunk of [...chunks, data.subarray(payloadStart, payloadStart + available)]) {
        for (let i = 0; i < chunk.length && filled < HANDSHAKE_HEADER; i++) {
          header[filled++] = chunk[i] as number;
        }
      }
      if (header[0] !== HANDSHAKE_CLIENT_HELLO) return ClientHelloStatus.NotTls;
      const bodyLength =
        ((header[1] as number) << 16) | ((header[2] as number) << 8) | (header[3] as number);
      if (HANDSHAKE_HEADER + bodyLength > maxSize) return ClientHelloStatus.TooLarge;
      needed = HANDSHAKE_HEADER + bodyLength;
    }
    if (available < length) {
      if (needed >= 0 && collected + available >= needed) {
        // The ClientHello ends inside this partial record: no need to wait for the rest.
        chunks.push(data.subarray(payloadStart, payloadStart + available));
        collected += available;
        offset = payloadStart + available;
        break;
      }
      return ClientHelloStatus.NeedMoreData;
    }
    chunks.push(data.subarray(payloadStart, payloadStart + length));
    collected += length;
    offset = payloadStart + length;
    if (needed >= 0 && collected >= needed) break;
    if (collected > maxSize) return ClientHelloStatus.TooLarge;
  }
  const joined = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
  return { body: joined.subarray(HANDSHAKE_HEADER, needed), consumed: offset };
}

/**
 * Looks at the first bytes of a connection for a TLS ClientHello. `maxSize` bounds the handshake
 * message (Envoy's TLS inspector allows 64 KiB). Never throws: malformed input is `NotTls`.
 */
export function parseClientHello(data: Uint8Array, maxSize = 64 * 1024): ClientHelloResult {
  const found = handshakeBody(data, maxSize);
  if (typeof found === 'number') return result(found);
  const hello = new Reader(found.body, 0, found.body.length);
  hello.skip(2 + 32); // legacy_version, random
  hello.skip(hello.u8()); // legacy_session_id
  const cipherSuites = hello.u16();
  if (cipherSuites < 2 || cipherSuites % 2 !== 0) return result(ClientHelloStatus.NotTls);
  hello.skip(cipherSuites);
  const compressionMethods = hello.u8();
  if (compressionMethods < 1) return result(ClientHelloStatus.NotTls);
  hello.skip(compressionMethods);
  if (hello.failed) return result(ClientHelloStatus.NotTls);
  let serverName = '';
  let protocols: string[] = [];
  if (hello.remaining > 0) {
    const extensions = hello.sub(hello.u16());
    while (!extensions.failed && extensions.remaining > 0) {
      const type = extensions.u16();
      const body = extensions.sub(extensions.u16());
      if (type === EXTENSION_SERVER_NAME) {
        const list = body.sub(body.u16());
        while (!list.failed && list.remaining > 0) {
          const nameType = list.u8();
          const name = list.text(list.u16());
          if (nameType === NAME_TYPE_HOST_NAME && serverName === '') serverName = name;
        }
        if (list.failed || body.failed) return result(ClientHelloStatus.NotTls);
      } else if (type === EXTENSION_ALPN) {
        const list = body.sub(body.u16());
        protocols = [];
        while (!list.failed && list.remaining > 0) {
          const length = list.u8();
          if (length === 0) return result(ClientHelloStatus.NotTls);
          protocols.push(list.text(length));
        }
        if (list.failed || body.failed) return result(ClientHelloStatus.NotTls);
      }
    }
    if (extensions.failed || hello.failed) return result(ClientHelloStatus.NotTls);
  }
  return result(ClientHelloStatus.Tls, serverName, protocols, found.consumed);
}
