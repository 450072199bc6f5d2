import { describe, expect, it } from 'vitest';
import { COPY_THRESHOLD, SLAB_SIZE } from '../src/buffer-impl.ts';
import { type BufferInstance, OwnedBuffer } from '../src/index.ts';

const big = (fill: number, size = COPY_THRESHOLD * 2) => Buffer.alloc(size, fill);

/** A buffer holding `parts` as separate slices (each part large enough to be kept by reference). */
function sliced(...parts: string[]): OwnedBuffer {
  const buffer = new OwnedBuffer();
  for (const part of parts) buffer.add(Buffer.from(part));
  return buffer;
}

describe('add', () => {
  it('keeps large chunks by reference, without copying', () => {
    const chunk = big(1);
    const buffer = new OwnedBuffer(chunk);
    expect(buffer.length).toBe(chunk.length);
    expect(buffer.getRawSlices()[0]).toBe(chunk);
    expect(buffer.frontSlice().buffer).toBe(chunk.buffer);
  });

  it('packs small chunks into one slice', () => {
    const buffer = new OwnedBuffer();
    for (let i = 0; i < 100; i++) buffer.add(Buffer.from([i]));
    expect(buffer.sliceCount).toBe(1);
    expect([...buffer.toBuffer()]).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('starts a new slab when the current one is full', () => {
    const buffer = new OwnedBuffer();
    const piece = Buffer.alloc(COPY_THRESHOLD - 1, 7);
    const pieces = Math.ceil((2 * SLAB_SIZE) / piece.length) + 1;
    for (let i = 0; i < pieces; i++) buffer.add(piece);
    expect(buffer.length).toBe(pieces * piece.length);
    expect(buffer.sliceCount).toBeGreaterThanOrEqual(3);
    expect(buffer.toBuffer().every((b) => b === 7)).toBe(true);
  });

  it('takes strings as UTF-8, small and large', () => {
    const buffer = new OwnedBuffer('héllo ');
    buffer.add('€'.repeat(COPY_THRESHOLD));
    buffer.add('😀');
    expect(buffer.toString()).toBe(`héllo ${'€'.repeat(COPY_THRESHOLD)}😀`);
    expect(buffer.length).toBe(Buffer.byteLength(buffer.toString()));
  });

  it('takes a plain Uint8Array as a view of the same memory', () => {
    const bytes = new Uint8Array(COPY_THRESHOLD * 2).fill(3);
    const buffer = new OwnedBuffer(bytes);
    expect(buffer.frontSlice().buffer).toBe(bytes.buffer);
    expect(Buffer.isBuffer(buffer.frontSlice())).toBe(true);
  });

  it('adds the bytes of another buffer and leaves it unchanged', () => {
    const other = sliced('a'.repeat(600), 'b');
    const buffer = new OwnedBuffer('x');
    buffer.add(other);
    expect(buffer.toString()).toBe(`x${'a'.repeat(600)}b`);
    expect(other.toString()).toBe(`${'a'.repeat(600)}b`);
    other.add('more');
    buffer.add('!');
    expect(other.toString()).toBe(`${'a'.repeat(600)}bmore`);
    expect(buffer.toString()).toBe(`x${'a'.repeat(600)}b!`);
  });

  it('can add itself', () => {
    const buffer = sliced('ab', 'c'.repeat(600));
    buffer.add(buffer);
    const once = `ab${'c'.repeat(600)}`;
    expect(buffer.toString()).toBe(once + once);
  });

  it('ignores empty data', () => {
    const buffer = new OwnedBuffer();
    buffer.add('');
    buffer.add(Buffer.alloc(0));
    buffer.prepend('');
    expect(buffer.length).toBe(0);
    expect(buffer.sliceCount).toBe(0);
  });
});

describe('prepend', () => {
  it('puts bytes in front', () => {
    const buffer = new OwnedBuffer('world');
    buffer.prepend('hello ');
    buffer.prepend(Buffer.from('>'));
    expect(buffer.toString()).toBe('>hello world');
  });

  it('moves another buffer in whole and empties it', () => {
    const other = sliced('a', 'b'.repeat(700));
    const buffer = new OwnedBuffer('c');
    buffer.prepend(other);
    expect(buffer.toString()).toBe(`a${'b'.repeat(700)}c`);
    expect(other.length).toBe(0);
    other.add('z');
    expect(other.toString()).toBe('z');
    expect(buffer.toString()).toBe(`a${'b'.repeat(700)}c`);
  });

  it('keeps working past the ring capacity at both ends', () => {
    const buffer = new OwnedBuffer();
    const expected: number[] = [];
    for (let i = 0; i < 50; i++) {
      const chunk = big(i % 256, COPY_THRESHOLD);
      if (i % 2 === 0) {
        buffer.add(chunk);
        expected.push(i);
      } else {
        buffer.prepend(chunk);
        expected.unshift(i);
      }
    }
    expect(buffer.sliceCount).toBe(50);
    expect(buffer.getRawSlices().map((s) => s[0])).toEqual(expected);
  });
});

describe('drain', () => {
  it('removes bytes across slices', () => {
    const buffer = sliced('abc', 'def', 'ghi');
    buffer.drain(4);
    expect(buffer.toString()).toBe('efghi');
    buffer.drain(0);
    expect(buffer.toString()).toBe('efghi');
    buffer.drain(5);
    expect(buffer.length).toBe(0);
    expect(buffer.sliceCount).toBe(0);
  });

  it('leaves views handed out before unchanged', () => {
    const buffer = new OwnedBuffer('abc');
    const view = buffer.frontSlice();
    buffer.drain(3);
    buffer.add('xyz');
    expect(view.toString()).toBe('abc');
    expect(buffer.toString()).toBe('xyz');
  });

  it('frees a large ring when emptied and keeps working', () => {
    const buffer = new OwnedBuffer();
    for (let i = 0; i < 200; i++) buffer.add(big(i % 256));
    buffer.clear();
    expect(buffer.length).toBe(0);
    buffer.add(big(9));
    expect(buffer.sliceCount).toBe(1);
    expect(buffer.frontSlice()[0]).toBe(9);
  });
});

describe('move', () => {
  it('moves whole slices without copying', () => {
    const chunk = big(5);
    const source = new OwnedBuffer(chunk);
    const target = new OwnedBuffer();
    target.move(source);
    expect(source.length).toBe(0);
    expect(target.getRawSlices()[0]).toBe(chunk);
  });

  it('moves part of a slice and leaves the rest', () => {
    const source = sliced('abcdef');
    const target = new OwnedBuffer('>');
    target.move(source, 2);
    expect(target.toString()).toBe('>ab');
    expect(source.toString()).toBe('cdef');
  });

  it('packs small moved slices onto the target tail', () => {
    const target = new OwnedBuffer('head');
    for (let i = 0; i < 20; i++) {
      const source = new OwnedBuffer();
      source.add(`${i},`);
      target.move(source);
    }
    expect(target.sliceCount).toBe(1);
    expect(target.toString()).toBe(`head${Array.from({ length: 20 }, (_, i) => `${i},`).join('')}`);
  });

  it('keeps the two buffers independent after the move', () => {
    const source = new OwnedBuffer('ab');
    const target = new OwnedBuffer(big(1));
    target.move(source, 1);
    source.add('c');
    target.add('d');
    expect(source.toString()).toBe('bc');
    expect(target.length).toBe(COPY_THRESHOLD * 2 + 2);
    expect(target.copyOut(COPY_THRESHOLD * 2, 2).toString()).toBe('ad');
  });
});

describe('copyOut', () => {
  it('peeks at a range across slices without draining', () => {
    const buffer = sliced('abc', 'def', 'ghi');
    expect(buffer.copyOut(2, 5).toString()).toBe('cdefg');
    expect(buffer.length).toBe(9);
  });

  it('copies into a given target at an offset', () => {
    const buffer = sliced('abc', 'def');
    const target = new Uint8Array(8);
    expect(buffer.copyOut(1, 4, target, 2)).toBe(target);
    expect(Buffer.from(target).toString('latin1')).toBe('\0\0bcde\0\0');
  });

  it('copies long runs too', () => {
    const a = big(1, 1000);
    const b = big(2, 1000);
    const buffer = new OwnedBuffer(a);
    buffer.add(b);
    const out = buffer.copyOut(900, 200);
    expect(out.subarray(0, 100).every((x) => x === 1)).toBe(true);
    expect(out.subarray(100).every((x) => x === 2)).toBe(true);
  });
});

describe('linearize', () => {
  it('returns a view of the first slice without copying when it is long enough', () => {
    const chunk = big(4);
    const buffer = new OwnedBuffer(chunk);
    buffer.add(big(5));
    const view = buffer.linearize(10);
    expect(view.buffer).toBe(chunk.buffer);
    expect(view.length).toBe(10);
    expect(buffer.sliceCount).toBe(2);
  });

  it('joins bytes spread over slices and keeps them as one slice', () => {
    const buffer = sliced('ab', 'cd', 'ef');
    expect(buffer.sliceCount).toBe(1);
    const spread = new OwnedBuffer(big(1, COPY_THRESHOLD));
    spread.add(big(2, COPY_THRESHOLD));
    spread.add(big(3, COPY_THRESHOLD));
    const joined = spread.linearize(COPY_THRESHOLD + 10);
    expect(joined.length).toBe(COPY_THRESHOLD + 10);
    expect(joined[COPY_THRESHOLD - 1]).toBe(1);
    expect(joined[COPY_THRESHOLD]).toBe(2);
    expect(spread.sliceCount).toBe(3);
    expect(spread.frontSlice()).toBe(joined);
    expect(spread.linearize(COPY_THRESHOLD + 10)).toBe(joined);
    expect(spread.length).toBe(COPY_THRESHOLD * 3);
  });

  it('returns an empty buffer for zero bytes', () => {
    expect(new OwnedBuffer().linearize(0).length).toBe(0);
  });
});

describe('search and startsWith', () => {
  it('finds a needle inside one slice', () => {
    const buffer = sliced('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(buffer.search('\r\n')).toBe(14);
    expect(buffer.search('\r\n', 15)).toBe(23);
    expect(buffer.search('\r\n\r\n')).toBe(23);
    expect(buffer.search('nope')).toBe(-1);
  });

  it('finds a needle that spans slices', () => {
    const at = COPY_THRESHOLD * 2;
    const buffer = new OwnedBuffer(Buffer.concat([big(0x61), Buffer.from('\r')]));
    buffer.add(Buffer.concat([Buffer.from('x\r'), big(0x62), Buffer.from('\r')]));
    buffer.add(Buffer.concat([Buffer.from('\n'), big(0x63)]));
    const crlf = Buffer.from('\r\n');
    expect(buffer.sliceCount).toBe(3);
    const second = at + 1 + 2 + at;
    expect(buffer.search(crlf)).toBe(second);
    expect(buffer.search(crlf, second)).toBe(second);
    expect(buffer.search(crlf, second + 1)).toBe(-1);
    expect(buffer.search(crlf, 0, second + 1)).toBe(-1);
    expect(buffer.search(crlf, 0, second + 2)).toBe(second);
    expect(buffer.search('\r')).toBe(at);
  });

  it('finds a needle spanning three slices and respects maxLength', () => {
    const buffer = new OwnedBuffer();
    buffer.add(Buffer.concat([big(0x20), Buffer.from('ab')]));
    buffer.add(Buffer.from('c'));
    buffer.prepend(Buffer.from('zz'));
    buffer.add(Buffer.concat([Buffer.from('de'), big(0x20)]));
    const at = 2 + COPY_THRESHOLD * 2;
    expect(buffer.search('abcde')).toBe(at);
    expect(buffer.search('abcde', at)).toBe(at);
    expect(buffer.search('abcde', at + 1)).toBe(-1);
    expect(buffer.search('abcde', 0, at + 5)).toBe(at);
    expect(buffer.search('abcde', 0, at + 4)).toBe(-1);
    expect(buffer.search('', 3)).toBe(3);
    expect(buffer.search('a', buffer.length + 1)).toBe(-1);
  });

  it('does not find bytes that lie past the end of a slice in the same memory', () => {
    const memory = Buffer.from(`${'-'.repeat(COPY_THRESHOLD)}\r\n`);
    const source = new OwnedBuffer(memory);
    const buffer = new OwnedBuffer();
    buffer.move(source, COPY_THRESHOLD);
    expect(buffer.search('\r\n')).toBe(-1);
    expect(buffer.search('\r')).toBe(-1);
  });

  it('checks prefixes across slices', () => {
    const buffer = new OwnedBuffer(Buffer.from('GE'));
    buffer.prepend(Buffer.from(''));
    buffer.add(big(0x54));
    expect(buffer.startsWith('GET')).toBe(true);
    expect(buffer.startsWith('GEX')).toBe(false);
    expect(buffer.startsWith('')).toBe(true);
    expect(new OwnedBuffer('ab').startsWith('abc')).toBe(false);
  });
});

describe('toString, toBuffer and slices', () => {
  it('decodes a character split across slices', () => {
    const euro = Buffer.from('€');
    const buffer = new OwnedBuffer(Buffer.concat([big(0x61), euro.subarray(0, 1)]));
    buffer.add(Buffer.concat([euro.subarray(1), big(0x61)]));
    expect(buffer.sliceCount).toBe(2);
    expect(buffer.toString()).toBe(
      `${'a'.repeat(COPY_THRESHOLD * 2)}€${'a'.repeat(COPY_THRESHOLD * 2)}`,
    );
    expect(buffer.toString('hex').slice(COPY_THRESHOLD * 4, COPY_THRESHOLD * 4 + 6)).toBe(
      euro.toString('hex'),
    );
  });

  it('toBuffer returns a copy the caller owns', () => {
    const chunk = big(1);
    const buffer = new OwnedBuffer(chunk);
    const copy = buffer.toBuffer();
    copy[0] = 99;
    expect(chunk[0]).toBe(1);
    expect(new OwnedBuffer().toBuffer().length).toBe(0);
  });

  it('hands out slices in order, as an array or an iterator', () => {
    const buffer = new OwnedBuffer(big(1));
    buffer.add(big(2));
    buffer.add('tail');
    const views = buffer.getRawSlices();
    expect(views.map((v) => v[0])).toEqual([1, 2, 't'.charCodeAt(0)]);
    expect(buffer.getRawSlices(2)).toHaveLength(2);
    expect([...buffer].map((v) => v.length)).toEqual(views.map((v) => v.length));
    expect(Buffer.concat(views).equals(buffer.toBuffer())).toBe(true);
    expect(new OwnedBuffer().frontSlice().length).toBe(0);
  });
});

describe('replace', () => {
  it('replaces a range in the middle', () => {
    const buffer = sliced('hello', ' big ', 'world');
    buffer.replace(5, 5, ', ');
    expect(buffer.toString()).toBe('hello, world');
  });

  it('appends, prepends, swaps the whole and deletes', () => {
    const buffer = new OwnedBuffer('body');
    buffer.replace(4, 0, '!');
    buffer.replace(0, 0, '<');
    expect(buffer.toString()).toBe('<body!');
    buffer.replace(0, buffer.length, 'new');
    expect(buffer.toString()).toBe('new');
    buffer.replace(1, 1, '');
    expect(buffer.toString()).toBe('nw');
  });

  it('splits a large slice without copying it', () => {
    const chunk = Buffer.from('x'.repeat(COPY_THRESHOLD * 2));
    const buffer = new OwnedBuffer(chunk);
    buffer.replace(10, 5, 'abc');
    const views = buffer.getRawSlices();
    expect(views).toHaveLength(3);
    expect(views[0]?.buffer).toBe(chunk.buffer);
    expect(views[2]?.buffer).toBe(chunk.buffer);
    expect(buffer.length).toBe(chunk.length - 2);
  });
});

describe('a buffer instance that is not an OwnedBuffer', () => {
  /** A minimal other implementation: one Buffer, re-made on every change. */
  class FlatBuffer {
    data = Buffer.alloc(0);
    get length() {
      return this.data.length;
    }
    getRawSlices() {
      return this.data.length === 0 ? [] : [this.data];
    }
    drain(size: number) {
      this.data = this.data.subarray(size);
    }
  }

  it('is copied from by add, move and prepend', () => {
    const flat = new FlatBuffer();
    flat.data = Buffer.from('abcdef');
    const other = flat as unknown as BufferInstance;
    const buffer = new OwnedBuffer();
    buffer.add(other);
    expect(buffer.toString()).toBe('abcdef');
    buffer.move(other, 2);
    expect(buffer.toString()).toBe('abcdefab');
    expect(flat.data.toString()).toBe('cdef');
    buffer.prepend(other);
    expect(buffer.toString()).toBe('cdefabcdefab');
    expect(flat.length).toBe(0);
  });
});
