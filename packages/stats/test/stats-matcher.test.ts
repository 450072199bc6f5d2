import { describe, expect, it } from 'vitest';
import { StatsMatcher } from '../src/index.ts';

describe('StatsMatcher (stats_config.stats_matcher)', () => {
  it('accepts everything by default', () => {
    const matcher = new StatsMatcher();
    expect(matcher.acceptsAll()).toBe(true);
    expect(matcher.rejects('cluster.a.upstream_cx_total')).toBe(false);
    expect(new StatsMatcher({ rejectAll: false }).acceptsAll()).toBe(true);
  });

  it('matches each StringMatcher kind, case-folded when asked', () => {
    const matcher = new StatsMatcher({
      inclusionList: {
        patterns: [
          { exact: 'server.uptime' },
          { prefix: 'cluster.a.' },
          { suffix: '_ms', ignoreCase: true },
          { contains: '.http.' },
          { safeRegex: { regex: 'listener\\.\\d+' } },
        ],
      },
    });
    expect(matcher.rejects('server.uptime')).toBe(false);
    expect(matcher.rejects('server.uptime2')).toBe(true);
    expect(matcher.rejects('cluster.a.x')).toBe(false);
    expect(matcher.rejects('cluster.b.x')).toBe(true);
    expect(matcher.rejects('cluster.b.LENGTH_MS')).toBe(false);
    expect(matcher.rejects('listener.0.0.0.0_80.http.ingress.x')).toBe(false);
    // safe_regex matches the whole name (RE2 full match), not a part of it.
    expect(matcher.rejects('listener.80')).toBe(false);
    expect(matcher.rejects('listener.80.downstream_cx_total')).toBe(true);
  });

  it('rejects what the exclusion list matches', () => {
    const matcher = new StatsMatcher({ exclusionList: { patterns: [{ prefix: 'cluster.' }] } });
    expect(matcher.rejects('cluster.a.x')).toBe(true);
    expect(matcher.rejects('server.uptime')).toBe(false);
    expect(new StatsMatcher({ rejectAll: true }).rejects('anything')).toBe(true);
  });

  it('names the malformed field', () => {
    const cases: [unknown, RegExp][] = [
      [{}, /stats_matcher: needs exactly one of/],
      [{ rejectAll: true, inclusionList: { patterns: [] } }, /needs exactly one of/],
      [{ rejectAll: 'yes' }, /reject_all: must be a boolean/],
      [{ exclusionList: {} }, /exclusion_list\.patterns: must be a list/],
      [
        { inclusionList: { patterns: [{}] } },
        /patterns\[0\]: needs exactly one of .* \(found none\)/,
      ],
      [{ inclusionList: { patterns: [{ exact: 'a', prefix: 'b' }] } }, /found exact, prefix/],
      [{ inclusionList: { patterns: [{ prefix: 3 }] } }, /patterns\[0\]\.prefix: must be a string/],
      [
        { inclusionList: { patterns: [{ safeRegex: { regex: '[' } }] } },
        /safe_regex\.regex: invalid regex/,
      ],
    ];
    for (const [config, message] of cases) {
      expect(() => new StatsMatcher(config as never)).toThrow(message);
    }
  });
});
