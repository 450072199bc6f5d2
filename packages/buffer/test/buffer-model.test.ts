// Property tests: random sequences of operations on two buffers, checked after every step against a
// plain byte-array model. Bytes come from a four-letter alphabet so that searches find matches, and
// chunk sizes straddle the copy threshold so that both packed and referenced slices occur.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COPY_THRESHOLD } from '../src/buffer-impl.ts';
import { OwnedBuffer } from '../src/index.ts';

type Which = 0 | 1;

type Op =
  | { kind: 'add'; which: Which; data: Uint8Array | string }
  | { kind: 'addBuffer'; which: Which }
  | { kind: 'prepend'; which: Which; data: Uint8Array | string }
  | { kind: 'prependBuffer'; which: Which }
  | { kind: 'drain'; which: Which; n: number }
  | { kind: 'move'; which: Which; n: number; all: boolean }
  | { kind: 'linearize'; which: Which; n: number }
  | { kind: 'copyOut'; which: Which; start: number; n: number }
  | { kind: 'search'; which: Which; needle: Uint8Array; from: number; start: number; max: number }
  | { kind: 'startsWith'; which: Which; prefix: Uint8Array; fromModel: number }
  | { kind: 'replace'; which: Which; start: number; n: number; data: Uint8Array }
  | { kind: 'clear'; which: Which };

const which = fc.constantFrom<Which>(0, 1);
/**
 * A fraction picked as an integer, scaled to the buffer's length when the op runs; the whole
 * length is picked often, since "all of it" takes its own paths.
 */
const frac = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(1000));

const bytes = (minLength: number, maxLength: number) =>
  fc.uint8Array({ min: 0x61, max: 0x64, minLength, maxLength });

/** Chunk sizes: tiny, around the copy threshold, and well above it. */
const chunk = fc.oneof(
  { weight: 4, arbitrary: bytes(0, 16) },
  { weight: 2, arbitrary: bytes(COPY_THRESHOLD - 8, COPY_THRESHOLD + 8) },
  { weight: 1, arbitrary: bytes(COPY_THRESHOLD + 9, 3 * COPY_THRESHOLD) },
  // A view into a larger allocation, so slices do not always start at offset 0 of their memory.
  {
    weight: 1,
    arbitrary: bytes(COPY_THRESHOLD, 2 * COPY_THRESHOLD).map((b) =>
      Buffer.from(b.buffer, 3, b.length - 6),
    ),
  },
);
const data = fc.oneof(
  { weight: 4, arbitrary: chunk },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 40 }) },
);

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), which, data }),
  fc.record({ kind: fc.constant('addBuffer' as const), which }),
  fc.record({ kind: fc.constant('prepend' as const), which, data }),
  fc.record({ kind: fc.constant('prependBuffer' as const), which }),
  fc.record({ kind: fc.constant('drain' as const), which, n: frac }),
  fc.record({ kind: fc.constant('move' as const), which, n: frac, all: fc.boolean() }),
  fc.record({ kind: fc.constant('linearize' as const), which, n: frac }),
  fc.record({ kind: fc.constant('copyOut' as const), which, start: frac, n: frac }),
  fc.record({
    kind: fc.constant('search' as const),
    which,
    needle: bytes(0, 6),
    from: fc.integer({ min: -1, max: 1000 }),
    start: frac,
    // -1: no maxLength; -2 / -3: a window that ends one byte before / exactly at the end of the
    // needle's first occurrence after `start`; otherwise the maxLength itself.
    max: fc.oneof(fc.integer({ min: -3, max: -1 }), fc.integer({ min: 0, max: 1000 })),
  }),
  fc.record({
    kind: fc.constant('startsWith' as const),
    which,
    prefix: bytes(0, 4),
    fromModel: fc.integer({ min: -1, max: 20 }),
  }),
  fc.record({ kind: fc.constant('replace' as const), which, start: frac, n: frac, data: chunk }),
  fc.record({ kind: fc.constant('clear' as const), which }),
);

const scale = (f: number, n: number) => Math.floor((f * n) / 1000);

const bytesOf = (value: Uint8Array | string) =>
  typeof value === 'string' ? [...Buffer.from(value)] : [...value];

function modelSearch(model: number[], needle: number[], start: number, end: number): number {
  for (let i = start; i + needle.length <= end; i++) {
    let k = 0;
    while (k < needle.length && model[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

/** A view handed out by the buffer and the bytes it held then: they must never change. */
type Handed = { view: Buffer; bytes: number[] };

function run(ops: Op[]): void {
  const buffers = [new OwnedBuffer(), new OwnedBuffer()] as const;
  const models: [number[], number[]] = [[], []];
  const handed: Handed[] = [];
  const hand = (view: Buffer) => handed.push({ view, bytes: [...view] });
  for (const o of ops) {
    const b = buffers[o.which];
    const other = buffers[o.which === 0 ? 1 : 0];
    const m = models[o.which];
    const om = models[o.which === 0 ? 1 : 0];
    switch (o.kind) {
      case 'add':
        b.add(o.data);
        m.push(...bytesOf(o.data));
        break;
      case 'addBuffer':
        b.add(other);
        m.push(...om);
        break;
      case 'prepend':
        b.prepend(o.data);
        m.unshift(...bytesOf(o.data));
        break;
      case 'prependBuffer':
        b.prepend(other);
        m.unshift(...om.splice(0));
        break;
      case 'drain': {
        const n = scale(o.n, m.length);
        b.drain(n);
        m.splice(0, n);
        break;
      }
      case 'move': {
        // Moves from the other buffer into this one.
        const n = o.all ? om.length : scale(o.n, om.length);
        if (o.all) b.move(other);
        else b.move(other, n);
        m.push(...om.splice(0, n));
        break;
      }
      case 'linearize': {
        const n = scale(o.n, m.length);
        const view = b.linearize(n);
        expect([...view]).toEqual(m.slice(0, n));
        hand(view);
        break;
      }
      case 'copyOut': {
        const start = scale(o.start, m.length);
        const n = scale(o.n, m.length - start);
        expect([...b.copyOut(start, n)]).toEqual(m.slice(start, start + n));
        break;
      }
      case 'search': {
        // Half the time search for bytes taken from the model, so that matches are common.
        const needle =
          o.from >= 0 && m.length > 0
            ? m.slice(scale(o.from, m.length), scale(o.from, m.length) + o.needle.length)
            : [...o.needle];
        const start = scale(o.start, m.length + 1);
        const planted = modelSearch(m, needle, start, m.length);
        let max: number | undefined = o.max < 0 ? undefined : o.max;
        if (o.max < -1 && planted !== -1 && needle.length > 0)
          max = planted + needle.length - start - (o.max === -2 ? 1 : 0);
        const end = max === undefined ? m.length : Math.min(m.length, start + max);
        // An empty needle is found at `start`, unless `start` is past the end.
        const expected =
          needle.length === 0
            ? start <= m.length
              ? start
              : -1
            : modelSearch(m, needle, start, end);
        expect(b.search(Buffer.from(needle), start, max)).toBe(expected);
        break;
      }
      case 'startsWith': {
        const prefix = o.fromModel >= 0 ? m.slice(0, o.fromModel) : [...o.prefix];
        const expected = prefix.length <= m.length && prefix.every((x, i) => m[i] === x);
        expect(b.startsWith(Uint8Array.from(prefix))).toBe(expected);
        break;
      }
      case 'replace': {
        const start = scale(o.start, m.length);
        const n = scale(o.n, m.length - start);
        b.replace(start, n, o.data);
        m.splice(start, n, ...o.data);
        break;
      }
      case 'clear':
        b.clear();
        m.length = 0;
        break;
    }
    for (const i of [0, 1] as const) {
      const buffer = buffers[i];
      expect(buffer.length).toBe(models[i].length);
      const views = buffer.getRawSlices();
      expect(views.length).toBe(buffer.sliceCount);
      // No empty slices are kept.
      expect(views.every((v) => v.length > 0)).toBe(true);
      expect([...Buffer.concat(views)]).toEqual(models[i]);
      const first = views[0];
      if (first !== undefined && handed.length < 64) hand(first);
    }
  }
  expect(buffers[0].toString('latin1')).toBe(Buffer.from(models[0]).toString('latin1'));
  expect([...buffers[1].toBuffer()]).toEqual(models[1]);
  // Views handed out earlier still hold the bytes they held: storage is never written over.
  for (const { view, bytes } of handed) expect([...view]).toEqual(bytes);
}

describe('OwnedBuffer against a byte-array model', () => {
  it('matches the model after every operation of random sequences', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => run(ops)),
      { numRuns: 300 },
    );
  }, 120_000); // hundreds of sequences checked byte by byte: seconds when idle, longer when busy

  it('finds every occurrence of a needle planted across slice boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(chunk, { minLength: 1, maxLength: 8 }),
        bytes(1, 8),
        fc.nat(),
        (chunks, needle, at) => {
          const buffer = new OwnedBuffer();
          const model: number[] = [];
          for (const c of chunks) {
            buffer.add(c);
            model.push(...c);
          }
          const offset = at % (model.length + 1);
          buffer.replace(offset, 0, needle);
          model.splice(offset, 0, ...needle);
          const needleBuffer = Buffer.from(needle);
          // Windows ending one byte short of the planted needle, and exactly at its end.
          const end = offset + needle.length;
          expect(buffer.search(needleBuffer, 0, end - 1)).toBe(
            modelSearch(model, [...needle], 0, end - 1),
          );
          expect(buffer.search(needleBuffer, 0, end)).toBe(modelSearch(model, [...needle], 0, end));
          let from = 0;
          for (let found = 0; found < 50; found++) {
            const expected = modelSearch(model, [...needle], from, model.length);
            expect(buffer.search(needleBuffer, from)).toBe(expected);
            if (expected === -1) break;
            from = expected + 1;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
