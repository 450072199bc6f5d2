import { describe, expect, it } from 'vitest';
import {
  createThreadLocal,
  defineThreadLocal,
  defineThreadLocalUpdate,
  ThreadLocalErrorCode,
} from '../src/index.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('defineThreadLocal / defineThreadLocalUpdate', () => {
  it('make frozen definitions named by module URL and export name', () => {
    const initializer = defineThreadLocal(import.meta.url, 'answer', () => ({ value: 42 }));
    expect(initializer).toMatchObject({
      kind: 'initializer',
      moduleUrl: import.meta.url,
      name: 'answer',
    });
    expect(Object.isFrozen(initializer)).toBe(true);
    const update = defineThreadLocalUpdate(
      new URL(import.meta.url),
      'bump',
      (o: { value: number }) => {
        o.value++;
      },
    );
    expect(update).toMatchObject({ kind: 'update', moduleUrl: import.meta.url, name: 'bump' });
    const tls = createThreadLocal();
    try {
      const slot = tls.allocateSlot().set(initializer);
      slot.runOnAllThreads(update, undefined);
      expect(slot.get().value).toBe(43);
      // A definition of the other kind is refused.
      expect(codeOf(() => slot.set(update as never))).toBe(ThreadLocalErrorCode.InvalidArgument);
    } finally {
      tls.shutdownThread();
    }
  });

  it('reject a relative module URL, an empty name and a missing function', () => {
    expect(codeOf(() => defineThreadLocal('./x.ts', 'x', () => 1))).toBe(
      ThreadLocalErrorCode.InvalidDefinition,
    );
    expect(codeOf(() => defineThreadLocal(import.meta.url, '', () => 1))).toBe(
      ThreadLocalErrorCode.InvalidDefinition,
    );
    expect(codeOf(() => defineThreadLocalUpdate(import.meta.url, 'x', 1 as never))).toBe(
      ThreadLocalErrorCode.InvalidDefinition,
    );
  });

  it('refuse an initializer that returns undefined', () => {
    const nothing = defineThreadLocal(import.meta.url, 'nothing', () => undefined);
    const tls = createThreadLocal();
    try {
      expect(codeOf(() => tls.allocateSlot().set(nothing))).toBe(
        ThreadLocalErrorCode.InvalidArgument,
      );
    } finally {
      tls.shutdownThread();
    }
  });
});
