// The WASI preview 1 functions as Envoy's host provides them (proxy-wasm-cpp-host's exports.cc):
// stdout and stderr go to the log, clocks, randomness and the configured environment variables are
// real, and the file-system and socket calls are stubs returning Envoy's error numbers. The same
// object serves `wasi_snapshot_preview1` and `wasi_unstable`.
import { Buffer } from 'node:buffer';
import { getRandomValues } from 'node:crypto';
import { LogLevel } from './abi-types.ts';
import { realtimeNanos } from './clock.ts';
import type { WasmVm } from './wasm-vm.ts';

const SUCCESS = 0;
const BADF = 8;
const NOTDIR = 20;
const FAULT = 21;
const INVAL = 28;
const NOENT = 44;
const NOSYS = 52;
const NOTSUP = 58;
/** proxy-wasm-cpp-host's `PROXY_WASM_HOST_WASI_RANDOM_GET_MAX_SIZE_BYTES`. */
const RANDOM_GET_MAX = 64 * 1024;

function isStdio(fd: number): boolean {
  return fd === 1 || fd === 2;
}

/** The WASI import object for `vm`. */
export function createWasiImports(vm: WasmVm): Record<string, (...args: never[]) => unknown> {
  const environment = vm.base.environment;

  /** Gathers an iovec array into one string; null on a bad pointer. */
  const gather = (iovs: number, count: number): string | null => {
    let text = '';
    for (let i = 0; i < count >>> 0; i++) {
      const base = (iovs >>> 0) + i * 8;
      const pointer = vm.memory.getU32(base);
      const length = vm.memory.getU32(base + 4);
      if (pointer < 0 || length < 0) return null;
      if (length === 0) continue;
      const part = vm.memory.utf8(pointer, length);
      if (part === null) return null;
      text += part;
    }
    return text;
  };

  const writeLog = (fd: number, iovs: number, count: number, writtenPointer: number): number => {
    if (!isStdio(fd)) return BADF;
    const ctx = vm.contextOrVm();
    const text = gather(iovs, count);
    if (text === null) return FAULT;
    const written = Buffer.byteLength(text, 'utf8');
    if (written > 0) {
      ctx.log(
        fd === 1 ? LogLevel.Info : LogLevel.Error,
        text.endsWith('\n') ? text.slice(0, -1) : text,
      );
    }
    return vm.memory.setU32(writtenPointer, written) ? SUCCESS : FAULT;
  };

  return {
    fd_write: (fd: number, iovs: number, count: number, written: number) =>
      writeLog(fd, iovs, count, written),
    fd_pwrite: (fd: number, iovs: number, count: number, _offset: bigint, written: number) =>
      writeLog(fd, iovs, count, written),
    fd_read: () => NOSYS,
    fd_pread: () => NOSYS,
    fd_seek: () => {
      vm.contextOrVm().log(LogLevel.Trace, 'wasi fd_seek is not supported');
      return SUCCESS;
    },
    fd_close: () => {
      vm.contextOrVm().log(LogLevel.Trace, 'wasi fd_close is not supported');
      return SUCCESS;
    },
    fd_fdstat_get: (fd: number, pointer: number) => {
      if (!isStdio(fd)) return BADF;
      // filetype and flags 0, rights_base FD_WRITE (64), rights_inheriting 0.
      const ok =
        vm.memory.setU64(pointer, 0n) &&
        vm.memory.setU64((pointer >>> 0) + 8, 64n) &&
        vm.memory.setU64((pointer >>> 0) + 16, 0n);
      return ok ? SUCCESS : FAULT;
    },
    fd_fdstat_set_flags: () => NOSYS,
    fd_fdstat_set_rights: (fd: number) => (isStdio(fd) ? SUCCESS : BADF),
    fd_advise: () => SUCCESS,
    fd_allocate: (fd: number) => (isStdio(fd) ? SUCCESS : BADF),
    fd_datasync: (fd: number) => (isStdio(fd) ? SUCCESS : BADF),
    fd_filestat_set_size: (fd: number) => (isStdio(fd) ? SUCCESS : BADF),
    fd_filestat_set_times: (fd: number) => (isStdio(fd) ? SUCCESS : BADF),
    fd_sync: (fd: number) => (isStdio(fd) ? SUCCESS : BADF),
    fd_filestat_get: () => BADF,
    fd_prestat_get: () => BADF,
    fd_prestat_dir_name: () => NOSYS,
    fd_readdir: (_fd: number, _buf: number, _len: number, _cookie: bigint, readPointer: number) =>
      vm.memory.setU32(readPointer, 0) ? NOTDIR : FAULT,
    fd_renumber: (fd: number, to: number) => (isStdio(fd) && isStdio(to) ? NOTSUP : BADF),
    fd_tell: (fd: number, pointer: number) => {
      if (!isStdio(fd)) return BADF;
      return vm.memory.setU64(pointer, 0n) ? SUCCESS : FAULT;
    },
    path_open: () => NOENT,
    path_filestat_get: () => NOTSUP,
    path_create_directory: () => NOTSUP,
    path_filestat_set_times: () => NOTSUP,
    path_link: () => NOTSUP,
    path_readlink: (
      _fd: number,
      _path: number,
      _pathLength: number,
      _buf: number,
      _bufLength: number,
      usedPointer: number,
    ) => (vm.memory.setU32(usedPointer, 0) ? NOTSUP : FAULT),
    path_remove_directory: () => NOTSUP,
    path_rename: () => NOTSUP,
    path_symlink: () => NOTSUP,
    path_unlink_file: () => NOTSUP,
    sock_accept: (_fd: number, _flags: number, fdPointer: number) =>
      vm.memory.setU32(fdPointer, 0) ? NOTSUP : FAULT,
    sock_recv: (
      _fd: number,
      _data: number,
      _count: number,
      _flags: number,
      sizePointer: number,
      flagsPointer: number,
    ) => {
      if (!vm.memory.setU32(sizePointer, 0)) return FAULT;
      const flags = vm.memory.view(flagsPointer, 2);
      if (flags === null) return FAULT;
      flags.fill(0);
      return NOTSUP;
    },
    sock_send: (_fd: number, _data: number, _count: number, _flags: number, sizePointer: number) =>
      vm.memory.setU32(sizePointer, 0) ? NOTSUP : FAULT,
    sock_shutdown: () => NOTSUP,
    environ_sizes_get: (countPointer: number, sizePointer: number) => {
      let size = 0;
      for (const [key, value] of environment) {
        size += Buffer.byteLength(key) + Buffer.byteLength(value) + 2;
      }
      return vm.memory.setU32(countPointer, environment.length) &&
        vm.memory.setU32(sizePointer, size)
        ? SUCCESS
        : FAULT;
    },
    environ_get: (arrayPointer: number, bufferPointer: number) => {
      let array = arrayPointer >>> 0;
      let buffer = bufferPointer >>> 0;
      for (const [key, value] of environment) {
        const entry = Buffer.from(`${key}=${value}\0`, 'utf8');
        if (!vm.memory.setU32(array, buffer) || !vm.memory.write(buffer, entry)) return FAULT;
        array += 4;
        buffer += entry.length;
      }
      return SUCCESS;
    },
    args_sizes_get: (countPointer: number, sizePointer: number) =>
      vm.memory.setU32(countPointer, 0) && vm.memory.setU32(sizePointer, 0) ? SUCCESS : FAULT,
    args_get: () => SUCCESS,
    clock_time_get: (clock: number, _precision: bigint, pointer: number) => {
      let now: bigint;
      if (clock === 0) now = realtimeNanos();
      else if (clock === 1) now = process.hrtime.bigint();
      else return NOTSUP;
      return vm.memory.setU64(pointer, now) ? SUCCESS : FAULT;
    },
    clock_res_get: (clock: number, pointer: number) => {
      if (clock !== 0 && clock !== 1) return NOTSUP;
      return vm.memory.setU64(pointer, 1n) ? SUCCESS : FAULT;
    },
    random_get: (pointer: number, length: number) => {
      const n = length >>> 0;
      if (n > RANDOM_GET_MAX) return INVAL;
      if (n === 0) return SUCCESS;
      const target = vm.memory.view(pointer, n);
      if (target === null) return FAULT;
      getRandomValues(target);
      return SUCCESS;
    },
    sched_yield: () => SUCCESS,
    poll_oneoff: (_in: number, _out: number, _count: number, eventsPointer: number) =>
      // Go's wasip1 runtime needs success here (proxy-wasm-cpp-host issue 497).
      vm.memory.setU32(eventsPointer, 0) ? SUCCESS : FAULT,
    proc_exit: (code: number) => {
      // Envoy logs and returns; the module's code after the call decides what happens next.
      vm.contextOrVm().log(LogLevel.Error, `wasi proc_exit(${code >>> 0})`);
    },
  };
}
