import { readdirSync, readFileSync } from 'node:fs';

/**
 * The OS threads of this process by name, from `/proc/self/task/<tid>/comm` (Linux keeps 15 bytes
 * of a name). Empty where `/proc` does not exist. Threads that end while being read are skipped.
 */
export function osThreadsByName(): Map<string, number[]> {
  const byName = new Map<string, number[]>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return byName;
  }
  for (const tid of tids) {
    let name: string;
    try {
      name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trimEnd();
    } catch {
      continue; // ended between the listing and the read
    }
    const list = byName.get(name);
    if (list === undefined) byName.set(name, [Number(tid)]);
    else list.push(Number(tid));
  }
  return byName;
}

/** The name Linux gives a thread called `name`: its first 15 bytes (whole UTF-8 characters). */
export function osThreadName(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length <= 15) return name;
  let end = 15;
  // Do not cut a multi-byte character in half: step back to its first byte.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** The name of this process's main thread as the OS sees it, or null without `/proc`. */
export function mainThreadOsName(): string | null {
  try {
    return readFileSync(`/proc/self/task/${process.pid}/comm`, 'utf8').trimEnd();
  } catch {
    return null;
  }
}
