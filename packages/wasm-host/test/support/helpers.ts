// Shared by the tests: a thread environment over real stores, the AS test plugin, inline WAT.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { currentDispatcher } from '@nuncio/dispatcher';
import { SharedDataStore } from '@nuncio/shared-data';
import { StatsStore } from '@nuncio/stats';
import {
  type LogLevel,
  type StreamCallbacks,
  type StreamType,
  type WasmHostEnvironment,
  type WasmLogger,
  type WasmPluginOptions,
  WasmResult,
} from '../../src/index.ts';

export const TEST_PLUGIN = new URL('../plugins/build/test-plugin.wasm', import.meta.url);

/** The AssemblyScript test plugin's bytes. */
export function testPluginCode(): Uint8Array {
  return readFileSync(TEST_PLUGIN);
}

/** A logger that keeps every line. */
export class MemoryLogger implements WasmLogger {
  readonly lines: { level: LogLevel; message: string }[] = [];
  log(level: LogLevel, message: string): void {
    this.lines.push({ level, message });
  }
  level(): LogLevel {
    return 1;
  }
  has(text: string): boolean {
    return this.lines.some((l) => l.message.includes(text));
  }
  count(text: string): number {
    return this.lines.filter((l) => l.message.includes(text)).length;
  }
}

/** A main-thread environment over fresh shared-data and stats stores. */
export function mainEnvironment(extra: Partial<WasmHostEnvironment> = {}): WasmHostEnvironment & {
  logger: MemoryLogger;
  stats: StatsStore;
  sharedData: SharedDataStore;
} {
  return {
    dispatcher: currentDispatcher(),
    sharedData: SharedDataStore.create({ maxKeys: 256, maxBytes: 1 << 20 }),
    stats: StatsStore.create({ maxStats: 1024, maxThreads: 8 }),
    logger: new MemoryLogger(),
    ...extra,
  } as WasmHostEnvironment & {
    logger: MemoryLogger;
    stats: StatsStore;
    sharedData: SharedDataStore;
  };
}

/** Options for the AS test plugin with `rootId`. */
export function testPlugin(
  rootId: string,
  options: {
    vmId?: string;
    configuration?: string;
    vmConfiguration?: string;
    failOpen?: boolean;
  } = {},
): WasmPluginOptions {
  return {
    name: `test-${rootId}`,
    rootId,
    vm: {
      vmId: options.vmId ?? `vm-${rootId}`,
      code: testPluginCode(),
      ...(options.vmConfiguration === undefined ? {} : { configuration: options.vmConfiguration }),
    },
    ...(options.configuration === undefined ? {} : { configuration: options.configuration }),
    failOpen: options.failOpen ?? false,
  };
}

/** Stream callbacks that record what the host asked for. */
export class RecordingCallbacks implements StreamCallbacks {
  readonly failed: StreamType[] = [];
  readonly localReplies: Parameters<NonNullable<StreamCallbacks['sendLocalReply']>>[0][] = [];
  continued = 0;
  resets = 0;
  downstreamClosed = 0;
  failStream(type: StreamType): void {
    this.failed.push(type);
  }
  sendLocalReply(reply: Parameters<NonNullable<StreamCallbacks['sendLocalReply']>>[0]): void {
    this.localReplies.push(reply);
  }
  continueRequest(): void {
    this.continued++;
  }
  resetStream(): void {
    this.resets++;
  }
  closeDownstream(): void {
    this.downstreamClosed++;
  }
}

const require = createRequire(import.meta.url);
type Wabt = {
  parseWat(
    name: string,
    text: string,
  ): { toBinary(o: object): { buffer: Uint8Array }; destroy(): void };
};
let wabt: Wabt | undefined;

/** Compiles WebAssembly text to a binary with wabt. */
export async function wat(text: string): Promise<Uint8Array> {
  wabt ??= await (require('wabt') as () => Promise<Wabt>)();
  const module = wabt.parseWat('test.wat', text);
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/**
 * A WAT module with a bump allocator as `malloc`, memory, an ABI marker and `$r`/`$publish`
 * helpers: `$r(i, v)` stores result i; `$publish(n)` writes the first n results to shared data key
 * "r" (read them with {@link readResults}).
 */
export function watModule(body: string, marker = 'proxy_abi_version_0_2_1', imports = ''): string {
  return `(module
  (import "env" "proxy_set_shared_data" (func $set_shared (param i32 i32 i32 i32 i32) (result i32)))
  ${imports}
  (memory (export "memory") 2)
  (data (i32.const 2048) "r")
  (global $heap (mut i32) (i32.const 8192))
  (func (export "malloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8))))
    (local.get $p))
  (func (export "${marker}"))
  (func $r (param $i i32) (param $v i32) (i32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $v)))
  (func $publish (param $n i32) (drop (call $set_shared (i32.const 2048) (i32.const 1) (i32.const 0) (i32.mul (local.get $n) (i32.const 4)) (i32.const 0))))
  ${body}
)`;
}

/** The u32 results a {@link watModule} published to shared data under "r". */
export function readResults(store: SharedDataStore, vmId: string): number[] {
  const found = store.get(vmId, 'r');
  if (found.value === undefined) return [];
  const view = new DataView(found.value.buffer, found.value.byteOffset, found.value.length);
  const out: number[] = [];
  for (let i = 0; i < found.value.length; i += 4) out.push(view.getUint32(i, true));
  return out;
}

export { WasmResult };
