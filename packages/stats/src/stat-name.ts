// Stat-name helpers shared by scopes and the store.

/**
 * Cleans a scope prefix as Envoy's `Stats::Utility::sanitizeStatsName` does: one leading and one
 * trailing `.` are dropped (so `cluster.backend.` and `cluster.backend` name the same scope) and
 * the characters that would break the dotted name (`://`, `:/`, `:`, NUL) become `_`.
 */
export function sanitizeStatsName(name: string): string {
  let start = 0;
  let end = name.length;
  if (end > start && name.charCodeAt(end - 1) === 46) end--;
  if (end > start && name.charCodeAt(start) === 46) start++;
  const trimmed = start === 0 && end === name.length ? name : name.slice(start, end);
  if (!/[:\0]/.test(trimmed)) return trimmed;
  return trimmed.replace(/:\/\/|:\/|:|\0/g, '_');
}

/** Joins a scope prefix and a name with a dot; an empty side is left out. */
export function joinStatName(prefix: string, name: string): string {
  if (prefix.length === 0) return name;
  if (name.length === 0) return prefix;
  return `${prefix}.${name}`;
}
