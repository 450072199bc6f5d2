import type { WasmHeaderMap } from './header-map.ts';
import type { HeaderPair } from './pairs.ts';

/**
 * A plain {@link WasmHeaderMap}: an ordered list of entries. Names given to it are lowercased.
 * Good for tests, `http_call` responses and callers that have no header map of their own.
 */
export class HeaderMapImpl implements WasmHeaderMap {
  private entries: [string, string][];

  /** Starts with `pairs` (names lowercased), in order. */
  constructor(pairs: Iterable<readonly [string, string]> = []) {
    this.entries = [];
    for (const [name, value] of pairs) this.entries.push([name.toLowerCase(), value]);
  }

  get size(): number {
    return this.entries.length;
  }

  get(name: string): string | undefined {
    const key = name.toLowerCase();
    for (const entry of this.entries) if (entry[0] === key) return entry[1];
    return undefined;
  }

  /** Every value of `name`, in order. */
  getAll(name: string): string[] {
    const key = name.toLowerCase();
    const values: string[] = [];
    for (const entry of this.entries) if (entry[0] === key) values.push(entry[1]);
    return values;
  }

  add(name: string, value: string): void {
    this.entries.push([name.toLowerCase(), value]);
  }

  set(name: string, value: string): void {
    const key = name.toLowerCase();
    const index = this.entries.findIndex((entry) => entry[0] === key);
    if (index < 0) {
      this.entries.push([key, value]);
      return;
    }
    this.entries[index] = [key, value];
    this.entries = this.entries.filter((entry, i) => i <= index || entry[0] !== key);
  }

  remove(name: string): void {
    const key = name.toLowerCase();
    if (this.entries.some((entry) => entry[0] === key)) {
      this.entries = this.entries.filter((entry) => entry[0] !== key);
    }
  }

  clear(): void {
    this.entries = [];
  }

  pairs(): readonly HeaderPair[] {
    return this.entries;
  }

  byteSize(): number {
    let size = 0;
    for (const [name, value] of this.entries) size += name.length + value.length;
    return size;
  }
}
