/**
 * Serving-latency analysis: overall and per-group percentiles (numpy's linear interpolation),
 * tumbling time windows, and anomalies by a rolling robust z-score over the preceding requests
 * of the same group.
 */
import { requireFinite } from './finite';
import { quantileSorted } from './stats/quantile';
import { MAD_TO_SD, RollingRobust } from './stats/robust';
import { AnalysisError, type LatencyInput, type LatencyOptions, type LatencyResult, type LatencyStats } from './types';

/** `failed`: failed requests without a measured latency, counted in `count` and `success_rate` only. */
function statsOf(key: string, latency: Float64Array, success: Uint8Array, rows: ArrayLike<number> | null, failed = 0): LatencyStats {
  const n = rows ? rows.length : latency.length;
  const values = new Float64Array(n);
  let sum = 0;
  let ok = 0;
  for (let j = 0; j < n; j++) {
    const i = rows ? rows[j]! : j;
    values[j] = latency[i]!;
    sum += latency[i]!;
    ok += success[i]!;
  }
  values.sort();
  return {
    key,
    count: n + failed,
    success_rate: ok / (n + failed),
    mean: sum / n,
    p50: quantileSorted(values, 0.5),
    p95: quantileSorted(values, 0.95),
    p99: quantileSorted(values, 0.99),
    max: values[n - 1]!,
  };
}

export function analyzeLatency(input: LatencyInput, options: LatencyOptions = {}): LatencyResult {
  const n = input.latency.length;
  if (n === 0) throw new AnalysisError('latency needs at least one request; none were usable');
  const ts = input.timestamp;
  if ((ts && ts.length !== n) || input.success.length !== n || (input.group && input.group.length !== n)) {
    throw new AnalysisError('latency input columns have different lengths', 'shape');
  }
  requireFinite(input.latency, 'latency_ms');
  if (ts) {
    requireFinite(ts, 'timestamp');
    for (let i = 0; i < n; i++) {
      // Date's range: +-8.64e15 ms around 1970.
      if (Math.abs(ts[i]!) > 8.64e15) throw new AnalysisError(`row ${i + 1}: timestamp ${ts[i]} ms is outside the representable dates`, 'shape');
    }
  }
  const unmeasured = input.unmeasured ?? { count: 0, group: null };
  const failedIn = new Map<string, number>();
  for (const g of unmeasured.group ?? []) failedIn.set(g, (failedIn.get(g) ?? 0) + 1);
  const windowMs = options.windowMs ?? 60_000;
  const anomalyWindow = options.anomalyWindow ?? 100;
  const threshold = options.anomalyThreshold ?? 5;
  const maxAnomalies = options.maxAnomalies ?? 100;
  if (!(windowMs > 0)) throw new AnalysisError(`windowMs must be positive, got ${windowMs}`, 'bad-option');
  if (!(Number.isInteger(anomalyWindow) && anomalyWindow >= 3)) throw new AnalysisError(`anomalyWindow must be an integer >= 3, got ${anomalyWindow}`, 'bad-option');

  const overall = statsOf('all', input.latency, input.success, null, unmeasured.count);

  const byGroup = new Map<string, number[]>();
  if (input.group) {
    input.group.forEach((g, i) => {
      let rows = byGroup.get(g);
      if (!rows) byGroup.set(g, (rows = []));
      rows.push(i);
    });
  }
  const groups = [...byGroup.entries()]
    .map(([key, rows]) => statsOf(key, input.latency, input.success, rows, failedIn.get(key) ?? 0))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  // Time order (stable for equal timestamps) drives windows and the rolling baseline; without
  // timestamps (a benchmark's per-request records) the file's order does, and there are no windows.
  const order = new Uint32Array(n);
  let inOrder = true;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (ts && i > 0 && ts[i]! < ts[i - 1]!) inOrder = false;
  }
  // Logs are usually written in time order; sort only when they are not.
  if (ts && !inOrder) order.sort((a, b) => ts[a]! - ts[b]! || a - b);

  const byWindow = new Map<number, number[]>();
  if (ts) {
    for (const i of order) {
      const start = Math.floor(ts[i]! / windowMs) * windowMs;
      let rows = byWindow.get(start);
      if (!rows) byWindow.set(start, (rows = []));
      rows.push(i);
    }
  }
  const windows = [...byWindow.entries()].map(([start, rows]) => ({
    ...statsOf(new Date(start).toISOString(), input.latency, input.success, rows),
    start,
    end: start + windowMs,
  }));

  // Each group is compared with its own recent requests: adapters with different typical
  // latencies must not make each other look anomalous.
  const anomalies: LatencyResult['anomalies'] = [];
  const baselines = new Map<string, RollingRobust>();
  for (const i of order) {
    const x = input.latency[i]!;
    const key = input.group ? input.group[i]! : 'all';
    let recent = baselines.get(key);
    if (!recent) baselines.set(key, (recent = new RollingRobust(anomalyWindow)));
    if (recent.length === anomalyWindow && anomalies.length < maxAnomalies) {
      const med = recent.median();
      const dev = MAD_TO_SD * recent.mad();
      const z = dev > 0 ? (x - med) / dev : 0;
      if (z >= threshold) anomalies.push({ index: i, timestamp: ts ? ts[i]! : null, key, latency: x, z });
    }
    recent.push(x);
  }
  return { timed: ts !== null, overall, groups, windows, anomalies };
}
