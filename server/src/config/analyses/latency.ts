/** The `latency` analysis: serving latency and success rate (docs/analyses.md#latency). */
import type { LatencyResult } from '../../analysis/types';
import { arrayOf, bool, nullable, num, object, str } from '../../protocol/check';
import { defineAnalysis, field, int, m, metricNumber, opt, text } from './descriptor';

const stats = { key: str, count: num, success_rate: num, mean: num, p50: num, p95: num, p99: num, max: num };
export const latencyResult = object({
  timed: bool,
  overall: object(stats),
  groups: arrayOf(object(stats)),
  windows: arrayOf(object({ ...stats, start: num, end: num })),
  anomalies: arrayOf(object({ index: num, timestamp: nullable(num), key: str, latency: num, z: num })),
}) satisfies (v: unknown) => LatencyResult;

export const latencyAnalysis = defineAnalysis<LatencyResult>({
  name: 'latency',
  description: 'Serving latency and success rate, overall and per group.',
  inputs: '{timestamp?, latency_ms | end_to_end_latency_s | ..., success?} rows (serving logs, benchmark per-request records)',
  connections: true,
  options: [
    opt('group_by', 'Column to group by, e.g. adapter_id.', text),
    opt('window_ms', 'Tumbling window length in ms (default 60000).', int(1, 1e12)),
  ],
  metrics: [
    m('count', 'Requests.'),
    m('success_rate', 'Share of successful requests.'),
    m('mean', 'Mean latency in ms.'),
    m('p50', 'Median latency in ms.'),
    m('p95', '95th-percentile latency in ms.'),
    m('p99', '99th-percentile latency in ms.'),
    m('max', 'Largest latency in ms.'),
  ],
  measure(result, metric) {
    const v = field(result.overall, metric);
    return v === undefined ? undefined : [{ label: metric, value: metricNumber(v) }];
  },
  result: latencyResult,
});
