// Hand-written WebAssembly text modules for the edges of the ABI: version markers and their
// version-specific imports, validation errors, start functions, bad pointers, memory growth, WASI,
// unimplemented host functions.
import { describe, expect, it } from 'vitest';
import {
  AbiVersion,
  compileBaseVm,
  HeaderMapImpl,
  loadWasmPlugin,
  WasmHostErrorCode,
  WasmPluginCache,
  WasmResult,
} from '../src/index.ts';
import {
  mainEnvironment,
  RecordingCallbacks,
  readResults,
  wat,
  watModule,
} from './support/helpers.ts';

function compile(code: Uint8Array) {
  return compileBaseVm(code, 'v', 'envoy.wasm.runtime.v8', new Uint8Array(0), []);
}

/** Loads `code` as a plugin on this thread and runs one request through it. */
function runRequest(code: Uint8Array, vmId: string, keys: string[] = [], env = mainEnvironment()) {
  const loaded = loadWasmPlugin({ name: 'edge', vm: { vmId, code } }, env);
  const cache = new WasmPluginCache(env);
  const plugin = cache.getOrCreate(loaded.descriptor);
  const callbacks = new RecordingCallbacks();
  const headers = new HeaderMapImpl([['x-key', 'value-1']]);
  const status = plugin.createStream(callbacks).onRequestHeaders(headers, true);
  const results = readResults(env.sharedData, vmId);
  // Read before release: releasing the last base VM of a vm_id deletes its shared data.
  const values = keys.map((key) => env.sharedData.getString(vmId, key).value);
  plugin.release();
  cache.close();
  loaded.release();
  return { env, status, results, values, headers, callbacks };
}

describe('ABI versions', () => {
  it.each([
    ['proxy_abi_version_0_1_0', AbiVersion.V0_1_0, 'proxy_continue_request', '(func (result i32))'],
    [
      'proxy_abi_version_0_2_0',
      AbiVersion.V0_2_0,
      'proxy_continue_stream',
      '(func (param i32) (result i32))',
    ],
    [
      'proxy_abi_version_0_2_1',
      AbiVersion.V0_2_1,
      'proxy_get_log_level',
      '(func (param i32) (result i32))',
    ],
  ])('%s is detected with its own host functions', async (marker, version, fn, type) => {
    const code = await wat(watModule('', marker, `(import "env" "${fn}" ${type})`));
    expect(compile(code).abiVersion).toBe(version);
  });

  it('refuses a version-specific function of another version, naming it', async () => {
    const code = await wat(
      watModule(
        '',
        'proxy_abi_version_0_1_0',
        '(import "env" "proxy_continue_stream" (func (param i32) (result i32)))',
      ),
    );
    expect(() => compile(code)).toThrow(
      expect.objectContaining({
        code: WasmHostErrorCode.MissingImport,
        names: ['env.proxy_continue_stream'],
      }),
    );
  });

  it('refuses a module without an ABI marker', async () => {
    const code = await wat(
      '(module (memory (export "memory") 1) (func (export "malloc") (param i32) (result i32) (i32.const 0)))',
    );
    expect(() => compile(code)).toThrow(
      expect.objectContaining({ code: WasmHostErrorCode.UnknownAbiVersion }),
    );
  });

  it('names the missing exports', async () => {
    const code = await wat('(module (func (export "proxy_abi_version_0_2_1")))');
    expect(() => compile(code)).toThrow(
      expect.objectContaining({
        code: WasmHostErrorCode.MissingExport,
        names: ['memory', 'proxy_on_memory_allocate (or malloc)'],
      }),
    );
  });

  it('names unknown imports and signature mismatches', async () => {
    const unknown = await wat(watModule('', undefined, '(import "env" "proxy_nope" (func))'));
    expect(() => compile(unknown)).toThrow(/missing import\(s\) for ABI 0\.2\.1: env\.proxy_nope/);
    const mismatch = await wat(
      watModule('', undefined, '(import "env" "proxy_log" (func (param i32) (result i32)))'),
    );
    expect(() => compile(mismatch)).toThrow(
      expect.objectContaining({
        code: WasmHostErrorCode.ImportTypeMismatch,
        message: expect.stringContaining(
          'env.proxy_log (module: i32->i32, host: i32,i32,i32->i32)',
        ),
      }),
    );
  });

  it('refuses bytes that are not WebAssembly', () => {
    expect(() => compile(new TextEncoder().encode('not wasm'))).toThrow(
      expect.objectContaining({ code: WasmHostErrorCode.InvalidModule }),
    );
  });

  it('instantiates a module importing every gRPC and foreign-function call', async () => {
    const code = await wat(
      watModule(
        `(func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
           (call $r (i32.const 0) (call $grpc (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 64)))
           (call $r (i32.const 1) (call $grpc (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 64)))
           (call $r (i32.const 2) (call $ffi (i32.const 2048) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 64) (i32.const 68)))
           (call $r (i32.const 3) (call $cancel (i32.const 1)))
           (call $publish (i32.const 4))
           (i32.const 0))`,
        undefined,
        `(import "env" "proxy_grpc_call" (func $grpc (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
         (import "env" "proxy_grpc_stream" (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
         (import "env" "proxy_grpc_send" (func (param i32 i32 i32 i32) (result i32)))
         (import "env" "proxy_grpc_cancel" (func $cancel (param i32) (result i32)))
         (import "env" "proxy_grpc_close" (func (param i32) (result i32)))
         (import "env" "proxy_call_foreign_function" (func $ffi (param i32 i32 i32 i32 i32 i32) (result i32)))`,
      ),
    );
    const { results, env } = runRequest(code, 'grpc-vm');
    expect(results).toEqual([
      WasmResult.Unimplemented,
      WasmResult.Unimplemented,
      WasmResult.NotFound,
      WasmResult.Unimplemented,
    ]);
    // Logged once per function, not per call.
    expect(env.logger.count('proxy_grpc_call is not implemented')).toBe(1);
  });
});

describe('start functions', () => {
  it.each([
    [
      '_initialize then main',
      '(func (export "_initialize") (global.set $g (i32.const 10))) (func (export "main") (param i32 i32) (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (i32.const 0))',
      11,
    ],
    ['_start', '(func (export "_start") (global.set $g (i32.const 20)))', 20],
    ['__wasm_call_ctors', '(func (export "__wasm_call_ctors") (global.set $g (i32.const 30)))', 30],
  ])('runs %s before proxy_on_vm_start', async (_name, fns, expected) => {
    const code = await wat(
      watModule(`(global $g (mut i32) (i32.const 0)) ${fns}
        (func (export "proxy_on_vm_start") (param i32 i32) (result i32)
          (call $r (i32.const 0) (global.get $g)) (call $publish (i32.const 1)) (i32.const 1))`),
    );
    const { results } = runRequest(code, `start-${expected}`);
    expect(results).toEqual([expected]);
  });

  it('traps a proxy_* call made while start functions run', async () => {
    const code = await wat(
      watModule(`(func (export "_initialize") (call $publish (i32.const 1)))`),
    );
    const env = mainEnvironment();
    expect(() => loadWasmPlugin({ name: 'restricted', vm: { vmId: 'r', code } }, env)).toThrow(
      expect.objectContaining({
        code: WasmHostErrorCode.InitializeFailed,
        pluginName: 'restricted',
        message: expect.stringContaining('restricted_callback'),
      }),
    );
  });

  it('refuses a plugin whose proxy_on_vm_start returns false', async () => {
    const code = await wat(
      watModule('(func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 0))'),
    );
    expect(() =>
      loadWasmPlugin({ name: 'no-start', vm: { vmId: 'ns', code } }, mainEnvironment()),
    ).toThrow(
      expect.objectContaining({ code: WasmHostErrorCode.StartFailed, pluginName: 'no-start' }),
    );
  });
});

describe('memory safety', () => {
  it('answers InvalidMemoryAccess (or WASI FAULT) to every bad pointer', async () => {
    const far = '(i32.const 0x7ffffff0)';
    const code = await wat(
      watModule(
        `(func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
          (call $r (i32.const 0) (call $log (i32.const 2) ${far} (i32.const 64)))
          (call $r (i32.const 1) (call $get_value (i32.const 0) ${far} (i32.const 5) (i32.const 64) (i32.const 68)))
          (call $r (i32.const 2) (call $get_value (i32.const 0) (i32.const 3000) (i32.const 5) ${far} (i32.const 68)))
          (call $r (i32.const 3) (call $set_shared (i32.const 2048) (i32.const 1) ${far} (i32.const 4) (i32.const 0)))
          (call $r (i32.const 4) (call $get_prop ${far} (i32.const 4) (i32.const 64) (i32.const 68)))
          (call $r (i32.const 5) (call $fd_write (i32.const 1) ${far} (i32.const 1) (i32.const 64)))
          (call $r (i32.const 6) (call $random (i32.const 0x7fffff00) (i32.const 4096)))
          (call $r (i32.const 7) (call $get_value (i32.const 0) (i32.const 3000) (i32.const 5) (i32.const 64) (i32.const 0xfffffffc)))
          (call $r (i32.const 8) (call $log (i32.const 9) (i32.const 3000) (i32.const 1)))
          (call $r (i32.const 9) (call $get_value (i32.const 0) (i32.const 3000) (i32.const 5) (i32.const 64) (i32.const 68)))
          (call $publish (i32.const 10))
          (i32.const 0))
        (data (i32.const 3000) "x-key")`,
        undefined,
        `(import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
         (import "env" "proxy_get_header_map_value" (func $get_value (param i32 i32 i32 i32 i32) (result i32)))
         (import "env" "proxy_get_property" (func $get_prop (param i32 i32 i32 i32) (result i32)))
         (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
         (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))`,
      ),
    );
    const { results } = runRequest(code, 'bad-pointers');
    const IMA = WasmResult.InvalidMemoryAccess;
    expect(results).toEqual([
      IMA,
      IMA,
      IMA,
      IMA,
      IMA,
      21,
      21,
      IMA,
      WasmResult.BadArgument,
      WasmResult.Ok,
    ]);
  });

  it('reads through fresh views after the module grows its memory in malloc', async () => {
    // malloc grows memory by a page every call and returns the new page.
    const code = await wat(`(module
      (import "env" "proxy_get_header_map_value" (func $get_value (param i32 i32 i32 i32 i32) (result i32)))
      (import "env" "proxy_set_shared_data" (func $set_shared (param i32 i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "x-key")
      (data (i32.const 200) "grown")
      (func (export "malloc") (param i32) (result i32)
        (i32.mul (memory.grow (i32.const 1)) (i32.const 65536)))
      (func (export "proxy_abi_version_0_2_1"))
      (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
        (drop (call $get_value (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 0) (i32.const 4)))
        (drop (call $set_shared (i32.const 200) (i32.const 5) (i32.load (i32.const 0)) (i32.load (i32.const 4)) (i32.const 0)))
        (i32.const 0)))`);
    const { values } = runRequest(code, 'grow', ['grown']);
    expect(values).toEqual(['value-1']);
  });
});

describe('WASI', () => {
  it("serves Envoy's WASI subset: stdout to the log, clocks, randomness, environment, args", async () => {
    const code = await wat(
      watModule(
        `(data (i32.const 3000) "hello from wasi\\n")
        (func (export "proxy_on_vm_start") (param i32 i32) (result i32)
          ;; iovec at 3100: {3000, 16}
          (i32.store (i32.const 3100) (i32.const 3000))
          (i32.store (i32.const 3104) (i32.const 16))
          (call $r (i32.const 0) (call $fd_write (i32.const 1) (i32.const 3100) (i32.const 1) (i32.const 3200)))
          (call $r (i32.const 1) (i32.load (i32.const 3200)))
          (call $r (i32.const 2) (call $fd_write (i32.const 5) (i32.const 3100) (i32.const 1) (i32.const 3200)))
          (call $r (i32.const 3) (call $clock (i32.const 0) (i64.const 1) (i32.const 3300)))
          (call $r (i32.const 4) (i32.wrap_i64 (i64.div_u (i64.load (i32.const 3300)) (i64.const 1000000000000000000))))
          (call $r (i32.const 5) (call $clock (i32.const 7) (i64.const 1) (i32.const 3300)))
          (call $r (i32.const 6) (call $random (i32.const 3400) (i32.const 16)))
          (call $r (i32.const 7) (call $random (i32.const 3400) (i32.const 70000)))
          (call $r (i32.const 8) (call $env_sizes (i32.const 3500) (i32.const 3504)))
          (call $r (i32.const 9) (i32.load (i32.const 3500)))
          (call $r (i32.const 10) (i32.load (i32.const 3504)))
          (call $r (i32.const 11) (call $args_sizes (i32.const 3500) (i32.const 3504)))
          (call $r (i32.const 12) (i32.load (i32.const 3500)))
          (call $r (i32.const 13) (call $yield))
          (call $r (i32.const 14) (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 3500)))
          (call $proc_exit (i32.const 3))
          (call $publish (i32.const 15))
          (i32.const 1))`,
        undefined,
        `(import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
         (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
         (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
         (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
         (import "wasi_unstable" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
         (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
         (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
         (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))`,
      ),
    );
    const env = mainEnvironment();
    const loaded = loadWasmPlugin(
      { name: 'wasi', vm: { vmId: 'wasi', code, environment: { A: 'b', LONG: 'value' } } },
      env,
    );
    const results = readResults(env.sharedData, 'wasi');
    loaded.release();
    expect(results).toEqual([0, 16, 8, 0, 1, 58, 0, 28, 0, 2, 15, 0, 0, 0, 44]);
    expect(env.logger.has('hello from wasi')).toBe(true);
    expect(env.logger.lines.find((l) => l.message.includes('hello from wasi'))?.level).toBe(2);
    expect(env.logger.has('wasi proc_exit(3)')).toBe(true);
  });
});
