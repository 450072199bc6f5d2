import { setImmediate as nextTurn } from 'node:timers/promises';
import { startWorkers } from '@nuncio/dispatcher';
import { describe, expect, it } from 'vitest';
import { SharedTable, ThreadLocalErrorCode } from '../src/index.ts';

const endpointSchema = {
  address: 'string',
  port: 'u16',
  weight: 'u32',
  health: 'u8',
  load: 'f64',
  delta: 'i32',
} as const;

function endpoints(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    address: i % 7 === 0 ? `hôte-${i}.example` : `10.0.${(i >> 8) & 255}.${i & 255}`,
    port: 8000 + (i % 1000),
    weight: i * 3,
    health: i % 2,
    load: i / 7,
    delta: i === 0 ? 0 : -i,
  }));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('SharedTable', () => {
  it('stores every column type and reads rows back as they were', () => {
    const rows = endpoints(300);
    const table = SharedTable.build(endpointSchema, rows);
    expect(table.length).toBe(300);
    expect(table.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const i of [0, 1, 7, 255, 299]) expect(table.row(i)).toEqual(rows[i]);
    expect(table.string('address', 7)).toBe('hôte-7.example');
    expect(Array.from(table.column('port').subarray(0, 3))).toEqual([8000, 8001, 8002]);
    expect(table.column('load')).toBeInstanceOf(Float64Array);
    expect(table.column('delta')[5]).toBe(-5);
  });

  it('wraps its data without copying: views over the same shared buffer', () => {
    const table = SharedTable.build(endpointSchema, endpoints(10));
    const copy = SharedTable.from(structuredClone(table.data));
    // structuredClone shares a SharedArrayBuffer's memory, as postMessage does: a byte written
    // through one is read through the other (tables are never written: this is the test's own).
    const probe = new Uint8Array(copy.data.buffer);
    const original = new Uint8Array(table.data.buffer);
    const last = probe.length - 1;
    probe[last] = (original[last] as number) ^ 0xff;
    expect(original[last]).toBe(probe[last]);
    expect(copy.column('weight').buffer).toBe(copy.data.buffer);
  });

  it('is read in place by another thread', async () => {
    const table = SharedTable.build({ value: 'u32' }, [{ value: 41 }, { value: 42 }]);
    const pool = await startWorkers({
      concurrency: 1,
      modules: [new URL('./fixtures/table-reader.ts', import.meta.url)],
    });
    try {
      const worker = pool.workers[0];
      const read = await worker?.dispatcher.call('sumTable', table.data);
      expect(read).toEqual({ sum: 83, shared: true });
    } finally {
      await pool.shutdown();
    }
  });

  it('handles an empty table and empty strings', () => {
    const empty = SharedTable.build({ name: 'string', n: 'u8' }, []);
    expect(empty.length).toBe(0);
    const blank = SharedTable.build({ name: 'string' }, [
      { name: '' },
      { name: 'x' },
      { name: '' },
    ]);
    expect([0, 1, 2].map((i) => blank.string('name', i))).toEqual(['', 'x', '']);
  });

  it('rejects bad schemas and values, naming the row and column', () => {
    expect(codeOf(() => SharedTable.build({}, []))).toBe(ThreadLocalErrorCode.TableInvalidSchema);
    expect(codeOf(() => SharedTable.build({ a: 'u64' } as never, []))).toBe(
      ThreadLocalErrorCode.TableInvalidSchema,
    );
    const cases: [Record<string, string>, unknown, unknown][] = [
      [{ v: 'u8' }, 255, 256],
      [{ v: 'u8' }, 0, -1],
      [{ v: 'u16' }, 65_535, 1.5],
      [{ v: 'u32' }, 2 ** 32 - 1, 2 ** 32],
      [{ v: 'i32' }, -(2 ** 31), 2 ** 31],
      [{ v: 'f64' }, -1.5, '1'],
      [{ v: 'string' }, 'ok', 1],
    ];
    for (const [schema, good, value] of cases) {
      let error: { code?: string; message?: string } | undefined;
      try {
        SharedTable.build(schema as never, [{ v: good }, { v: value }] as never);
      } catch (caught) {
        error = caught as typeof error;
      }
      expect(error?.code, `${JSON.stringify(schema)} ${String(value)}`).toBe(
        ThreadLocalErrorCode.TableInvalidValue,
      );
      expect(error?.message).toContain('row 1, column "v"');
    }
    const table = SharedTable.build({ v: 'u8', s: 'string' }, [{ v: 1, s: 'a' }]);
    expect(codeOf(() => table.column('s' as never))).toBe(ThreadLocalErrorCode.InvalidArgument);
    expect(codeOf(() => table.string('v' as never, 0))).toBe(ThreadLocalErrorCode.InvalidArgument);
    expect(codeOf(() => table.row(1))).toBe(ThreadLocalErrorCode.InvalidArgument);
    expect(codeOf(() => SharedTable.from({} as never))).toBe(ThreadLocalErrorCode.InvalidArgument);
  });

  it('builds in slices with buildAsync, letting the event loop run in between', async () => {
    const rows = endpoints(60_000);
    let turns = 0;
    let counting = true;
    const tick = async () => {
      while (counting) {
        turns++;
        await nextTurn();
      }
    };
    const ticking = tick();
    const table = await SharedTable.buildAsync(endpointSchema, rows, { sliceMs: 0.5 });
    counting = false;
    await ticking;
    // The loop ran between slices (a synchronous build would leave no turn for the ticker).
    expect(turns).toBeGreaterThan(1);
    expect(table.row(59_999)).toEqual(rows[59_999]);
    expect(table.row(12_345)).toEqual(rows[12_345]);
    expect(SharedTable.build(endpointSchema, rows).data.buffer.byteLength).toBe(
      table.data.buffer.byteLength,
    );
    await expect(SharedTable.buildAsync({ v: 'u8' }, [], { sliceMs: 0 })).rejects.toMatchObject({
      code: ThreadLocalErrorCode.InvalidArgument,
    });
  });
});
