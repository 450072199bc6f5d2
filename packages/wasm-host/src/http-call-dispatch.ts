// `proxy_http_call` between a root context and the thread's `HttpCallClient`: Envoy's argument
// checks, tokens, and delivery of the answer to `proxy_on_http_call_response`.
import type { ContextImpl } from './context-impl.ts';
import type { HttpCallResponse } from './http-call.ts';
import type { HeaderPair } from './pairs.ts';
import { WasmResult } from './wasm-result.ts';

function has(headers: readonly HeaderPair[], name: string): boolean {
  for (const [key] of headers) if (key === name) return true;
  return false;
}

/** Starts an `http_call` for `root`; returns the result code and, when `Ok`, the call's token. */
export function startHttpCall(
  root: ContextImpl,
  cluster: string,
  headers: readonly HeaderPair[],
  body: Uint8Array,
  trailers: readonly HeaderPair[],
  timeoutMs: number,
): { result: WasmResult; token: number } {
  const vm = root.vm;
  const client = vm.host.env.httpCallClient;
  if (timeoutMs < 0) return { result: WasmResult.BadArgument, token: 0 };
  // An unknown cluster is BadArgument, as in Envoy.
  if (client === undefined || !client.hasCluster(cluster)) {
    return { result: WasmResult.BadArgument, token: 0 };
  }
  if (!has(headers, ':path') || !has(headers, ':method') || !has(headers, ':authority')) {
    return { result: WasmResult.BadArgument, token: 0 };
  }
  const token = vm.nextHttpCallToken();
  const pending = { root, cancel: null as { cancel(): void } | null };
  vm.httpCalls.set(token, pending);
  const deliver = (response: HttpCallResponse | null, failure: string): void => {
    if (vm.httpCalls.get(token) !== pending) return;
    vm.httpCalls.delete(token);
    // Never re-enter the module from inside a call.
    if (vm.inCall) vm.deferAfterCall(() => root.onHttpCallResponse(token, response, failure));
    else root.onHttpCallResponse(token, response, failure);
  };
  let cancel: { cancel(): void } | null;
  try {
    cancel = client.send(
      { cluster, headers, body, trailers, timeoutMs },
      {
        onSuccess: (response) => deliver(response, ''),
        onFailure: (reason) => deliver(null, reason),
      },
    );
  } catch {
    cancel = null;
  }
  if (cancel === null) {
    if (vm.httpCalls.get(token) === pending) vm.httpCalls.delete(token);
    return { result: WasmResult.InternalFailure, token: 0 };
  }
  pending.cancel = cancel;
  return { result: WasmResult.Ok, token };
}
