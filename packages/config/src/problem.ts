import type { ProblemCode } from './errors.ts';

/** A map key on a config path: printed as `["key"]`. */
export interface MapKeySegment {
  key: string;
}

/** One step of a config path: a field's proto name, a list index, or a map key. */
export type PathSegment = string | number | MapKeySegment;

/** One thing wrong with a config, as `validateBootstrap` reports it. */
export interface Problem {
  /** Stable code, e.g. `NUNCIO_ERR_CONFIG_UNKNOWN_FIELD`. */
  code: ProblemCode;
  /**
   * Where, in Envoy's notation with proto field names:
   * `static_resources.listeners[0].filter_chains[1].filters[0].typed_config.stat_prefix`.
   * Empty for the document itself.
   */
  path: string;
  /** 1-based line in the source, or 0 when the source has no positions. */
  line: number;
  /** 1-based column in the source, or 0 when the source has no positions. */
  column: number;
  /** What is wrong, in Envoy's words where Envoy has words for it. */
  message: string;
}

/** Formats path segments the way Envoy prints them. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string') out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment.key)}]`;
  }
  return out;
}

/**
 * Collects problems as the passes find them. A pass reports a path (segments) and the collector
 * turns it into a source position; the position lookup is done only when a problem is reported.
 */
export class ProblemCollector {
  readonly problems: Problem[] = [];
  private readonly locateOffset: ((path: readonly PathSegment[]) => number) | null;
  private readonly position: ((offset: number) => { line: number; column: number }) | null;

  constructor(
    locateOffset: ((path: readonly PathSegment[]) => number) | null,
    position: ((offset: number) => { line: number; column: number }) | null,
  ) {
    this.locateOffset = locateOffset;
    this.position = position;
  }

  /** A new, empty collector that locates problems the same way. */
  fork(): ProblemCollector {
    return new ProblemCollector(this.locateOffset, this.position);
  }

  /** Reports a problem at a known source offset (or -1 to look the path up). */
  addAt(code: ProblemCode, path: readonly PathSegment[], offset: number, message: string): void {
    let line = 0;
    let column = 0;
    if (this.position) {
      const at = offset >= 0 ? offset : this.locateOffset ? this.locateOffset(path) : 0;
      ({ line, column } = this.position(at));
    }
    this.problems.push({ code, path: formatPath(path), line, column, message });
  }

  /** Reports a problem at the place `path` leads to in the source. */
  add(code: ProblemCode, path: readonly PathSegment[], message: string): void {
    this.addAt(code, path, -1, message);
  }
}
