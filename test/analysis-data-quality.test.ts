/**
 * The data-quality analysis against its independent oracle (test/oracles/data_quality.py): every
 * count, example line, share, penalty, percentile, histogram, cluster, leak, annotator figure and
 * the quality score, on seeded files of every shape; the MinHash signatures bit for bit; and what
 * exact Jaccard similarity says about the clusters found.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDataSource } from '../server/src/ingest/read';
import { loadDataQuality } from '../server/src/engine/data-quality-input';
import { analyzeDataQuality, binomialTestHalf, histogram, type DataQualityResult } from '../server/src/analysis/data-quality';
import { minHashParams, minHashSignature, NUM_PERM, textStats, endsMidSentence } from '../server/src/analysis/data-quality-text';
import { assertClose, assertFieldsClose } from './oracles/analyses-oracle';

const FIX = path.resolve(__dirname, 'fixtures', 'oracles');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const oracle = JSON.parse(fs.readFileSync(path.join(FIX, 'data-quality.json'), 'utf8')) as any;

async function run(file: string, against?: string): Promise<DataQualityResult> {
  const data = await openDataSource(path.join(FIX, 'data-quality', file));
  const eval_ = against ? await openDataSource(path.join(FIX, 'data-quality', against)) : undefined;
  return analyzeDataQuality(await loadDataQuality(data, eval_));
}

test('MinHash signatures equal the oracle bit for bit (shingling, word hashes, one-permutation bins, densification)', () => {
  const params = minHashParams();
  for (const s of oracle.signatures as { text: string; signature: number[] | null }[]) {
    const out = new Uint16Array(NUM_PERM);
    const ok = minHashSignature(s.text, params, out, 0);
    if (s.signature === null) assert.equal(ok, false, s.text);
    else assert.deepEqual([...out], s.signature, s.text);
  }
});

for (const [name, c] of Object.entries(oracle.cases as Record<string, any>)) {
  test(`data-quality matches the oracle: ${name}`, async () => {
    const r = await run(c.file, c.against);
    assert.equal(r.shape, c.shape);
    assert.equal(r.rows, c.rows);
    for (const k of ['exact_duplicate_rows', 'duplicate_prompts', 'near_duplicate_prompts', 'ties', 'truncated_responses', 'against_rows', 'leaked_prompts', 'near_leaked_prompts']) {
      if (k in c) assert.equal((r as any)[k], c[k], k);
    }
    for (const k of ['duplicate_prompt_share', 'near_duplicate_prompt_share', 'train_eval_leakage']) if (k in c) assertClose((r as any)[k], c[k], k, 1e-12);
    assertClose(r.quality_score, c.quality_score, 'quality_score', 1e-9);
    // Issues: the same set, order, counts, example lines, shares and penalties.
    assert.deepEqual(r.issues.map((i) => i.id), c.issues.map((i: any) => i.id), 'issue ids in order');
    r.issues.forEach((i, k) => {
      const e = c.issues[k];
      assert.equal(i.severity, e.severity, i.id);
      assert.equal(i.count, e.count, `${i.id} count`);
      assert.deepEqual(i.lines, e.lines, `${i.id} lines`);
      assert.equal(i.file, e.file, `${i.id} file`);
      assert.equal(i.weight, e.weight, `${i.id} weight`);
      assertClose(i.share, e.share, `${i.id} share`, 1e-12);
      assertClose(i.penalty, e.penalty, `${i.id} penalty`, 1e-12);
      assert.ok(i.lines.length <= 20 && i.message.length > 0);
    });
    if (c.lengths) {
      assert.equal(r.lengths.length, c.lengths.length);
      c.lengths.forEach((e: any, k: number) => assertFieldsClose(r.lengths[k], e, `lengths[${e.role} ${e.unit}]`, 1e-9));
    }
    if (c.length_difference) c.length_difference.forEach((e: any, k: number) => assertFieldsClose(r.length_difference[k], e, `length_difference[${e.unit}]`, 1e-9));
    if (c.labels) {
      assert.deepEqual(r.labels!.counts, c.labels.counts);
      assertFieldsClose(r.labels!.shares, c.labels.shares, 'label shares', 1e-12);
    } else assert.equal(r.labels, null);
    assert.equal(r.groups.length, c.groups.length);
    c.groups.forEach((g: any, k: number) => {
      assert.equal(r.groups[k]!.role, g.role);
      assert.deepEqual(r.groups[k]!.values.map((v) => [v.value, v.rows, v.labels]), g.values.map((v: any) => [v.value, v.rows, v.labels]));
      g.values.forEach((v: any, j: number) => assertClose(r.groups[k]!.values[j]!.share, v.share, 'group share', 1e-12));
    });
    if (c.position_bias) assertFieldsClose(r.position_bias, c.position_bias, 'position_bias', 1e-9);
    else assert.equal(r.position_bias, null);
    if (c.messages) assert.deepEqual(r.messages, c.messages);
    if (c.clusters) assert.deepEqual(r.near_duplicates.clusters, c.clusters, 'near-duplicate clusters');
    if (c.matches) assertFieldsClose(r.leakage!.matches, c.matches, 'leak matches', 1e-12);
    if (c.annotation) {
      const a = r.annotation!;
      for (const k of ['items', 'annotators', 'ratings', 'items_few_ratings', 'duplicate_ratings']) assert.equal((a as any)[k], c.annotation[k], k);
      assert.deepEqual(a.constant_annotators, c.annotation.constant_annotators);
      assertFieldsClose(a.pool, c.annotation.pool, 'pool', 1e-12);
      assert.deepEqual(a.per_annotator.map((x) => x.annotator), c.annotation.per_annotator.map((x: any) => x.annotator), 'annotator order');
      assertFieldsClose(a.per_annotator, c.annotation.per_annotator, 'per_annotator', 1e-9);
    }
  });
}

test('exact Jaccard on the oracle files: every pair of prompts with similarity >= 0.9 is clustered, and no joined pair is below 0.6', () => {
  const j = oracle.cases['preference'].exact_jaccard;
  assert.ok(j.pairs_at_least_0_9 >= 3, 'the file plants near-duplicates');
  assert.equal(j.of_them_clustered, j.pairs_at_least_0_9);
  assert.ok(j.min_exact_jaccard_of_joined_edges >= 0.6, `min exact Jaccard of a joined pair ${j.min_exact_jaccard_of_joined_edges}`);
  assert.ok(j.mean_abs_error_of_estimates < 0.08, `mean |estimate - exact| ${j.mean_abs_error_of_estimates}`);
  assert.deepEqual(oracle.params, { shingle_k: 3, num_perm: 64, bands: 16, rows_per_band: 4, threshold: 0.7, seed: 1 });
});

test('text measures: code points, whitespace tokens, normalised keys, sentence ends', () => {
  assert.deepEqual([textStats('a 😀 b').chars, textStats('  a\t\tb \n').tokens], [5, 2]);
  assert.equal(textStats(' a  b ').key, textStats('a\nb').key);
  assert.notEqual(textStats('a b').key, textStats('ab').key);
  assert.equal(textStats(' \n\t').key, 0);
  assert.equal(endsMidSentence('It was the best of'), true);
  assert.equal(endsMidSentence('Done.'), false);
  assert.equal(endsMidSentence('Great 😀'), false);
  assert.equal(endsMidSentence('see:  '), true);
  assert.equal(endsMidSentence('```'), false);
});

test('histogram follows numpy (last bin closed, equal values widen to +-0.5) and the binomial test is two-sided exact', () => {
  assert.deepEqual(histogram(Float64Array.from([3, 3, 3]), 2), { edges: [2.5, 3, 3.5], counts: [0, 3] });
  assert.deepEqual(histogram(Float64Array.from([0, 1, 2, 3, 4]), 4).counts, [1, 1, 1, 2]);
  assert.equal(binomialTestHalf(5, 10), 1);
  // scipy.stats.binomtest(2, 10).pvalue
  assertClose(binomialTestHalf(2, 10), 0.109375, 'binomtest(2, 10)', 1e-12);
  assertClose(binomialTestHalf(0, 1), 1, 'binomtest(0, 1)', 1e-12);
});
