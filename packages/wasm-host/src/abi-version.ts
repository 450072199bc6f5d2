/**
 * The proxy-wasm ABI versions this host speaks. A module says which one it was built for by
 * exporting an empty marker function, `proxy_abi_version_0_2_1` and so on; the first marker in the
 * module's export section decides, as in proxy-wasm-cpp-host.
 */
export const AbiVersion = {
  V0_1_0: '0.1.0',
  V0_2_0: '0.2.0',
  V0_2_1: '0.2.1',
} as const;

/** One of the {@link AbiVersion} values. */
export type AbiVersion = (typeof AbiVersion)[keyof typeof AbiVersion];

/** The marker export of each version. */
export const ABI_VERSION_MARKERS: Readonly<Record<string, AbiVersion>> = {
  proxy_abi_version_0_1_0: AbiVersion.V0_1_0,
  proxy_abi_version_0_2_0: AbiVersion.V0_2_0,
  proxy_abi_version_0_2_1: AbiVersion.V0_2_1,
};
