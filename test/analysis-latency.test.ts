/** analyzeLatency() against numpy percentiles and a numpy rolling median/MAD. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeLatency } from '../server/src/analysis/latency';
import { AnalysisError } from '../server/src/analysis/types';
import { assertFieldsClose, loadOracle } from './oracles/analyses-oracle';

const { latency } = loadOracle();

test('latency matches the numpy oracle: overall, groups, windows, anomalies', () => {
  const r = analyzeLatency({
    timestamp: Float64Array.from(latency.input.timestamp),
    latency: Float64Array.from(latency.input.latency),
    success: Uint8Array.from(latency.input.success),
    group: latency.input.group,
  });
  assertFieldsClose(r.overall, latency.expected.overall, 'overall', 1e-12);
  assertFieldsClose(r.groups, latency.expected.groups, 'groups', 1e-12);
  assertFieldsClose(r.windows, latency.expected.windows, 'windows', 1e-12);
  assertFieldsClose(r.anomalies.map((a) => ({ index: a.index, z: a.z })), latency.expected.anomalies, 'anomalies', 1e-9);
  assert.ok(r.anomalies.length >= 3, 'the three injected spikes are found');
});

test('a single request and mismatched columns', () => {
  const one = analyzeLatency({ timestamp: Float64Array.from([0]), latency: Float64Array.from([12]), success: Uint8Array.from([1]), group: null });
  assert.deepEqual(one.overall, { key: 'all', count: 1, success_rate: 1, mean: 12, p50: 12, p95: 12, p99: 12, max: 12 });
  assert.deepEqual(one.groups, []);
  assert.throws(() => analyzeLatency({ timestamp: new Float64Array(0), latency: new Float64Array(0), success: new Uint8Array(0), group: null }), AnalysisError);
  assert.throws(() => analyzeLatency({ timestamp: Float64Array.from([0, 1]), latency: Float64Array.from([1]), success: Uint8Array.from([1]), group: null }), /different lengths/);
});

test('a slow adapter interleaved with a fast one is not an anomaly; a spike within its own group is', () => {
  const n = 600;
  const timestamp = Float64Array.from({ length: n }, (_, i) => i * 1000);
  const group = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'slow' : 'fast'));
  const latency = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 800 : 100) + (i % 7));
  latency[451] = 400; // a fast-group request four times its usual latency
  const r = analyzeLatency({ timestamp, latency, success: new Uint8Array(n).fill(1), group });
  assert.deepEqual(r.anomalies.map((a) => [a.index, a.key]), [[451, 'fast']]);
});
