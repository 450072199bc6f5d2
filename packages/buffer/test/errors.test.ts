import { describe, expect, it } from 'vitest';
import {
  type BufferData,
  BufferError,
  BufferErrorCode,
  type BufferInstance,
  OwnedBuffer,
} from '../src/index.ts';

function thrown(fn: () => unknown): BufferError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BufferError);
    return error as BufferError;
  }
  throw new Error('expected a throw');
}

describe('errors', () => {
  const buffer = () => new OwnedBuffer('abcdef');

  it('rejects ranges past the end, naming the operation and the sizes', () => {
    const cases: [() => unknown, string][] = [
      [() => buffer().drain(7), 'drain'],
      [() => buffer().copyOut(4, 3), 'copyOut'],
      [() => buffer().linearize(7), 'linearize'],
      [() => buffer().replace(5, 2, 'x'), 'replace'],
      [() => new OwnedBuffer().move(buffer(), 7), 'move'],
    ];
    for (const [fn, operation] of cases) {
      const error = thrown(fn);
      expect(error.code).toBe(BufferErrorCode.OutOfRange);
      expect(error.message).toContain(operation);
      expect(error.message).toContain('6');
    }
  });

  it('rejects negative, fractional and non-numeric sizes', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '2' as unknown as number]) {
      for (const fn of [
        () => buffer().drain(bad),
        () => buffer().copyOut(bad, 1),
        () => buffer().copyOut(0, bad),
        () => buffer().linearize(bad),
        () => buffer().search('a', bad),
        () => buffer().getRawSlices(Number.isFinite(bad) ? bad : -1),
        () => new OwnedBuffer().move(buffer(), bad),
      ]) {
        const error = thrown(fn);
        expect(error.code).toBe(BufferErrorCode.InvalidSize);
        expect(error.message).toMatch(/must be a non-negative integer/);
      }
    }
    expect(thrown(() => buffer().search('a', 0, -2)).code).toBe(BufferErrorCode.InvalidSize);
    // Infinity means "no limit" where a limit is optional, and is a bad size everywhere else.
    expect(buffer().getRawSlices(Number.POSITIVE_INFINITY)).toHaveLength(1);
    expect(buffer().search('f', 0, Number.POSITIVE_INFINITY)).toBe(5);
  });

  it('rejects data of the wrong type', () => {
    for (const fn of [
      () => buffer().add(42 as unknown as BufferData),
      () => buffer().prepend(null as unknown as BufferData),
      () => buffer().move({} as BufferInstance),
      () => buffer().search(7 as unknown as string),
      () => buffer().copyOut(0, 1, [] as unknown as Uint8Array),
    ]) {
      const error = thrown(fn);
      expect(error.code).toBe(BufferErrorCode.InvalidData);
      expect(error.message).toMatch(/expected .*, got/);
    }
  });

  it('rejects moving or prepending a buffer into itself', () => {
    const b = buffer();
    expect(thrown(() => b.move(b)).code).toBe(BufferErrorCode.SelfMove);
    expect(thrown(() => b.prepend(b)).code).toBe(BufferErrorCode.SelfMove);
    expect(b.toString()).toBe('abcdef');
  });

  it('rejects a copyOut target without room', () => {
    const error = thrown(() => buffer().copyOut(0, 4, new Uint8Array(5), 2));
    expect(error.code).toBe(BufferErrorCode.TargetTooSmall);
    expect(error.message).toContain('offset 2');
  });

  it('leaves the buffer unchanged after a rejected call', () => {
    const b = buffer();
    thrown(() => b.drain(10));
    thrown(() => b.replace(3, 10, 'x'));
    expect(b.toString()).toBe('abcdef');
  });

  it('uses codes that survive structured cloning', () => {
    const error = thrown(() => buffer().drain(99));
    const copy = structuredClone({ code: error.code, message: error.message });
    expect(copy.code).toBe('NUNCIO_ERR_BUFFER_OUT_OF_RANGE');
  });
});
