/** analyzeAgreement() against the numpy oracle and the published values of krippendorff, nltk and statsmodels. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeAgreement, cohenKappa } from '../server/src/analysis/agreement';
import { AnalysisError, type Rating } from '../server/src/analysis/types';
import { assertClose, assertFieldsClose, loadOracle } from './oracles/analyses-oracle';

const oracle = loadOracle();

for (const c of oracle.agreement) {
  test(`agreement matches the numpy oracle: ${c.name}`, () => {
    const r = analyzeAgreement(c.ratings as Rating[], c.options);
    assertFieldsClose(r, c.expected, c.name, 1e-9);
    if (c.expected.fleiss_kappa === null) assert.equal(r.fleiss_kappa_reason, 'items have different numbers of ratings');
  });
}

/** Ratings from a coder-by-unit table (NaN = missing), as the krippendorff package takes them. */
function fromTable(rows: (number | string | null)[][]): Rating[] {
  const out: Rating[] = [];
  rows.forEach((row, coder) => row.forEach((label, unit) => {
    if (label !== null) out.push({ item: `u${unit}`, annotator: `c${coder}`, label });
  }));
  return out;
}

const _ = null;
const KRIPPENDORFF_DOCSTRING = fromTable([
  [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
  [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
  [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
]);
const KRIPPENDORFF_2011 = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
];

test('krippendorff package docstring: nominal 0.691358, interval 0.810845', () => {
  assertClose(analyzeAgreement(KRIPPENDORFF_DOCSTRING).krippendorff_alpha, 0.691358, 'nominal', 0, 5e-7);
  assertClose(analyzeAgreement(KRIPPENDORFF_DOCSTRING, { level: 'interval' }).krippendorff_alpha, 0.810845, 'interval', 0, 5e-7);
});

test('Krippendorff 2011 4 x 12: ordinal 0.815, ratio 0.797, nominal 0.743 (string labels with an order)', () => {
  assertClose(analyzeAgreement(fromTable(KRIPPENDORFF_2011), { level: 'ordinal' }).krippendorff_alpha, 0.815, 'ordinal', 0, 5e-4);
  assertClose(analyzeAgreement(fromTable(KRIPPENDORFF_2011), { level: 'ratio' }).krippendorff_alpha, 0.797, 'ratio', 0, 5e-4);
  const names = ['very low', 'low', 'mid', 'high', 'very high'];
  const strings = fromTable(KRIPPENDORFF_2011.map((row) => row.map((x) => (x === null ? null : names[x - 1]!))));
  assertClose(analyzeAgreement(strings, { level: 'ordinal', order: names }).krippendorff_alpha, 0.815, 'ordinal strings', 0, 5e-4);
  // nltk test_advanced asserts the nominal value to 12 digits.
  assertClose(analyzeAgreement(strings).krippendorff_alpha, 0.743421052632, 'nominal strings', 1e-11);
});

test('nltk test_easy: alpha = -0.3333333, with or without the single-rated item', () => {
  const easy: Rating[] = [
    { annotator: 'c1', item: 'd1', label: 'YES' }, { annotator: 'c2', item: 'd1', label: 'NO' }, { annotator: 'c3', item: 'd1', label: 'NO' },
    { annotator: 'c1', item: 'd2', label: 'YES' }, { annotator: 'c2', item: 'd2', label: 'NO' }, { annotator: 'c3', item: 'd3', label: 'NO' },
  ];
  assertClose(analyzeAgreement(easy).krippendorff_alpha, -1 / 3, 'with d3', 1e-12);
  assertClose(analyzeAgreement(easy.filter((r) => r.item !== 'd3')).krippendorff_alpha, -1 / 3, 'without d3', 1e-12);
});

/** Ratings that reproduce a subjects x categories count table (raters are numbered per subject). */
function fromCounts(table: number[][]): Rating[] {
  const out: Rating[] = [];
  table.forEach((row, s) => {
    let rater = 0;
    row.forEach((count, cat) => {
      for (let k = 0; k < count; k++) out.push({ item: `s${s}`, annotator: `r${rater++}`, label: `cat${cat}` });
    });
  });
  return out;
}

test('Fleiss (Wikipedia, statsmodels test_fleiss_kappa): 0.209931', () => {
  const table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]];
  assertClose(analyzeAgreement(fromCounts(table)).fleiss_kappa, 0.209931, 'fleiss', 0, 5e-7);
});

test('Fleiss 1971 diagnoses (statsmodels test_inter_rater.py, R irr kappam.fleiss): 0.4302445', () => {
  // 30 subjects x 6 raters, raw labels 1-5, as the `diagnoses` array of the statsmodels test file.
  const diagnoses = [[4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5], [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5]];
  const ratings = diagnoses.flatMap((row, s) => row.map((label, r) => ({ item: `s${s}`, annotator: `rater${r + 1}`, label })));
  assertClose(analyzeAgreement(ratings).fleiss_kappa, 0.4302445, 'fleiss', 0, 5e-8);
});

test('Fleiss free-marginal cases: [[7,1],[3,5]] 0.161905 and [[6,1,0],[0,7,0]] 0.708333', () => {
  assertClose(analyzeAgreement(fromCounts([[7, 1], [3, 5]])).fleiss_kappa, 0.161905, 'first', 0, 5e-7);
  assertClose(analyzeAgreement(fromCounts([[6, 1, 0], [0, 7, 0]])).fleiss_kappa, 0.708333, 'second', 0, 5e-7);
});

/** The non-zero cells of a dense contingency table. */
function cells(table: number[][]): [number, number, number][] {
  return table.flatMap((row, i) => row.map((x, j): [number, number, number] => [i, j, x])).filter((c) => c[2] > 0);
}

test('Cohen (statsmodels, SAS): 3 x 3 table [[0,4,1],[0,8,0],[0,1,5]] gives 0.4842', () => {
  assertClose(cohenKappa(cells([[0, 4, 1], [0, 8, 0], [0, 1, 5]])), 0.4842, 'kappa', 0, 5e-5);
  // The same table as ratings, through the whole analysis.
  const table = [[0, 4, 1], [0, 8, 0], [0, 1, 5]];
  const ratings: Rating[] = [];
  let item = 0;
  table.forEach((row, i) => row.forEach((count, j) => {
    for (let k = 0; k < count; k++, item++) ratings.push({ item: `i${item}`, annotator: 'a', label: i }, { item: `i${item}`, annotator: 'b', label: j });
  }));
  const r = analyzeAgreement(ratings);
  assert.equal(r.cohen_kappa_pairs.length, 1);
  assertClose(r.cohen_kappa_pairs[0]!.kappa, 0.4842, 'pair kappa', 0, 5e-5);
});

test('Artstein & Poesio two-coder table: Cohen 0.801325', () => {
  const table = [[10, 0, 0], [6, 32, 6], [0, 0, 46]];
  assertClose(cohenKappa(cells(table)), 0.801325, 'kappa', 0, 5e-7);
});

test('Artstein & Poesio file (nltk doctest): observed agreement 0.88, Cohen 0.801325', (t) => {
  const file = path.resolve(__dirname, '..', '..', 'shared', 'fixtures', 'real', 'annotation_preference', 'nltk_artstein_poesio_example.txt');
  if (!fs.existsSync(file)) {
    t.skip(`${file} is absent (../shared fixtures not available)`);
    return;
  }
  const ratings = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => {
    const [annotator, item, label] = l.split('\t');
    return { annotator: annotator!, item: item!, label: label!.trim() };
  });
  const r = analyzeAgreement(ratings);
  assert.equal(r.n_items, 100);
  assertClose(r.percent_agreement, 0.88, 'avg_Ao', 1e-12);
  assertClose(r.cohen_kappa_pairs[0]!.kappa, 0.801325, 'kappa', 0, 5e-7);
});

test('disagreements rank the least agreed items first; per-annotator figures', () => {
  const ratings: Rating[] = [
    { item: 'x', annotator: 'a', label: 'p' }, { item: 'x', annotator: 'b', label: 'q' }, { item: 'x', annotator: 'c', label: 'r' },
    { item: 'y', annotator: 'a', label: 'p' }, { item: 'y', annotator: 'b', label: 'p' }, { item: 'y', annotator: 'c', label: 'q' },
    { item: 'z', annotator: 'a', label: 'p' }, { item: 'z', annotator: 'b', label: 'p' }, { item: 'z', annotator: 'c', label: 'p' },
  ];
  const r = analyzeAgreement(ratings);
  assert.deepEqual(r.disagreements.map((d) => [d.item, d.agreement]), [['x', 0], ['y', 1 / 3]]);
  assert.deepEqual(r.disagreements[1]!.labels, { p: 2, q: 1 });
  const a = r.per_annotator.find((p) => p.annotator === 'a')!;
  // a's label matches the others' unique majority on y and z; x has no majority.
  assert.equal(a.agreement_with_majority, 1);
  assert.equal(r.per_annotator.find((p) => p.annotator === 'c')!.agreement_with_majority, 0.5);
});

test('no pairable ratings and non-numeric interval labels are AnalysisErrors', () => {
  assert.throws(() => analyzeAgreement([]), AnalysisError);
  assert.throws(() => analyzeAgreement([{ item: 'x', annotator: 'a', label: 1 }]), /two or more annotators/);
  assert.throws(() => analyzeAgreement([{ item: 'x', annotator: 'a', label: 'hi' }, { item: 'x', annotator: 'b', label: 'lo' }], { level: 'interval' }), /numeric labels/);
});

// How fast is bench/analysis.ts's business; here the test's timeout only guards against the
// label x label matrices (10,000^2 cells) that would make this hang or run out of memory.
test('ten thousand distinct free-text labels: no label x label matrices', { timeout: 60_000 }, () => {
  const ratings: Rating[] = [];
  for (let i = 0; i < 20000; i++) {
    ratings.push({ item: `i${i}`, annotator: 'a', label: `text ${i % 10000}` }, { item: `i${i}`, annotator: 'b', label: `text ${(i * 7) % 10000}` });
  }
  const r = analyzeAgreement(ratings);
  assert.equal(r.n_items, 20000);
  assert.ok(r.krippendorff_alpha < 0.1);
});
