// What the host needs to know about a module before instantiating it, read from the binary:
// the signature of every imported function (WebAssembly.Module.imports() does not give types) and
// the exports in section order (the first ABI marker decides, as in proxy-wasm-cpp-host).

/** An imported function and its signature, e.g. `i32,i64->i32`. */
export interface ImportedFunction {
  readonly module: string;
  readonly name: string;
  /** `params->results`, value types by their text names; null when the type could not be read. */
  readonly signature: string | null;
}

/** An import of another kind (memory, table, global, tag). */
export interface OtherImport {
  readonly module: string;
  readonly name: string;
  readonly kind: 'memory' | 'table' | 'global' | 'tag';
}

/** The parts of a module's binary the host reads. */
export interface ModuleInfo {
  readonly functionImports: readonly ImportedFunction[];
  readonly otherImports: readonly OtherImport[];
  /** Export names in section order, with their kind. */
  readonly exports: readonly { readonly name: string; readonly kind: string }[];
}

const VALUE_TYPES: Record<number, string> = {
  127: 'i32',
  126: 'i64',
  125: 'f32',
  124: 'f64',
  123: 'v128',
  112: 'funcref',
  111: 'externref',
};

const EXPORT_KINDS = ['function', 'table', 'memory', 'global', 'tag'];

class Reader {
  pos: number;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.pos = 0;
  }

  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError('unexpected end of module');
    return this.bytes[this.pos++] as number;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 28) {
        // The fifth byte carries the top four bits.
        const last = this.byte();
        return (result | ((last & 0x0f) << 28)) >>> 0;
      }
    }
  }

  name(): string {
    const length = this.u32();
    const end = this.pos + length;
    if (end > this.bytes.length) throw new RangeError('name past the end of module');
    const text = new TextDecoder().decode(this.bytes.subarray(this.pos, end));
    this.pos = end;
    return text;
  }

  skipLimits(): void {
    const flags = this.byte();
    this.u32();
    if (flags & 0x01) this.u32();
  }
}

/**
 * Reads imports (with function signatures) and exports from a module's bytes. Throws a
 * `RangeError` on a truncated or malformed binary; call it after `new WebAssembly.Module` has
 * accepted the bytes, so that only the sections it reads can surprise it. Type sections using the
 * GC proposal's encodings leave signatures null (the host then skips its signature check).
 */
export function readModuleInfo(bytes: Uint8Array): ModuleInfo {
  const r = new Reader(bytes);
  r.pos = 8; // magic and version
  let types: (string | null)[] | null = [];
  const functionImports: ImportedFunction[] = [];
  const otherImports: OtherImport[] = [];
  const exports: { name: string; kind: string }[] = [];
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (end > bytes.length) throw new RangeError('section past the end of module');
    if (id === 1) {
      types = readTypes(r, end);
    } else if (id === 2) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind === 0x00) {
          const index = r.u32();
          functionImports.push({ module, name, signature: types?.[index] ?? null });
        } else if (kind === 0x01) {
          r.byte(); // element type
          r.skipLimits();
          otherImports.push({ module, name, kind: 'table' });
        } else if (kind === 0x02) {
          r.skipLimits();
          otherImports.push({ module, name, kind: 'memory' });
        } else if (kind === 0x03) {
          r.byte(); // value type
          r.byte(); // mutability
          otherImports.push({ module, name, kind: 'global' });
        } else if (kind === 0x04) {
          r.byte();
          r.u32();
          otherImports.push({ module, name, kind: 'tag' });
        } else {
          throw new RangeError(`unknown import kind ${kind}`);
        }
      }
    } else if (id === 7) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const name = r.name();
        const kind = r.byte();
        r.u32();
        exports.push({ name, kind: EXPORT_KINDS[kind] ?? 'unknown' });
      }
    }
    r.pos = end;
  }
  return { functionImports, otherImports, exports };
}

function readTypes(r: Reader, end: number): (string | null)[] | null {
  const count = r.u32();
  const types: (string | null)[] = [];
  for (let i = 0; i < count; i++) {
    const form = r.byte();
    if (form !== 0x60) {
      // A GC-proposal type (rec group, sub type, struct, array): indices no longer map one to one.
      r.pos = end;
      return null;
    }
    const params: string[] = [];
    const paramCount = r.u32();
    for (let p = 0; p < paramCount; p++) params.push(valueType(r.byte()));
    const results: string[] = [];
    const resultCount = r.u32();
    for (let p = 0; p < resultCount; p++) results.push(valueType(r.byte()));
    types.push(`${params.join(',')}->${results.join(',')}`);
  }
  return types;
}

function valueType(code: number): string {
  return VALUE_TYPES[code] ?? `0x${code.toString(16)}`;
}
