import type { WasmHostEnvironment } from './host-environment.ts';
import { type ThreadHost, threadHost } from './wasm-vm.ts';

// One resolved host per environment and runtime, so that stats objects are made once per thread.
const hosts = new WeakMap<WasmHostEnvironment, Map<string, ThreadHost>>();

/** The thread's resolved host for `env` (defaults filled in, stats created once). */
export function hostFor(env: WasmHostEnvironment, runtime: string): ThreadHost {
  let byRuntime = hosts.get(env);
  if (byRuntime === undefined) {
    byRuntime = new Map();
    hosts.set(env, byRuntime);
  }
  let host = byRuntime.get(runtime);
  if (host === undefined) {
    host = threadHost(env, runtime);
    byRuntime.set(runtime, host);
  }
  return host;
}
