import {
  fieldIndex,
  readName,
  S_GENERATION,
  S_MEGA_MISS,
  S_MISS,
  S_STATE,
  S_TOUCHED,
  SlotState,
} from './heartbeat-layout.ts';
import type { ResolvedWatchdogConfig } from './watchdog-config.ts';

/** A thread a guard found stuck. */
export interface StuckThread {
  slot: number;
  name: string;
  /** Milliseconds since the guard last saw the thread touch its watchdog. */
  stuckMs: number;
}

/** A guard's decision to end the process. */
export interface KillVerdict {
  /** `kill`: one thread past `killTimeout`; `multikill`: enough threads past `multikillTimeout`. */
  kind: 'kill' | 'multikill';
  threads: StuckThread[];
  /** The timeout that was exceeded, in ms. */
  timeoutMs: number;
}

/**
 * One guard's bookkeeping over a range of slots, after Envoy's `GuardDogImpl::step()`: a thread that
 * touched since the last step checks in; one that did not is counted as a miss past `missTimeout`
 * and a mega-miss past `megamissTimeout`, once per stuck episode; past `killTimeout` (or, with
 * others, `multikillTimeout`) the guard decides to end the process. Time is passed in, so the logic
 * runs the same on the guard thread and under test.
 */
export class GuardLogic {
  private readonly ints: Int32Array;
  private readonly firstSlot: number;
  private readonly endSlot: number;
  private readonly config: ResolvedWatchdogConfig;
  private readonly lastCheckin: Float64Array;
  private readonly generations: Int32Array;
  private readonly missAlerted: Uint8Array;
  private readonly megaMissAlerted: Uint8Array;

  constructor(
    buffer: SharedArrayBuffer,
    firstSlot: number,
    endSlot: number,
    config: ResolvedWatchdogConfig,
  ) {
    this.ints = new Int32Array(buffer);
    this.firstSlot = firstSlot;
    this.endSlot = endSlot;
    this.config = config;
    const count = endSlot - firstSlot;
    this.lastCheckin = new Float64Array(count);
    this.generations = new Int32Array(count).fill(-1);
    this.missAlerted = new Uint8Array(count);
    this.megaMissAlerted = new Uint8Array(count);
  }

  step(now: number): KillVerdict | null {
    const { missTimeout, megamissTimeout, killTimeout, multikillTimeout } = this.config;
    let watched = 0;
    let multikill: StuckThread[] | null = null;
    for (let slot = this.firstSlot; slot < this.endSlot; slot++) {
      const ints = this.ints;
      if (Atomics.load(ints, fieldIndex(slot, S_STATE)) !== SlotState.Watched) continue;
      watched++;
      const i = slot - this.firstSlot;
      const generation = Atomics.load(ints, fieldIndex(slot, S_GENERATION));
      if (generation !== this.generations[i]) {
        // A thread newly in this slot: its watch starts now.
        this.generations[i] = generation;
        this.checkIn(i, now);
      }
      if (Atomics.exchange(ints, fieldIndex(slot, S_TOUCHED), 0) === 1) {
        this.checkIn(i, now);
        continue;
      }
      const stuckMs = now - (this.lastCheckin[i] as number);
      if (stuckMs > missTimeout && this.missAlerted[i] === 0) {
        this.missAlerted[i] = 1;
        Atomics.add(ints, fieldIndex(slot, S_MISS), 1);
      }
      if (stuckMs > megamissTimeout && this.megaMissAlerted[i] === 0) {
        this.megaMissAlerted[i] = 1;
        Atomics.add(ints, fieldIndex(slot, S_MEGA_MISS), 1);
      }
      if (killTimeout > 0 && stuckMs > killTimeout) {
        return {
          kind: 'kill',
          threads: [{ slot, name: readName(ints, slot), stuckMs }],
          timeoutMs: killTimeout,
        };
      }
      if (multikillTimeout > 0 && stuckMs > multikillTimeout) {
        multikill ??= [];
        multikill.push({ slot, name: readName(ints, slot), stuckMs });
      }
    }
    if (multikill !== null) {
      // Envoy: at least two threads, and at least the threshold's share of the watched ones.
      const required = Math.max(2, Math.ceil((this.config.multikillThreshold / 100) * watched));
      if (multikill.length >= required) {
        return { kind: 'multikill', threads: multikill, timeoutMs: multikillTimeout };
      }
    }
    return null;
  }

  private checkIn(i: number, now: number): void {
    this.lastCheckin[i] = now;
    this.missAlerted[i] = 0;
    this.megaMissAlerted[i] = 0;
  }
}

/** The line a guard writes to stderr before it ends the process. */
export function describeVerdict(guard: string, verdict: KillVerdict, signal: string): string {
  const threads = verdict.threads
    .map((thread) => `${thread.name} (stuck ${Math.round(thread.stuckMs)} ms)`)
    .join(', ');
  const field = verdict.kind === 'kill' ? 'kill_timeout' : 'multikill_timeout';
  return `[nuncio] watchdog ${guard}: ${threads} made no progress past ${field} ${verdict.timeoutMs} ms; ending the process with ${signal}\n`;
}
