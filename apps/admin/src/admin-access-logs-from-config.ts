import { type AccessLog, type AccessLogManager, AccessLogWriter } from '@nuncio/access-log';
import type { Admin } from '@nuncio/config';

/**
 * The admin's access logs from the bootstrap's `admin.access_log` entries, written through
 * `manager` (its flush thread does the file I/O) from a ring registered for the main thread.
 * Throws the manager's config error, naming the entry, for a bad entry. Empty when there is none.
 */
export function accessLogsFromConfig(
  admin: Admin | undefined,
  manager: AccessLogManager,
): AccessLog[] {
  const entries = admin?.accessLog ?? [];
  if (entries.length === 0) return [];
  const writer = new AccessLogWriter(manager.registerThread());
  return entries.map((entry, i) =>
    writer.createAccessLog(manager.createAccessLog(entry, `admin.access_log[${i}]`)),
  );
}
