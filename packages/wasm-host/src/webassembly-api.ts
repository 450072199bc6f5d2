// The few parts of the global `WebAssembly` object the host uses, typed here because Node's type
// definitions do not declare them (they come with the DOM library, which a Node package does not
// load). The values are the runtime's own.

/** A compiled module (`WebAssembly.Module`): shareable with worker threads through `postMessage`. */
export interface CompiledWasmModule {
  /** Brand only: a `WebAssembly.Module` has no own properties. */
  readonly __compiledWasmModule?: never;
}

/** `WebAssembly.Memory`. */
export interface WasmMemoryObject {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

/** `WebAssembly.Instance`. */
export interface WasmInstanceObject {
  readonly exports: Record<string, unknown>;
}

/** An import object: module name to field name to value. */
export type WasmImports = Record<string, Record<string, unknown>>;

interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => CompiledWasmModule;
  readonly Instance: new (module: CompiledWasmModule, imports: WasmImports) => WasmInstanceObject;
  readonly Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemoryObject;
}

/** The runtime's `WebAssembly` object. */
export const WasmApi: WebAssemblyApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi })
  .WebAssembly;
