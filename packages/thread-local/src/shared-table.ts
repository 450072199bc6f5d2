import { setImmediate as nextTurn } from 'node:timers/promises';
import { invalidArgumentError, tableInvalidSchemaError, tableInvalidValueError } from './errors.ts';

/** How a `SharedTable` column stores its values. */
export type ColumnType = 'u8' | 'u16' | 'u32' | 'i32' | 'f64' | 'string';

/** A table's columns by name. */
export type TableSchema = { readonly [column: string]: ColumnType };

/** One row of a table with schema `S`, as plain values. */
export type TableRow<S extends TableSchema> = {
  [K in keyof S]: S[K] extends 'string' ? string : number;
};

/** The names of `S`'s numeric columns. */
export type NumberColumn<S extends TableSchema> = {
  [K in keyof S]: S[K] extends 'string' ? never : K;
}[keyof S] &
  string;

/** The names of `S`'s string columns. */
export type StringColumn<S extends TableSchema> = {
  [K in keyof S]: S[K] extends 'string' ? K : never;
}[keyof S] &
  string;

/** The typed array a numeric column of type `C` is read through. */
export type ColumnArray<C extends ColumnType> = C extends 'u8'
  ? Uint8Array
  : C extends 'u16'
    ? Uint16Array
    : C extends 'u32'
      ? Uint32Array
      : C extends 'i32'
        ? Int32Array
        : C extends 'f64'
          ? Float64Array
          : never;

/**
 * A table as data: what is published to a slot and cloned to each thread. The buffer is shared,
 * not copied, so the clone costs the same for ten rows or a million.
 */
export interface SharedTableData<S extends TableSchema = TableSchema> {
  readonly schema: S;
  /** Number of rows. */
  readonly length: number;
  /** Every column, one after the other. Never written after the table is built. */
  readonly buffer: SharedArrayBuffer;
  /** Byte offset of each column (of a string column: of its `length + 1` u32 end offsets). */
  readonly offsets: { readonly [K in keyof S]: number };
  /** Byte offset of each string column's UTF-8 bytes (the end offsets count from there). */
  readonly stringBytes: { readonly [K in keyof S]?: number };
}

/** A table being built in steps: see `SharedTable.builder`. */
export interface SharedTableBuilder<S extends TableSchema = TableSchema> {
  /**
   * Builds for about `sliceMs` (default: until done); returns the table once it is complete, null
   * while there is work left. `rows` must not change between steps.
   */
  step(sliceMs?: number): SharedTable<S> | null;
}

/** Options for `SharedTable.buildAsync`. */
export interface BuildAsyncOptions {
  /** Longest run of work between two turns of the event loop, in ms (default 1). */
  sliceMs?: number;
}

const ELEMENT_BYTES: Record<ColumnType, number> = {
  f64: 8,
  u32: 4,
  i32: 4,
  string: 4,
  u16: 2,
  u8: 1,
};

/** Rows between two looks at the clock while building in slices. */
const ROWS_PER_CLOCK_CHECK = 1024;

type AnyArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

function arrayFor(type: ColumnType, buffer: SharedArrayBuffer, offset: number, length: number) {
  switch (type) {
    case 'u8':
      return new Uint8Array(buffer, offset, length);
    case 'u16':
      return new Uint16Array(buffer, offset, length);
    case 'u32':
    case 'string':
      return new Uint32Array(buffer, offset, type === 'string' ? length + 1 : length);
    case 'i32':
      return new Int32Array(buffer, offset, length);
    case 'f64':
      return new Float64Array(buffer, offset, length);
  }
}

function checkSchema(schema: TableSchema): string[] {
  if (typeof schema !== 'object' || schema === null) {
    throw tableInvalidSchemaError('the schema must be an object of column types');
  }
  const names = Object.keys(schema);
  if (names.length === 0) throw tableInvalidSchemaError('it has no columns');
  for (const name of names) {
    if (!Object.hasOwn(ELEMENT_BYTES, schema[name] as string)) {
      throw tableInvalidSchemaError(
        `column "${name}" has type ${JSON.stringify(schema[name])}; types are u8, u16, u32, i32, f64 and string`,
      );
    }
  }
  // Widest elements first: every column then starts aligned for its element size.
  return names.sort(
    (a, b) => ELEMENT_BYTES[schema[b] as ColumnType] - ELEMENT_BYTES[schema[a] as ColumnType],
  );
}

/**
 * Builds a table in steps, column by column, so that `buildAsync` can yield to the event loop
 * between slices: first the byte length of every string column, then each column's values.
 */
class TableBuilder<S extends TableSchema> implements SharedTableBuilder<S> {
  private readonly schema: S;
  private readonly rows: readonly TableRow<S>[];
  private readonly columns: string[];
  private readonly stringTotals: number[];
  private column: number;
  private row: number;
  private bytesAt: number;
  private data: SharedTableData<S> | null;
  private result: SharedTable<S> | null;
  private target: AnyArray | null;
  private bytes: Buffer | null;

  constructor(schema: S, rows: readonly TableRow<S>[]) {
    this.columns = checkSchema(schema);
    if (!Array.isArray(rows)) throw invalidArgumentError('rows', rows, 'an array of rows');
    this.schema = schema;
    this.rows = rows;
    this.stringTotals = this.columns.map(() => 0);
    this.column = 0;
    this.row = 0;
    this.bytesAt = 0;
    this.data = null;
    this.result = null;
    this.target = null;
    this.bytes = null;
  }

  step(sliceMs?: number): SharedTable<S> | null {
    if (sliceMs !== undefined && !(sliceMs > 0)) {
      throw invalidArgumentError('sliceMs', sliceMs, 'a number of ms > 0');
    }
    const deadline = sliceMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + sliceMs;
    if (this.data === null) {
      if (!this.measureStrings(deadline)) return null;
      this.allocate();
    }
    if (!this.writeColumns(deadline)) return null;
    this.result ??= SharedTable.from(this.data as SharedTableData<S>);
    return this.result;
  }

  private measureStrings(deadline: number): boolean {
    const rows = this.rows;
    while (this.column < this.columns.length) {
      const name = this.columns[this.column] as string;
      if (this.schema[name] !== 'string') {
        this.column++;
        continue;
      }
      let total = this.stringTotals[this.column] as number;
      for (let i = this.row; i < rows.length; i++) {
        if (
          (i & (ROWS_PER_CLOCK_CHECK - 1)) === 0 &&
          i > this.row &&
          performance.now() > deadline
        ) {
          this.stringTotals[this.column] = total;
          this.row = i;
          return false;
        }
        const value = (rows[i] as Record<string, unknown>)[name];
        if (typeof value !== 'string') throw tableInvalidValueError(i, name, value, 'a string');
        total += Buffer.byteLength(value, 'utf8');
      }
      this.stringTotals[this.column] = total;
      this.column++;
      this.row = 0;
    }
    return true;
  }

  private allocate(): void {
    const length = this.rows.length;
    const offsets: Record<string, number> = {};
    const stringBytes: Record<string, number> = {};
    let at = 0;
    for (const name of this.columns) {
      const type = this.schema[name] as ColumnType;
      offsets[name] = at;
      at += ELEMENT_BYTES[type] * (type === 'string' ? length + 1 : length);
    }
    this.columns.forEach((name, column) => {
      if (this.schema[name] !== 'string') return;
      stringBytes[name] = at;
      at += this.stringTotals[column] as number;
    });
    this.data = {
      schema: this.schema,
      length,
      buffer: new SharedArrayBuffer(at),
      offsets: offsets as SharedTableData<S>['offsets'],
      stringBytes: stringBytes as SharedTableData<S>['stringBytes'],
    };
    this.column = 0;
    this.row = 0;
  }

  private writeColumns(deadline: number): boolean {
    const data = this.data as SharedTableData<S>;
    const rows = this.rows;
    while (this.column < this.columns.length) {
      const name = this.columns[this.column] as string;
      const type = this.schema[name] as ColumnType;
      if (this.target === null) {
        this.target = arrayFor(type, data.buffer, data.offsets[name] as number, rows.length);
        if (type === 'string') {
          const start = data.stringBytes[name] as number;
          this.bytes = Buffer.from(data.buffer, start, this.stringTotals[this.column] as number);
          this.bytesAt = 0;
        }
      }
      const done =
        type === 'string'
          ? this.writeStrings(name, deadline)
          : this.writeNumbers(name, type, deadline);
      if (!done) return false;
      this.target = null;
      this.bytes = null;
      this.column++;
      this.row = 0;
    }
    return true;
  }

  private writeNumbers(name: string, type: ColumnType, deadline: number): boolean {
    const rows = this.rows;
    const target = this.target as AnyArray;
    for (let i = this.row; i < rows.length; i++) {
      if ((i & (ROWS_PER_CLOCK_CHECK - 1)) === 0 && i > this.row && performance.now() > deadline) {
        this.row = i;
        return false;
      }
      const value = (rows[i] as Record<string, unknown>)[name] as number;
      // Each test is true exactly for the values the column stores unchanged.
      let ok: boolean;
      switch (type) {
        case 'u8':
          ok = (value & 0xff) === value;
          break;
        case 'u16':
          ok = (value & 0xffff) === value;
          break;
        case 'u32':
          ok = value >>> 0 === value;
          break;
        case 'i32':
          ok = (value | 0) === value;
          break;
        default:
          ok = typeof value === 'number';
      }
      if (!ok) throw tableInvalidValueError(i, name, value, `a ${describeType(type)}`);
      target[i] = value;
    }
    return true;
  }

  private writeStrings(name: string, deadline: number): boolean {
    const rows = this.rows;
    const ends = this.target as Uint32Array;
    const bytes = this.bytes as Buffer;
    let at = this.bytesAt;
    for (let i = this.row; i < rows.length; i++) {
      if ((i & (ROWS_PER_CLOCK_CHECK - 1)) === 0 && i > this.row && performance.now() > deadline) {
        this.row = i;
        this.bytesAt = at;
        return false;
      }
      ends[i] = at;
      at += bytes.write((rows[i] as Record<string, string>)[name] as string, at, 'utf8');
    }
    ends[rows.length] = at;
    this.bytesAt = at;
    return true;
  }
}

function describeType(type: ColumnType): string {
  switch (type) {
    case 'u8':
      return 'integer from 0 to 255';
    case 'u16':
      return 'integer from 0 to 65535';
    case 'u32':
      return 'integer from 0 to 4294967295';
    case 'i32':
      return 'integer from -2147483648 to 2147483647';
    default:
      return 'number';
  }
}

/**
 * The compact snapshot encoding: a table of typed columns in one `SharedArrayBuffer`, built once on
 * main and read by every thread in place, without a copy. Publish its `data` to a slot (cloning it
 * costs next to nothing: the buffer is shared) and wrap it on each thread with `SharedTable.from`.
 *
 * A built table never changes: the next version is a new table. A thread that still holds an old
 * one keeps reading it unchanged; its memory goes once no thread holds it.
 */
export class SharedTable<S extends TableSchema = TableSchema> {
  /** The table as data, to publish. */
  readonly data: SharedTableData<S>;
  /** Number of rows. */
  readonly length: number;
  private readonly views: Map<string, AnyArray>;
  private readonly bytes: Buffer;

  private constructor(data: SharedTableData<S>) {
    this.data = data;
    this.length = data.length;
    this.views = new Map();
    for (const name of Object.keys(data.schema)) {
      const type = data.schema[name] as ColumnType;
      this.views.set(name, arrayFor(type, data.buffer, data.offsets[name] as number, data.length));
    }
    this.bytes = Buffer.from(data.buffer);
  }

  /**
   * Builds a table from `rows` at once. Throws `NUNCIO_ERR_TLS_TABLE_INVALID_SCHEMA` or
   * `NUNCIO_ERR_TLS_TABLE_INVALID_VALUE` (naming the row and column).
   */
  static build<S extends TableSchema>(schema: S, rows: readonly TableRow<S>[]): SharedTable<S> {
    return new TableBuilder(schema, rows).step() as SharedTable<S>;
  }

  /**
   * A builder that builds the table in steps of a given length: to fit the build into your own
   * scheduling. `buildAsync` is this with a turn of the event loop between steps.
   */
  static builder<S extends TableSchema>(
    schema: S,
    rows: readonly TableRow<S>[],
  ): SharedTableBuilder<S> {
    return new TableBuilder(schema, rows);
  }

  /**
   * Builds a table in slices of at most about `sliceMs` each, yielding to the event loop between
   * them: for large tables on a thread that must stay responsive (main's loop never blocks for
   * long). `rows` must not change until it resolves.
   */
  static async buildAsync<S extends TableSchema>(
    schema: S,
    rows: readonly TableRow<S>[],
    options: BuildAsyncOptions = {},
  ): Promise<SharedTable<S>> {
    const sliceMs = options.sliceMs ?? 1;
    if (!(sliceMs > 0)) throw invalidArgumentError('sliceMs', sliceMs, 'a number of ms > 0');
    const builder = new TableBuilder(schema, rows);
    for (;;) {
      const table = builder.step(sliceMs);
      if (table !== null) return table;
      await nextTurn();
    }
  }

  /** Wraps table data received on this thread: a few views, no copy. */
  static from<S extends TableSchema>(data: SharedTableData<S>): SharedTable<S> {
    if (
      typeof data !== 'object' ||
      data === null ||
      !(data.buffer instanceof SharedArrayBuffer) ||
      !Number.isInteger(data.length)
    ) {
      throw invalidArgumentError('table data', data, 'the data of a SharedTable');
    }
    return new SharedTable(data);
  }

  /** The values of numeric column `name`, as a typed array over the shared buffer: do not write. */
  column<K extends NumberColumn<S>>(name: K): ColumnArray<S[K]> {
    const view = this.views.get(name);
    if (view === undefined || this.data.schema[name] === 'string') {
      throw invalidArgumentError('column', name, 'a numeric column of the table');
    }
    return view as ColumnArray<S[K]>;
  }

  /** The value of string column `name` in row `row` (decoded: allocates a string). */
  string<K extends StringColumn<S>>(name: K, row: number): string {
    const ends = this.views.get(name);
    if (ends === undefined || this.data.schema[name] !== 'string') {
      throw invalidArgumentError('column', name, 'a string column of the table');
    }
    if (!(row >= 0 && row < this.length)) {
      throw invalidArgumentError('row', row, `a row index below ${this.length}`);
    }
    const base = this.data.stringBytes[name] as number;
    return this.bytes.toString(
      'utf8',
      base + (ends[row] as number),
      base + (ends[row + 1] as number),
    );
  }

  /** Row `row` as a plain object (allocates: for tests and slow paths). */
  row(row: number): TableRow<S> {
    if (!(Number.isInteger(row) && row >= 0 && row < this.length)) {
      throw invalidArgumentError('row', row, `a row index below ${this.length}`);
    }
    const result: Record<string, string | number> = {};
    for (const name of Object.keys(this.data.schema)) {
      result[name] =
        this.data.schema[name] === 'string'
          ? this.string(name as StringColumn<S>, row)
          : ((this.views.get(name) as AnyArray)[row] as number);
    }
    return result as TableRow<S>;
  }
}
