import { readdirSync, readFileSync } from 'node:fs';
import { type ThreadInfo, ThreadRole, type ThreadsProvider } from '@nuncio/admin';

/** A thread of the proxy that runs no dispatcher (the access-log flush thread). */
export interface OtherThread {
  /** The name given to the thread; Linux shows its first 15 bytes. */
  readonly name: string;
  /** Node's `threadId`. */
  readonly nodeThreadId: number;
}

/**
 * `/threads` for the whole proxy: the worker pool's threads (main, workers, watchdog guards) from
 * `base`, then the threads without a dispatcher, such as `AccessLogFlush`, with their OS ids.
 */
export function proxyThreads(
  base: ThreadsProvider,
  others: () => readonly OtherThread[],
): ThreadsProvider {
  return {
    async threads(): Promise<readonly ThreadInfo[]> {
      const listed = await base.threads();
      const extra = others();
      if (extra.length === 0) return listed;
      const tids = tasksByName();
      return [
        ...listed,
        ...extra.map((thread): ThreadInfo => {
          const os = Buffer.from(thread.name).subarray(0, 15).toString();
          const matches = tids.get(os);
          return {
            name: os,
            dispatcher: null,
            tid: matches?.length === 1 ? (matches[0] as number) : null,
            nodeThreadId: thread.nodeThreadId,
            role: ThreadRole.Other,
            utilization: null,
            loopDelayP99Ms: null,
            activeConnections: null,
            watchdogMiss: null,
            watchdogMegaMiss: null,
            heapUsedBytes: null,
            heapTotalBytes: null,
          };
        }),
      ];
    },
  };
}

/** OS thread ids by name, from `/proc/self/task` (empty where there is no procfs). */
function tasksByName(): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tasks) {
    let name: string;
    try {
      name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trimEnd();
    } catch {
      continue; // the thread ended meanwhile
    }
    const list = out.get(name);
    if (list === undefined) out.set(name, [Number(tid)]);
    else list.push(Number(tid));
  }
  return out;
}
