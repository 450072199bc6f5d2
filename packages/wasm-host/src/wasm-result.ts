/**
 * proxy-wasm's `WasmResult` (`proxy_status_t`): what every host function returns to the plugin.
 * The numbers are the ABI's.
 */
export const WasmResult = {
  Ok: 0,
  NotFound: 1,
  BadArgument: 2,
  SerializationFailure: 3,
  ParseFailure: 4,
  BadExpression: 5,
  InvalidMemoryAccess: 6,
  Empty: 7,
  CasMismatch: 8,
  ResultMismatch: 9,
  InternalFailure: 10,
  BrokenConnection: 11,
  Unimplemented: 12,
} as const;

/** One of the {@link WasmResult} values. */
export type WasmResult = (typeof WasmResult)[keyof typeof WasmResult];
