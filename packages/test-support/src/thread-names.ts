import { readdirSync, readFileSync } from 'node:fs';

/** One OS thread of a process as Linux reports it. */
export interface ThreadName {
  /** OS thread id (the `task` directory's name). */
  tid: number;
  /** The thread's name from `comm` (Linux truncates it to 15 characters). */
  name: string;
}

/**
 * The threads of a process (this one by default) from `/proc/<pid>/task/*\/comm`. Threads that end
 * while being read are skipped. Returns an empty list where `/proc` does not exist.
 */
export function threadNames(pid: number | 'self' = 'self'): ThreadName[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const threads: ThreadName[] = [];
  for (const tid of tids) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      threads.push({ tid: Number(tid), name });
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return threads;
}
