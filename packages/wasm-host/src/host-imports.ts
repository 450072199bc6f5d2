// The `env.proxy_*` host functions and the emscripten stubs given to a module. Every pointer and
// length from the module goes through `WasmMemory`'s bounds checks: a bad one returns
// `InvalidMemoryAccess` and touches nothing.
import { Buffer } from 'node:buffer';
import { SharedDataResult, type SharedDataSetOptions, toWasmResult } from '@nuncio/shared-data';
import type { LogLevel } from './abi-types.ts';
import { AbiVersion } from './abi-version.ts';
import { realtimeNanos } from './clock.ts';
import type { ContextImpl } from './context-impl.ts';
import { startHttpCall } from './http-call-dispatch.ts';
import { decodePairs, type HeaderPair, pairsSize, writePairs } from './pairs.ts';
import { createWasiImports } from './wasi-imports.ts';
import { WasmResult } from './wasm-result.ts';
import { WasmVm } from './wasm-vm.ts';
import type { WasmImports } from './webassembly-api.ts';

const OK = WasmResult.Ok;
const IMA = WasmResult.InvalidMemoryAccess;
const BAD = WasmResult.BadArgument;
const MAX_MAP_TYPE = 7;
const MAX_BUFFER_TYPE = 8;
const MAX_STREAM_TYPE = 3;
const MAX_LOG_LEVEL = 5;
const EMPTY = new Uint8Array(0);
/**
 * `proxy_set_shared_data` follows Envoy: proxy-wasm-cpp-host's `SharedData::set`
 * (src/shared_data.cc) compares a nonzero cas only when the key exists and otherwise inserts the
 * value. The store decides that under its stripe lock, so racing workers cannot both insert.
 */
const ENVOY_SET: SharedDataSetOptions = Object.freeze({ casOnMissingKey: 'insert' });

function lower(pairs: readonly HeaderPair[]): HeaderPair[] {
  return pairs.map(([name, value]) => [name.toLowerCase(), value] as const);
}

/** Builds the import object for `vm`'s instance (all import modules the host serves). */
export function createHostImports(vm: WasmVm): WasmImports {
  const env = vm.host.env;
  const store = env.sharedData;

  const copyOutString = (ctx: ContextImpl, text: string, pp: number, sp: number): number =>
    ctx.vm.copyOut(Buffer.from(text, 'latin1'), pp, sp) ? OK : IMA;

  const proxy: Record<string, (...args: never[]) => unknown> = {
    proxy_log(level: number, pointer: number, size: number): number {
      const ctx = vm.contextOrVm();
      if (level >>> 0 > MAX_LOG_LEVEL) return BAD;
      const message = vm.memory.utf8(pointer, size);
      if (message === null) return IMA;
      ctx.log((level >>> 0) as LogLevel, message);
      return OK;
    },

    proxy_get_status(codePointer: number, messagePointer: number, messageSize: number): number {
      const root = vm.context().root;
      if (!vm.memory.setU32(codePointer, root.statusCode)) return IMA;
      return vm.copyOut(Buffer.from(root.statusMessage, 'utf8'), messagePointer, messageSize)
        ? OK
        : IMA;
    },

    proxy_set_property(kp: number, ks: number, vp: number, vs: number): number {
      const ctx = vm.context();
      const key = vm.memory.copy(kp, ks);
      const value = vm.memory.copy(vp, vs);
      if (key === null || value === null) return IMA;
      return ctx.setProperty(key, value);
    },

    proxy_get_property(pp: number, ps: number, vpp: number, vsp: number): number {
      const ctx = vm.context();
      const path = vm.memory.copy(pp, ps);
      if (path === null) return IMA;
      const found = ctx.getProperty(path);
      if (found.result !== OK) return found.result;
      return vm.copyOut(found.value ?? EMPTY, vpp, vsp) ? OK : IMA;
    },

    proxy_send_local_response(
      code: number,
      detailsPointer: number,
      detailsSize: number,
      bodyPointer: number,
      bodySize: number,
      headersPointer: number,
      headersSize: number,
      grpcStatus: number,
    ): number {
      const ctx = vm.context();
      const details = vm.memory.utf8(detailsPointer, detailsSize);
      const body = vm.memory.copy(bodyPointer, bodySize);
      const headers = vm.memory.view(headersPointer, headersSize);
      if (details === null || body === null || headers === null) return IMA;
      const grpc = grpcStatus >>> 0;
      ctx.sendLocalResponse({
        statusCode: code >>> 0,
        body,
        headers: lower(decodePairs(headers)),
        grpcStatus: grpc <= 16 ? grpc : undefined,
        details,
      });
      vm.stopNextIteration = true;
      return OK;
    },

    proxy_set_effective_context(id: number): number {
      vm.context();
      return vm.setEffectiveContext(id >>> 0) ? OK : BAD;
    },

    proxy_done(): number {
      return vm.done(vm.context());
    },

    proxy_call_foreign_function(
      namePointer: number,
      nameSize: number,
      argsPointer: number,
      argsSize: number,
      _resultsPointer: number,
      _resultsSize: number,
    ): number {
      vm.context();
      if (
        !vm.memory.inBounds(namePointer, nameSize) ||
        !vm.memory.inBounds(argsPointer, argsSize)
      ) {
        return IMA;
      }
      // No foreign functions are registered with this host: Envoy's answer for an unknown name.
      return WasmResult.NotFound;
    },

    // ---- Shared data and queues (namespaced by vm_id) -----------------------------------------

    proxy_get_shared_data(
      kp: number,
      ks: number,
      vpp: number,
      vsp: number,
      casPointer: number,
    ): number {
      vm.context();
      const key = vm.memory.utf8(kp, ks);
      if (key === null) return IMA;
      const found = store.get(vm.vmId, key);
      if (found.result !== SharedDataResult.Ok) return toWasmResult(found.result);
      if (!vm.copyOut(found.value, vpp, vsp)) return IMA;
      return vm.memory.setU32(casPointer, found.cas) ? OK : IMA;
    },

    proxy_set_shared_data(kp: number, ks: number, vp: number, vs: number, cas: number): number {
      vm.context();
      const key = vm.memory.utf8(kp, ks);
      const value = vm.memory.copy(vp, vs);
      if (key === null || value === null) return IMA;
      return toWasmResult(store.set(vm.vmId, key, value, cas >>> 0, ENVOY_SET));
    },

    proxy_register_shared_queue(np: number, ns: number, tokenPointer: number): number {
      const ctx = vm.context();
      const name = vm.memory.utf8(np, ns);
      if (name === null) return IMA;
      // Readiness is delivered to the root context, as in Envoy.
      const rootId = ctx.root.id;
      const registration = store.registerQueue(vm.vmId, name, {
        onReady: (token) => vm.queueReady(rootId, token),
        dispatcher: env.dispatcher,
      });
      if (registration.result !== SharedDataResult.Ok) return toWasmResult(registration.result);
      return vm.memory.setU32(tokenPointer, registration.token) ? OK : IMA;
    },

    proxy_resolve_shared_queue(
      vp: number,
      vs: number,
      np: number,
      ns: number,
      tokenPointer: number,
    ): number {
      vm.context();
      const vmId = vm.memory.utf8(vp, vs);
      const name = vm.memory.utf8(np, ns);
      if (vmId === null || name === null) return IMA;
      const token = store.resolveQueue(vmId === '' ? vm.vmId : vmId, name);
      if (vm.failed || token === 0) return WasmResult.NotFound;
      return vm.memory.setU32(tokenPointer, token) ? OK : IMA;
    },

    proxy_dequeue_shared_queue(token: number, dpp: number, dsp: number): number {
      vm.context();
      const item = store.dequeue(token >>> 0);
      if (item.result !== SharedDataResult.Ok) return toWasmResult(item.result);
      return vm.copyOut(item.value, dpp, dsp) ? OK : IMA;
    },

    proxy_enqueue_shared_queue(token: number, dp: number, ds: number): number {
      vm.context();
      const data = vm.memory.copy(dp, ds);
      if (data === null) return IMA;
      return toWasmResult(store.enqueue(token >>> 0, data));
    },

    // ---- Header maps ---------------------------------------------------------------------------

    proxy_get_header_map_value(
      type: number,
      kp: number,
      ks: number,
      vpp: number,
      vsp: number,
    ): number {
      if (type >>> 0 > MAX_MAP_TYPE) return BAD;
      const ctx = vm.context();
      const key = vm.memory.latin1(kp, ks);
      if (key === null) return IMA;
      const map = ctx.getConstMap(type >>> 0);
      if (map === null) {
        if (!ctx.inAccessLogPhase) return BAD;
        const missing = ctx.missingHeaderValue();
        return missing === '' ? copyOutString(ctx, '', vpp, vsp) : missing;
      }
      const value = map.get(key.toLowerCase());
      if (value === undefined) {
        const missing = ctx.missingHeaderValue();
        return missing === '' ? copyOutString(ctx, '', vpp, vsp) : missing;
      }
      return copyOutString(ctx, value, vpp, vsp);
    },

    proxy_add_header_map_value(
      type: number,
      kp: number,
      ks: number,
      vp: number,
      vs: number,
    ): number {
      if (type >>> 0 > MAX_MAP_TYPE) return BAD;
      const ctx = vm.context();
      const key = vm.memory.latin1(kp, ks);
      const value = vm.memory.latin1(vp, vs);
      if (key === null || value === null) return IMA;
      const map = ctx.getMap(type >>> 0);
      if (map === null) return BAD;
      map.add(key.toLowerCase(), value);
      ctx.headersModified(type >>> 0);
      return OK;
    },

    proxy_replace_header_map_value(
      type: number,
      kp: number,
      ks: number,
      vp: number,
      vs: number,
    ): number {
      if (type >>> 0 > MAX_MAP_TYPE) return BAD;
      const ctx = vm.context();
      const key = vm.memory.latin1(kp, ks);
      const value = vm.memory.latin1(vp, vs);
      if (key === null || value === null) return IMA;
      const map = ctx.getMap(type >>> 0);
      if (map === null) return BAD;
      map.set(key.toLowerCase(), value);
      ctx.headersModified(type >>> 0);
      return OK;
    },

    proxy_remove_header_map_value(type: number, kp: number, ks: number): number {
      if (type >>> 0 > MAX_MAP_TYPE) return BAD;
      const ctx = vm.context();
      const key = vm.memory.latin1(kp, ks);
      if (key === null) return IMA;
      const map = ctx.getMap(type >>> 0);
      if (map === null) return BAD;
      map.remove(key.toLowerCase());
      ctx.headersModified(type >>> 0);
      return OK;
    },

    proxy_get_header_map_pairs(type: number, pp: number, sp: number): number {
      if (type >>> 0 > MAX_MAP_TYPE) return BAD;
      const ctx = vm.context();
      const pairs = ctx.getConstMap(type >>> 0)?.pairs() ?? [];
      if (pairs.length === 0) return vm.copyOut(EMPTY, pp, sp) ? OK : IMA;
      const size = pairsSize(pairs);
      const address = vm.allocate(size);
      if (address === 0) return IMA;
      writePairs(pairs, vm.memory.refresh(), address);
      return vm.memory.setU32(pp, address) && vm.memory.setU32(sp, size) ? OK : IMA;
    },

    proxy_set_header_map_pairs(type: number, pointer: number, size: number): number {
      if (type >>> 0 > MAX_MAP_TYPE) return BAD;
      const ctx = vm.context();
      const data = vm.memory.view(pointer, size);
      if (data === null) return IMA;
      const map = ctx.getMap(type >>> 0);
      if (map === null) return BAD;
      const pairs = decodePairs(data);
      map.clear();
      for (const [name, value] of pairs) map.add(name.toLowerCase(), value);
      ctx.headersModified(type >>> 0);
      return OK;
    },

    proxy_get_header_map_size(type: number, sizePointer: number): number {
      if (type >>> 0 > MAX_MAP_TYPE) return BAD;
      const ctx = vm.context();
      const map = ctx.getMap(type >>> 0);
      if (map === null) return BAD;
      return vm.memory.setU32(sizePointer, map.byteSize()) ? OK : IMA;
    },

    // ---- Buffers -------------------------------------------------------------------------------

    proxy_get_buffer_status(type: number, lengthPointer: number, flagsPointer: number): number {
      if (type >>> 0 > MAX_BUFFER_TYPE) return BAD;
      const buffer = vm.context().getBuffer(type >>> 0);
      if (buffer === null) return WasmResult.NotFound;
      return vm.memory.setU32(lengthPointer, buffer.length) && vm.memory.setU32(flagsPointer, 0)
        ? OK
        : IMA;
    },

    proxy_get_buffer_bytes(
      type: number,
      start: number,
      length: number,
      pp: number,
      sp: number,
    ): number {
      if (type >>> 0 > MAX_BUFFER_TYPE) return BAD;
      const buffer = vm.context().getBuffer(type >>> 0);
      if (buffer === null) return WasmResult.NotFound;
      const from = start >>> 0;
      let count = length >>> 0;
      const size = buffer.length;
      if (from > size) count = 0;
      else if (from + count > size) count = size - from;
      if (count === 0) return vm.memory.setU32(pp, 0) && vm.memory.setU32(sp, 0) ? OK : IMA;
      const address = vm.allocate(count);
      if (address === 0) return IMA;
      if (buffer instanceof Uint8Array) {
        if (!vm.memory.write(address, buffer.subarray(from, from + count))) return IMA;
      } else {
        buffer.copyOut(from, count, vm.memory.refresh(), address);
      }
      return vm.memory.setU32(pp, address) && vm.memory.setU32(sp, count) ? OK : IMA;
    },

    proxy_set_buffer_bytes(
      type: number,
      start: number,
      length: number,
      dp: number,
      ds: number,
    ): number {
      if (type >>> 0 > MAX_BUFFER_TYPE) return BAD;
      const buffer = vm.context().getBuffer(type >>> 0);
      if (buffer === null) return WasmResult.NotFound;
      const data = vm.memory.copy(dp, ds);
      if (data === null) return IMA;
      // Configurations and http_call responses cannot be changed.
      if (buffer instanceof Uint8Array) return BAD;
      const from = start >>> 0;
      const count = length >>> 0;
      if (from === 0) {
        if (count !== 0) buffer.drain(Math.min(count, buffer.length));
        buffer.prepend(data);
        return OK;
      }
      if (from >= buffer.length) {
        buffer.add(data);
        return OK;
      }
      return BAD;
    },

    // ---- HTTP and gRPC calls -------------------------------------------------------------------

    proxy_http_call(
      up: number,
      us: number,
      hp: number,
      hs: number,
      bp: number,
      bs: number,
      tp: number,
      ts: number,
      timeout: number,
      tokenPointer: number,
    ): number {
      const root = vm.context().root;
      const cluster = vm.memory.utf8(up, us);
      const body = vm.memory.copy(bp, bs);
      const headers = vm.memory.view(hp, hs);
      const trailers = vm.memory.view(tp, ts);
      if (cluster === null || body === null || headers === null || trailers === null) return IMA;
      // Check the token's memory before starting anything.
      if (!vm.memory.setU32(tokenPointer, 0)) return IMA;
      const started = startHttpCall(
        root,
        cluster,
        lower(decodePairs(headers)),
        body,
        lower(decodePairs(trailers)),
        timeout | 0,
      );
      if (started.result === OK) vm.memory.setU32(tokenPointer, started.token);
      return started.result;
    },

    proxy_grpc_call(): number {
      vm.context();
      return vm.unimplemented('proxy_grpc_call');
    },
    proxy_grpc_stream(): number {
      vm.context();
      return vm.unimplemented('proxy_grpc_stream');
    },
    proxy_grpc_send(): number {
      vm.context();
      return vm.unimplemented('proxy_grpc_send');
    },
    proxy_grpc_cancel(): number {
      vm.context();
      return vm.unimplemented('proxy_grpc_cancel');
    },
    proxy_grpc_close(): number {
      vm.context();
      return vm.unimplemented('proxy_grpc_close');
    },

    // ---- Time and timers -----------------------------------------------------------------------

    proxy_set_tick_period_milliseconds(period: number): number {
      const ctx = vm.context();
      vm.setTickPeriod(ctx.root.id, period >>> 0);
      return OK;
    },

    proxy_get_current_time_nanoseconds(pointer: number): number {
      vm.context();
      return vm.memory.setU64(pointer, realtimeNanos()) ? OK : IMA;
    },

    // ---- Metrics -------------------------------------------------------------------------------

    proxy_define_metric(type: number, np: number, ns: number, idPointer: number): number {
      vm.context();
      const name = vm.memory.utf8(np, ns);
      if (name === null) return IMA;
      const id = vm.defineMetric(type >>> 0, name);
      if (id < 0) return BAD;
      return vm.memory.setU32(idPointer, id) ? OK : IMA;
    },

    proxy_increment_metric(id: number, offset: bigint): number {
      vm.context();
      const metricId = id >>> 0;
      const metric = vm.metrics.get(metricId);
      const type = WasmVm.metricType(metricId);
      if (type === 0) {
        if (metric?.type !== 0) return WasmResult.NotFound;
        if (offset <= 0n) return BAD;
        metric.counter.add(Number(offset));
        return OK;
      }
      if (type === 1) {
        if (metric?.type !== 1) return WasmResult.NotFound;
        if (offset > 0n) metric.gauge.add(Number(offset));
        else metric.gauge.sub(Number(-offset));
        return OK;
      }
      return BAD;
    },

    proxy_record_metric(id: number, value: bigint): number {
      vm.context();
      const metric = vm.metrics.get(id >>> 0);
      if (metric === undefined) return WasmResult.NotFound;
      const v = Number(BigInt.asUintN(64, value));
      if (metric.type === 0) metric.counter.add(v);
      else if (metric.type === 1) metric.gauge.set(v);
      else metric.histogram.recordValue(v);
      return OK;
    },

    proxy_get_metric(id: number, pointer: number): number {
      vm.context();
      const metricId = id >>> 0;
      const metric = vm.metrics.get(metricId);
      const type = WasmVm.metricType(metricId);
      if (type === 2) return BAD;
      if (metric === undefined || metric.type === 2) return WasmResult.NotFound;
      const value = metric.type === 0 ? metric.counter.value() : metric.gauge.value();
      return vm.memory.setU64(pointer, BigInt(Math.trunc(value))) ? OK : IMA;
    },
  };

  // Functions whose presence depends on the ABI version.
  if (vm.abiVersion === AbiVersion.V0_1_0) {
    proxy.proxy_get_configuration = (pp: number, sp: number): number => {
      const ctx = vm.context();
      const value =
        ctx.root.tempPluginConfiguration ?? ctx.tempPluginConfiguration ?? vm.base.vmConfiguration;
      return vm.copyOut(value, pp, sp) ? OK : IMA;
    };
    proxy.proxy_continue_request = (): number => vm.context().continueStream(0);
    proxy.proxy_continue_response = (): number => vm.context().continueStream(1);
    proxy.proxy_clear_route_cache = (): number => {
      vm.context().callbacks?.clearRouteCache?.();
      return OK;
    };
  } else {
    proxy.proxy_continue_stream = (type: number): number => {
      const ctx = vm.context();
      return type >>> 0 > MAX_STREAM_TYPE ? BAD : ctx.continueStream(type >>> 0);
    };
    proxy.proxy_close_stream = (type: number): number => {
      const ctx = vm.context();
      return type >>> 0 > MAX_STREAM_TYPE ? BAD : ctx.closeStream(type >>> 0);
    };
    if (vm.abiVersion === AbiVersion.V0_2_1) {
      proxy.proxy_get_log_level = (pointer: number): number => {
        vm.context();
        return vm.memory.setU32(pointer, vm.host.logger.level()) ? OK : IMA;
      };
    }
  }

  // emscripten stubs, as proxy-wasm-cpp-host registers them.
  const emscripten = {
    pthread_equal: (left: number, right: number): number => (left === right ? 1 : 0),
    emscripten_notify_memory_growth: (_index: number): void => {
      // Views are refreshed on every access after growth anyway.
    },
  };

  const wasi = createWasiImports(vm);
  return {
    env: { ...proxy, ...emscripten },
    wasi_snapshot_preview1: wasi,
    wasi_unstable: wasi,
  };
}
