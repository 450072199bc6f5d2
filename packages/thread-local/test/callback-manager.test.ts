import { describe, expect, it } from 'vitest';
import { CallbackManager } from '../src/index.ts';

describe('CallbackManager', () => {
  it('runs callbacks in the order added, with the arguments given', () => {
    const manager = new CallbackManager<[name: string, n: number]>();
    const calls: string[] = [];
    manager.add((name, n) => calls.push(`first ${name} ${n}`));
    manager.add((name, n) => calls.push(`second ${name} ${n}`));
    manager.runCallbacks('a', 1);
    expect(calls).toEqual(['first a 1', 'second a 1']);
    expect(manager.size).toBe(2);
  });

  it('lets a callback remove itself or a later one while they run', () => {
    const manager = new CallbackManager();
    const calls: string[] = [];
    const handles: { remove(): void }[] = [];
    handles.push(
      manager.add(() => {
        calls.push('a');
        handles[0]?.remove();
        handles[2]?.remove();
      }),
    );
    handles.push(manager.add(() => calls.push('b')));
    handles.push(manager.add(() => calls.push('c')));
    manager.runCallbacks();
    expect(calls).toEqual(['a', 'b']);
    expect(manager.size).toBe(1);
    manager.runCallbacks();
    expect(calls).toEqual(['a', 'b', 'b']);
    handles[1]?.remove();
    handles[1]?.remove();
    expect(manager.size).toBe(0);
  });

  it('keeps a callback added during a run for the next run', () => {
    const manager = new CallbackManager();
    const calls: string[] = [];
    manager.add(() => {
      calls.push('outer');
      if (calls.length === 1) manager.add(() => calls.push('added'));
    });
    manager.runCallbacks();
    expect(calls).toEqual(['outer']);
    manager.runCallbacks();
    expect(calls).toEqual(['outer', 'outer', 'added']);
  });

  it('runs every callback when one throws, then throws the first error (or hands errors to onError)', () => {
    const manager = new CallbackManager();
    const calls: string[] = [];
    manager.add(() => {
      throw new Error('first');
    });
    manager.add(() => calls.push('after'));
    manager.add(() => {
      throw new Error('second');
    });
    expect(() => manager.runCallbacks()).toThrow('first');
    expect(calls).toEqual(['after']);

    const errors: unknown[] = [];
    const reporting = new CallbackManager({ onError: (error) => errors.push(error) });
    reporting.add(() => {
      throw new Error('reported');
    });
    reporting.runCallbacks();
    expect(errors).toHaveLength(1);
    expect(() => reporting.add('nope' as never)).toThrow(TypeError);
  });
});
