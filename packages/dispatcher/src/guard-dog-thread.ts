// Entry of a guard thread (`dog:main_thread`, `dog:workers_guard`). It does nothing but sleep on
// the stop flag for one loop interval at a time and step its guard logic, so it keeps watching
// while the threads it guards are blocked, the main thread included.
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { describeVerdict, GuardLogic } from './guard-logic.ts';
import { H_KILLED, H_STOP } from './heartbeat-layout.ts';
import type { ResolvedWatchdogConfig } from './watchdog-config.ts';

/** What the main thread passes to a guard thread. */
export interface GuardThreadData {
  buffer: SharedArrayBuffer;
  firstSlot: number;
  endSlot: number;
  config: ResolvedWatchdogConfig;
  loopIntervalMs: number;
  killSignal: NodeJS.Signals;
  guardName: string;
}

const data = workerData as GuardThreadData;
const header = new Int32Array(data.buffer);
const logic = new GuardLogic(data.buffer, data.firstSlot, data.endSlot, data.config);

// Tells the main thread that this guard is watching (see GuardDog.whenRunning()).
parentPort?.postMessage('running');

while (Atomics.load(header, H_STOP) === 0) {
  Atomics.wait(header, H_STOP, 0, data.loopIntervalMs);
  if (Atomics.load(header, H_STOP) !== 0) break;
  const verdict = logic.step(performance.now());
  if (verdict !== null) {
    Atomics.store(header, H_KILLED, (verdict.threads[0]?.slot ?? 0) + 1);
    // Straight to fd 2: a worker's process.stderr goes through the main thread, which may be the
    // one that is stuck.
    writeSync(2, describeVerdict(data.guardName, verdict, data.killSignal));
    process.kill(process.pid, data.killSignal);
    break;
  }
}
