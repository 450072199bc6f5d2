// /stats, /stats/prometheus and /reset_counters: Envoy's StatsHandler over @nuncio/stats' outputs.

import {
  type HistogramValue,
  type StatsRenderOptions,
  StatsType,
  statsAsJson,
  statsAsText,
} from '@nuncio/stats';
import type { FastifyInstance } from 'fastify';
import { type AdminResponse, json, text } from '../admin-response.ts';
import type { AdminStatsSource } from '../admin-stats.ts';
import { prometheusWithCustomNamespaces } from '../custom-stat-namespaces.ts';
import { type AdminQuery, type RouteContext, registerEndpoint } from '../route-kit.ts';
import { formatG } from './format-g.ts';
import { statsJsonSchema } from './schemas.ts';

const STATS_TYPES = [
  StatsType.Counters,
  StatsType.Gauges,
  StatsType.Histograms,
  StatsType.TextReadouts,
  StatsType.All,
];

/**
 * Registers the stats endpoints over `stats`; `flush` runs before each read when given; stats in
 * `customNamespaces` lose the namespace (and get no `envoy_`) in the Prometheus output.
 */
export function registerStatsRoutes(
  fastify: FastifyInstance,
  context: RouteContext,
  stats: AdminStatsSource,
  flush: (() => unknown) | undefined,
  customNamespaces: ReadonlySet<string>,
): void {
  const prometheus = async (query: AdminQuery): Promise<AdminResponse> => {
    const options = renderOptions(query);
    if (typeof options === 'string') return text(options, 400);
    if (query.histogram_buckets === 'summary') {
      return text(
        'histogram_buckets=summary is not supported: histograms are output as buckets\n',
        400,
      );
    }
    if (flush !== undefined) await flush();
    return text(prometheusWithCustomNamespaces(stats, options, customNamespaces));
  };

  registerEndpoint(fastify, context, {
    path: '/stats',
    help: 'print server stats',
    description:
      "Counters and gauges as `name: value`, then histograms as `name: P0(interval,cumulative) ... P100(...)`, sorted by name; `format=json` gives Envoy's JSON document, `format=prometheus` the same as `/stats/prometheus`. `histogram_buckets=cumulative|disjoint` prints histograms as buckets `B<bound>(interval,cumulative)` (text only).",
    mutates: false,
    params: [
      {
        name: 'usedonly',
        help: 'Only include stats that have been written by system since restart',
        kind: 'flag',
      },
      { name: 'filter', help: 'Regular expression (ECMAScript) for filtering stats' },
      { name: 'format', help: 'Format to use', choices: ['text', 'json', 'prometheus'] },
      { name: 'type', help: 'Stat types to include.', choices: STATS_TYPES },
      {
        name: 'histogram_buckets',
        help: 'Histogram bucket display mode',
        choices: ['cumulative', 'disjoint', 'none'],
      },
      { name: 'pretty', help: 'Indent the JSON output', kind: 'flag' },
    ],
    operationId: 'stats',
    responses: {
      200: { description: 'The stats.', text: true, json: statsJsonSchema },
      400: {
        description: 'A bad parameter (an invalid regex...), with what was wrong.',
        text: true,
      },
    },
    handle: async (query) => {
      if (query.format === 'prometheus') return prometheus(query);
      const options = renderOptions(query);
      if (typeof options === 'string') return text(options, 400);
      const buckets = query.histogram_buckets ?? 'none';
      if (query.format === 'json') {
        if (buckets !== 'none') {
          return text('histogram_buckets is supported with the text format only\n', 400);
        }
        if (flush !== undefined) await flush();
        return json(statsAsJson(stats, { ...options, pretty: query.pretty !== undefined }));
      }
      if (flush !== undefined) await flush();
      if (buckets === 'none') return text(statsAsText(stats, options));
      // Counters and gauges as usual, histograms as bucket summaries.
      const type = options.type ?? StatsType.All;
      const numeric =
        type === StatsType.All
          ? sortLines(
              statsAsText(stats, { ...options, type: StatsType.Counters }) +
                statsAsText(stats, { ...options, type: StatsType.Gauges }),
            )
          : type === StatsType.Histograms
            ? ''
            : statsAsText(stats, options);
      return text(numeric + histogramBuckets(stats, options, buckets === 'disjoint'));
    },
  });

  registerEndpoint(fastify, context, {
    path: '/stats/prometheus',
    help: 'print server stats in prometheus format',
    description:
      'The Prometheus text exposition format (0.0.4): `envoy_`-prefixed tag-extracted names with tags as labels, counters, gauges, then histograms as cumulative `_bucket{le=...}`, `_sum` and `_count`. Plugin-defined metrics (`wasmcustom.<name>`, or another custom stat namespace) are named `<name>`, without the namespace or `envoy_`, as Envoy names them.',
    mutates: false,
    params: [
      {
        name: 'usedonly',
        help: 'Only include stats that have been written by system since restart',
        kind: 'flag',
      },
      {
        name: 'text_readouts',
        help: 'Accepted for Envoy compatibility; Nuncio has no text readouts',
        kind: 'flag',
      },
      { name: 'filter', help: 'Regular expression (ECMAScript) for filtering stats' },
      {
        name: 'histogram_buckets',
        help: 'Histogram bucket display mode',
        choices: ['cumulative', 'summary'],
      },
    ],
    operationId: 'statsPrometheus',
    responses: {
      200: { description: 'The Prometheus text exposition.', text: true },
      400: { description: 'A bad parameter, with what was wrong.', text: true },
    },
    handle: prometheus,
  });

  registerEndpoint(fastify, context, {
    path: '/reset_counters',
    help: 'reset all counters to zero',
    mutates: true,
    params: [],
    operationId: 'resetCounters',
    responses: { 200: { description: '`OK`', text: true } },
    handle: () => {
      stats.resetCounters();
      return text('OK\n');
    },
  });
}

/** The render options of `query`, or Envoy's error text for a bad one. */
function renderOptions(query: AdminQuery): StatsRenderOptions | string {
  let filter: RegExp | undefined;
  if (query.filter !== undefined && query.filter !== '') {
    try {
      filter = new RegExp(query.filter);
    } catch (error) {
      return `Invalid regex: ${(error as Error).message}\n`;
    }
  }
  const type = (query.type ?? StatsType.All) as StatsType;
  return {
    usedOnly: query.usedonly !== undefined,
    type,
    ...(filter === undefined ? {} : { filter }),
  };
}

function sortLines(lines: string): string {
  if (lines === '') return '';
  const list = lines.slice(0, -1).split('\n');
  list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${list.join('\n')}\n`;
}

/** Envoy's `bucketSummary` (cumulative) or disjoint bucket summary of each selected histogram. */
function histogramBuckets(
  stats: AdminStatsSource,
  options: StatsRenderOptions,
  disjoint: boolean,
): string {
  if (
    options.type !== undefined &&
    options.type !== StatsType.All &&
    options.type !== StatsType.Histograms
  ) {
    return '';
  }
  const filter = options.filter instanceof RegExp ? options.filter : null;
  const selected = stats
    .histograms()
    .filter((h) => (!options.usedOnly || h.used) && (filter === null || filter.test(h.name)));
  selected.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let out = '';
  for (const histogram of selected)
    out += `${histogram.name}: ${bucketSummary(histogram, disjoint)}\n`;
  return out;
}

function bucketSummary(histogram: HistogramValue, disjoint: boolean): string {
  if (!histogram.used) return 'No recorded values';
  const bounds = histogram.cumulative.supportedBuckets;
  const interval = histogram.interval.computedBuckets;
  const cumulative = histogram.cumulative.computedBuckets;
  const parts: string[] = [];
  for (let i = 0; i < bounds.length; i++) {
    let a = interval[i] ?? 0;
    let b = cumulative[i] ?? 0;
    if (disjoint && i > 0) {
      a -= interval[i - 1] ?? 0;
      b -= cumulative[i - 1] ?? 0;
    }
    parts.push(`B${formatG(bounds[i] as number)}(${a},${b})`);
  }
  return parts.join(' ');
}
