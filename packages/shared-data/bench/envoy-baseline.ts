// The benchmark's baseline: Envoy's SharedData design (proxy-wasm's shared_data.cc) on the same
// shared memory, built from this package's own parts so that only the locking design differs.
// One mutex guards everything, get included (Envoy takes it for reads too), and one cas counter
// serves all keys. Open it on a store created with `stripes: 1`, whose one stripe lock and cas
// counter are that mutex and that counter.
import { allocChain, freeChain } from '../src/block-pool.ts';
import { claimHandle, handleAt } from '../src/handles.ts';
import { hashKey } from '../src/hash.ts';
import {
  blocksFor,
  E_CAS,
  E_CHAIN,
  E_HASH,
  E_KEY_LEN,
  E_LIMBO,
  E_VALUE_LEN,
  E_VM_LEN,
  keyRegionBytes,
  MAX_KEY_BYTES,
  MAX_VM_ID_BYTES,
  readLayout,
  S_CAS,
} from '../src/layout.ts';
import { acquireLock, releaseLock } from '../src/lock.ts';
import type { SharedDataDescriptor } from '../src/shared-data-store.ts';
import { StoreMemory } from '../src/store-memory.ts';
import { encodeUtf8 } from '../src/utf8.ts';

const OK = 0;
const NOT_FOUND = 1;
const CAS_MISMATCH = 8;
const STORE_FULL = 100;

/** Envoy's shared data: every call under one global lock. */
export class EnvoyStyleStore {
  private readonly m: StoreMemory;
  private readonly lockAt: number;
  private readonly casAt: number;
  private vmLen = 0;
  private keyLen = 0;

  constructor(descriptor: SharedDataDescriptor) {
    const layout = readLayout(new Int32Array(descriptor.buffer));
    if (typeof layout === 'string') throw new Error(layout);
    if (layout.stripes !== 1) throw new Error('the Envoy-style baseline needs a one-stripe store');
    this.m = new StoreMemory(descriptor.buffer, layout, 0);
    this.m.handle = claimHandle(this.m.i32, layout, 0);
    this.m.handleAt = handleAt(layout, this.m.handle);
    this.lockAt = this.m.stripeAt(0);
    this.casAt = this.lockAt + S_CAS;
  }

  private encode(vmId: string, key: string): number {
    this.vmLen = this.m.encodeVm(vmId, MAX_VM_ID_BYTES);
    this.keyLen = encodeUtf8(key, this.m.scratch, this.vmLen, MAX_KEY_BYTES);
    return this.vmLen + this.keyLen;
  }

  get(vmId: string, key: string): { result: number; value: Uint8Array | undefined; cas: number } {
    const m = this.m;
    const hash = hashKey(m.scratch, this.encode(vmId, key), this.vmLen);
    acquireLock(m.i32, this.lockAt, m.handle, m.timeoutMs);
    const e = m.findEntry(m.bucketsAt + (hash & m.bucketMask), hash, this.vmLen, this.keyLen);
    if (e === 0) {
      releaseLock(m.i32, this.lockAt, m.handle);
      return { result: NOT_FOUND, value: undefined, cas: 0 };
    }
    const at = m.blockAt(e);
    const value = m.copyOut(e, keyRegionBytes(this.vmLen, this.keyLen), m.i32[at + E_VALUE_LEN]!);
    const cas = m.i32[at + E_CAS]! >>> 0;
    releaseLock(m.i32, this.lockAt, m.handle);
    return { result: OK, value, cas };
  }

  set(vmId: string, key: string, value: Uint8Array, cas = 0): number {
    const m = this.m;
    const i32 = m.i32;
    const hash = hashKey(m.scratch, this.encode(vmId, key), this.vmLen);
    const bucketAt = m.bucketsAt + (hash & m.bucketMask);
    const region = keyRegionBytes(this.vmLen, this.keyLen);
    acquireLock(i32, this.lockAt, m.handle, m.timeoutMs);
    const old = m.findEntry(bucketAt, hash, this.vmLen, this.keyLen);
    const prev = m.prevEntry;
    if (cas !== 0 && (old === 0 || i32[m.blockAt(old) + E_CAS]! >>> 0 !== cas)) {
      releaseLock(i32, this.lockAt, m.handle);
      return CAS_MISMATCH;
    }
    const e = allocChain(m, 0, blocksFor(region + value.length, m.blockSize));
    if (e <= 0) {
      releaseLock(i32, this.lockAt, m.handle);
      return STORE_FULL;
    }
    const at = m.blockAt(e);
    i32[at + E_HASH] = hash;
    i32[at + E_VM_LEN] = this.vmLen;
    i32[at + E_KEY_LEN] = this.keyLen;
    i32[at + E_VALUE_LEN] = value.length;
    i32[at + E_LIMBO] = 0;
    m.writeScratch(e, this.vmLen + this.keyLen);
    m.writeStream(e, region, value, 0, value.length);
    // Envoy's nextCas(): one counter for every key.
    let next = (i32[this.casAt]! + 1) | 0;
    if (next === 0) next = 1;
    i32[this.casAt] = next;
    i32[at + E_CAS] = next;
    i32[at + E_CHAIN] = old !== 0 ? i32[m.blockAt(old) + E_CHAIN]! : i32[bucketAt]!;
    if (prev === 0) Atomics.store(i32, bucketAt, e);
    else Atomics.store(i32, m.blockAt(prev) + E_CHAIN, e);
    // Nobody reads outside the lock, so the old value can go at once.
    if (old !== 0) freeChain(m, 0, old);
    releaseLock(i32, this.lockAt, m.handle);
    return OK;
  }
}
