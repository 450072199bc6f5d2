// The functions the host provides to a module, by import module, with their signatures: every
// host function of the proxy-wasm spec for the module's ABI version, the WASI preview 1 (and
// `wasi_unstable`) functions that Envoy's host provides, and the emscripten stubs of
// proxy-wasm-cpp-host. A module may import any subset; importing anything else fails to load.

import { AbiVersion } from './abi-version.ts';

const I = 'i32';
const L = 'i64';

function sig(params: string[], result: string | null = I): string {
  return `${params.join(',')}->${result ?? ''}`;
}
function i32s(n: number): string[] {
  return Array.from({ length: n }, () => I);
}

/** `proxy_*` functions every ABI version has (without the `proxy_` prefix). */
export const COMMON_PROXY_FUNCTIONS: Readonly<Record<string, string>> = {
  log: sig(i32s(3)),
  get_status: sig(i32s(3)),
  set_property: sig(i32s(4)),
  get_property: sig(i32s(4)),
  send_local_response: sig(i32s(8)),
  get_shared_data: sig(i32s(5)),
  set_shared_data: sig(i32s(5)),
  register_shared_queue: sig(i32s(3)),
  resolve_shared_queue: sig(i32s(5)),
  dequeue_shared_queue: sig(i32s(3)),
  enqueue_shared_queue: sig(i32s(3)),
  get_header_map_value: sig(i32s(5)),
  add_header_map_value: sig(i32s(5)),
  replace_header_map_value: sig(i32s(5)),
  remove_header_map_value: sig(i32s(3)),
  get_header_map_pairs: sig(i32s(3)),
  set_header_map_pairs: sig(i32s(3)),
  get_header_map_size: sig(i32s(2)),
  get_buffer_status: sig(i32s(3)),
  get_buffer_bytes: sig(i32s(5)),
  set_buffer_bytes: sig(i32s(5)),
  http_call: sig(i32s(10)),
  grpc_call: sig(i32s(12)),
  grpc_stream: sig(i32s(9)),
  grpc_close: sig(i32s(1)),
  grpc_cancel: sig(i32s(1)),
  grpc_send: sig(i32s(4)),
  set_tick_period_milliseconds: sig(i32s(1)),
  get_current_time_nanoseconds: sig(i32s(1)),
  define_metric: sig(i32s(4)),
  increment_metric: sig([I, L]),
  record_metric: sig([I, L]),
  get_metric: sig(i32s(2)),
  set_effective_context: sig(i32s(1)),
  done: sig([]),
  call_foreign_function: sig(i32s(6)),
};

/** `proxy_*` functions that only some ABI versions have. */
export const VERSIONED_PROXY_FUNCTIONS: Readonly<Record<AbiVersion, Record<string, string>>> = {
  [AbiVersion.V0_1_0]: {
    get_configuration: sig(i32s(2)),
    continue_request: sig([]),
    continue_response: sig([]),
    clear_route_cache: sig([]),
  },
  [AbiVersion.V0_2_0]: {
    continue_stream: sig(i32s(1)),
    close_stream: sig(i32s(1)),
  },
  [AbiVersion.V0_2_1]: {
    continue_stream: sig(i32s(1)),
    close_stream: sig(i32s(1)),
    get_log_level: sig(i32s(1)),
  },
};

/** emscripten imports that proxy-wasm-cpp-host stubs, in module `env`. */
export const EMSCRIPTEN_FUNCTIONS: Readonly<Record<string, string>> = {
  pthread_equal: sig(i32s(2)),
  emscripten_notify_memory_growth: sig(i32s(1), null),
};

/**
 * WASI preview 1 functions (also served under `wasi_unstable`), with the signatures of the WASI
 * specification for wasm32.
 */
export const WASI_FUNCTIONS: Readonly<Record<string, string>> = {
  fd_write: sig(i32s(4)),
  fd_read: sig(i32s(4)),
  fd_seek: sig([I, L, I, I]),
  fd_close: sig(i32s(1)),
  fd_fdstat_get: sig(i32s(2)),
  fd_fdstat_set_flags: sig(i32s(2)),
  fd_fdstat_set_rights: sig([I, L, L]),
  environ_get: sig(i32s(2)),
  environ_sizes_get: sig(i32s(2)),
  args_get: sig(i32s(2)),
  args_sizes_get: sig(i32s(2)),
  clock_time_get: sig([I, L, I]),
  clock_res_get: sig(i32s(2)),
  fd_advise: sig([I, L, L, I]),
  fd_allocate: sig([I, L, L]),
  fd_datasync: sig(i32s(1)),
  fd_filestat_get: sig(i32s(2)),
  fd_filestat_set_size: sig([I, L]),
  fd_filestat_set_times: sig([I, L, L, I]),
  fd_pread: sig([I, I, I, L, I]),
  fd_prestat_get: sig(i32s(2)),
  fd_prestat_dir_name: sig(i32s(3)),
  fd_pwrite: sig([I, I, I, L, I]),
  fd_readdir: sig([I, I, I, L, I]),
  fd_renumber: sig(i32s(2)),
  fd_sync: sig(i32s(1)),
  fd_tell: sig(i32s(2)),
  path_create_directory: sig(i32s(3)),
  path_filestat_get: sig(i32s(5)),
  path_filestat_set_times: sig([I, I, I, I, L, L, I]),
  path_link: sig(i32s(7)),
  path_open: sig([I, I, I, I, I, L, L, I, I]),
  path_readlink: sig(i32s(6)),
  path_remove_directory: sig(i32s(3)),
  path_rename: sig(i32s(6)),
  path_symlink: sig(i32s(5)),
  path_unlink_file: sig(i32s(3)),
  poll_oneoff: sig(i32s(4)),
  proc_exit: sig(i32s(1), null),
  random_get: sig(i32s(2)),
  sched_yield: sig([]),
  sock_accept: sig(i32s(3)),
  sock_recv: sig(i32s(6)),
  sock_send: sig(i32s(5)),
  sock_shutdown: sig(i32s(2)),
};

/** The WASI import modules the host serves. */
export const WASI_MODULES = ['wasi_snapshot_preview1', 'wasi_unstable'] as const;

/**
 * The signature the host gives `module.name` for a module of `abiVersion`, or undefined when the
 * host has no such function.
 */
export function hostSignature(
  abiVersion: AbiVersion,
  module: string,
  name: string,
): string | undefined {
  if (module === 'env') {
    if (name.startsWith('proxy_')) {
      const short = name.slice(6);
      return (
        own(COMMON_PROXY_FUNCTIONS, short) ?? own(VERSIONED_PROXY_FUNCTIONS[abiVersion], short)
      );
    }
    return own(EMSCRIPTEN_FUNCTIONS, name);
  }
  if (module === 'wasi_snapshot_preview1' || module === 'wasi_unstable') {
    return own(WASI_FUNCTIONS, name);
  }
  return undefined;
}

// A plain lookup would find `toString` and friends on the prototype.
function own(record: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
