/**
 * The shared SQL builders (server/src/sql/) on the embedded DuckDB with the `duckdb` dialect: the
 * A/B aggregate (binomial, continuous, CUPED and quantile metrics) equals the in-process analysis
 * of the same rows. Skips with the reason when DuckDB cannot load here.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { duckdb } from '../../server/src/sql/dialect';
import { buildAbQueries } from '../../server/src/sql/ab';
import { analyzeAb } from '../../server/src/analysis/ab';
import { engine, engineUnavailableReason } from '../../server/src/engine/duckdb/engine';
import { runAnalysis } from '../../server/src/engine/run';
import { readExperiment } from '../../server/src/engine/experiment';
import { assertFieldsClose } from '../oracles/analyses-oracle';

test('A/B SQL of sql/ab.ts on DuckDB (duckdb dialect) equals the in-process analysis', async (t) => {
  const db = await engine();
  if (!db) return t.skip(engineUnavailableReason() ?? 'DuckDB is not available');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-duckdb-sql-'));
  try {
    // Deterministic rows: 3 variants, a binomial, a continuous metric with a covariate, a quantile metric.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const rows = Array.from({ length: 3000 }, (_, i) => {
      const v = ['control', 'b', 'c'][i % 3]!;
      const pre = Math.round(rnd() * 10000) / 100;
      return { variant: v, success: rnd() < (v === 'b' ? 0.2 : 0.15) ? 1 : 0, pre_spend: pre, spend: Math.round((pre * 0.8 + rnd() * 30 + (v === 'b' ? 2 : 0)) * 1000) / 1000, latency_ms: Math.round((50 + Math.exp(rnd() * 5)) * 1000) / 1000 };
    });
    const data = path.join(dir, 'rows.jsonl');
    fs.writeFileSync(data, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const exp = path.join(dir, 'ab.experiment.yaml');
    fs.writeFileSync(
      exp,
      `apiVersion: rlhf-lens/v1\nkind: Experiment\nmetadata: {name: d}\nvariants:\n  - {id: control, control: true}\n  - {id: b}\n  - {id: c}\nmetrics:\n  - {name: success, type: binomial, primary: true}\n  - {name: spend, type: continuous, covariate: pre_spend}\n  - {name: spend_raw, type: continuous, column: spend}\n  - {name: p95, type: quantile, column: latency_ms, quantile: 0.95}\ndata: rows.jsonl\n`,
    );
    const plan = readExperiment(exp);
    const q = buildAbQueries(duckdb, { query: `SELECT * FROM read_json('${data.replace(/'/g, "''")}', format = 'newline_delimited')` }, { metrics: plan.metrics, variantColumn: 'variant', confidence: 0.95 });
    const first = q.decode(await db.rows(q.sql));
    if (first.next) first.next.decode(await db.rows(first.next.sql));
    const pushed = analyzeAb(first.input, plan.options) as unknown as Record<string, any>;
    const local = (await runAnalysis('ab', exp, {})).result as Record<string, any>;
    assert.deepEqual(pushed['srm'].observed, local['srm'].observed);
    for (const [i, m] of (local['metrics'] as any[]).entries()) {
      for (const [j, r] of (m.results as any[]).entries()) {
        assert.equal(pushed['metrics'][i].results[j].n, r.n, `${m.name} n`);
        assertFieldsClose(pushed['metrics'][i].results[j], r, `${m.name} ${r.variant}`, 1e-9);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
