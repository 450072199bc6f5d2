import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BufferErrorCode,
  OwnedBuffer,
  WatermarkBuffer,
  type WatermarkCallbacks,
} from '../src/index.ts';

/** Records every callback, in order, with the buffer's length at the time. */
class Recorder implements WatermarkCallbacks {
  readonly events: string[] = [];
  buffer: WatermarkBuffer | null = null;

  onAboveHighWatermark(): void {
    this.events.push(`above@${this.buffer?.length}`);
  }

  onBelowLowWatermark(): void {
    this.events.push(`below@${this.buffer?.length}`);
  }

  onAboveOverflowWatermark(): void {
    this.events.push(`overflow@${this.buffer?.length}`);
  }
}

function watched(highWatermark: number, overflowMultiplier = 0) {
  const recorder = new Recorder();
  const buffer = new WatermarkBuffer(recorder, { highWatermark, overflowMultiplier });
  recorder.buffer = buffer;
  return { buffer, events: recorder.events };
}

describe('WatermarkBuffer', () => {
  it('defaults the low watermark to half the high one, as Envoy does', () => {
    const { buffer } = watched(11);
    expect(buffer.highWatermark).toBe(11);
    expect(buffer.lowWatermark).toBe(5);
    expect(buffer.overflowWatermark).toBe(0);
  });

  it('calls above once when the length exceeds high, and below once at low or under', () => {
    const { buffer, events } = watched(10);
    buffer.add('0123456789');
    expect(events).toEqual([]);
    buffer.add('a');
    buffer.add('bcd');
    expect(events).toEqual(['above@11']);
    expect(buffer.highWatermarkTriggered).toBe(true);
    buffer.drain(8); // 6: between the watermarks
    expect(events).toEqual(['above@11']);
    buffer.add('xxxxxx'); // 12: still above, already reported
    buffer.drain(7); // 5: at the low watermark
    expect(events).toEqual(['above@11', 'below@5']);
    buffer.drain(5);
    expect(events).toEqual(['above@11', 'below@5']);
    expect(buffer.highWatermarkTriggered).toBe(false);
  });

  it('sees crossings made by move, prepend, replace, linearize and clear on either side', () => {
    const { buffer, events } = watched(4);
    const other = new OwnedBuffer('123456');
    buffer.move(other, 5);
    expect(events).toEqual(['above@5']);
    const sink = new OwnedBuffer();
    sink.move(buffer, 3);
    expect(events).toEqual(['above@5', 'below@2']);
    buffer.prepend(new OwnedBuffer('abc'));
    expect(events).toEqual(['above@5', 'below@2', 'above@5']);
    buffer.replace(0, 5, 'z');
    expect(events).toEqual(['above@5', 'below@2', 'above@5', 'below@1']);
    buffer.add('xxxx');
    buffer.linearize(5);
    buffer.clear();
    expect(events.slice(4)).toEqual(['above@5', 'below@0']);
    // The source side of a prepend and of a move is watched too.
    buffer.add('12345');
    const target = new OwnedBuffer();
    target.prepend(buffer);
    expect(events.slice(6)).toEqual(['above@5', 'below@0']);
  });

  it('reacts to new watermarks at once', () => {
    const { buffer, events } = watched(0);
    buffer.add('0123456789');
    expect(events).toEqual([]);
    buffer.setWatermarks(8);
    expect(events).toEqual(['above@10']);
    buffer.setWatermarks(30); // low 15: the length is now under it
    expect(events).toEqual(['above@10', 'below@10']);
    buffer.setWatermarks(20);
    expect(events).toEqual(['above@10', 'below@10']);
    buffer.setWatermarks(4);
    buffer.setWatermarks(0);
    expect(events).toEqual(['above@10', 'below@10', 'above@10', 'below@10']);
    buffer.add('more');
    expect(events).toHaveLength(4);
  });

  it('takes an explicit low watermark and checks it is below the high one', () => {
    const recorder = new Recorder();
    const buffer = new WatermarkBuffer(recorder, { highWatermark: 10, lowWatermark: 2 });
    recorder.buffer = buffer;
    buffer.add('01234567890');
    buffer.drain(8);
    expect(recorder.events).toEqual(['above@11']);
    buffer.drain(1);
    expect(recorder.events).toEqual(['above@11', 'below@2']);
    expect(() => buffer.setWatermarks(10, { lowWatermark: 10 })).toThrow(
      expect.objectContaining({ code: BufferErrorCode.InvalidWatermark }),
    );
    expect(() => buffer.setWatermarks(-1)).toThrow(
      expect.objectContaining({ code: BufferErrorCode.InvalidWatermark }),
    );
    expect(() => buffer.setWatermarks(10, { overflowMultiplier: 1.5 })).toThrow(
      expect.objectContaining({ code: BufferErrorCode.InvalidWatermark }),
    );
  });

  it('calls overflow once in its life, above high times the multiplier', () => {
    const { buffer, events } = watched(4, 2);
    expect(buffer.overflowWatermark).toBe(8);
    buffer.add('12345678');
    expect(events).toEqual(['above@8']);
    buffer.add('9');
    expect(events).toEqual(['above@8', 'overflow@9']);
    expect(buffer.overflowWatermarkTriggered).toBe(true);
    buffer.clear();
    buffer.add('0123456789');
    expect(events).toEqual(['above@8', 'overflow@9', 'below@0', 'above@10']);
    // Omitting the multiplier keeps the one set before.
    buffer.setWatermarks(6);
    expect(buffer.overflowWatermark).toBe(12);
  });

  it('jumps straight past high and overflow in one add, calling each once in order', () => {
    const { buffer, events } = watched(2, 3);
    buffer.add('0123456789');
    expect(events).toEqual(['above@10', 'overflow@10']);
  });

  it('works without an overflow callback', () => {
    const above: number[] = [];
    const buffer = new WatermarkBuffer(
      {
        onAboveHighWatermark: () => above.push(buffer.length),
        onBelowLowWatermark: () => {},
      },
      { highWatermark: 1, overflowMultiplier: 2 },
    );
    buffer.add('xyz');
    expect(above).toEqual([3]);
    expect(buffer.overflowWatermarkTriggered).toBe(true);
  });

  it('lets a callback change the buffer and reports the crossing that causes', () => {
    const events: string[] = [];
    const callbacks: WatermarkCallbacks = {
      onAboveHighWatermark() {
        events.push(`above@${buffer.length}`);
        buffer.drain(buffer.length);
      },
      onBelowLowWatermark() {
        events.push(`below@${buffer.length}`);
      },
    };
    const buffer: WatermarkBuffer = new WatermarkBuffer(callbacks, { highWatermark: 3 });
    buffer.add('abcdef');
    expect(events).toEqual(['above@6', 'below@0']);
    expect(buffer.highWatermarkTriggered).toBe(false);
  });
});

describe('WatermarkBuffer callback counts against a model', () => {
  type Op =
    | { kind: 'add'; size: number }
    | { kind: 'drain'; frac: number }
    | { kind: 'moveIn'; size: number }
    | { kind: 'moveOut'; frac: number }
    | { kind: 'set'; high: number; multiplier: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), size: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ kind: fc.constant('drain' as const), frac: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ kind: fc.constant('moveIn' as const), size: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ kind: fc.constant('moveOut' as const), frac: fc.integer({ min: 0, max: 100 }) }),
    fc.record({
      kind: fc.constant('set' as const),
      high: fc.integer({ min: 0, max: 50 }),
      multiplier: fc.integer({ min: 0, max: 3 }),
    }),
  );

  it('calls above and below exactly once per crossing, alternately', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.array(op, { maxLength: 60 }), (high, ops) => {
        const recorder = new Recorder();
        const buffer = new WatermarkBuffer(recorder, { highWatermark: high });
        recorder.buffer = buffer;
        const sink = new OwnedBuffer();
        // The model: a length, watermarks, and whether we are above.
        let length = 0;
        let modelHigh = high;
        let modelMultiplier = 0;
        let above = false;
        let overflowed = false;
        const expected: string[] = [];
        const check = () => {
          const low = Math.floor(modelHigh / 2);
          if (above && (modelHigh === 0 || length <= low)) {
            above = false;
            expected.push(`below@${length}`);
          } else if (!above && modelHigh !== 0 && length > modelHigh) {
            above = true;
            expected.push(`above@${length}`);
          }
          const overflow = modelHigh * modelMultiplier;
          if (overflow !== 0 && !overflowed && length > overflow) {
            overflowed = true;
            expected.push(`overflow@${length}`);
          }
        };
        for (const o of ops) {
          switch (o.kind) {
            case 'add':
              buffer.add(Buffer.alloc(o.size, 1));
              length += o.size;
              break;
            case 'drain': {
              const n = Math.floor((o.frac * length) / 100);
              buffer.drain(n);
              length -= n;
              break;
            }
            case 'moveIn':
              buffer.move(new OwnedBuffer(Buffer.alloc(o.size, 2)));
              length += o.size;
              break;
            case 'moveOut': {
              const n = Math.floor((o.frac * length) / 100);
              sink.move(buffer, n);
              length -= n;
              break;
            }
            case 'set':
              buffer.setWatermarks(o.high, { overflowMultiplier: o.multiplier });
              modelHigh = o.high;
              modelMultiplier = o.multiplier;
              break;
          }
          check();
          expect(recorder.events).toEqual(expected);
          expect(buffer.length).toBe(length);
          expect(buffer.highWatermarkTriggered).toBe(above);
        }
        // Crossings alternate: never two aboves or two belows in a row.
        const edges = recorder.events.filter((e) => !e.startsWith('overflow'));
        edges.forEach((e, i) => {
          expect(e.startsWith(i % 2 === 0 ? 'above' : 'below')).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});
