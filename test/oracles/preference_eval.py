"""Independent oracle for the preference-eval analysis (reward-model evaluation): generates seeded
preference pairs and computes every figure with numpy, scipy and statsmodels, following
docs/analyses.md. Writes test/fixtures/oracles/preference-eval.json, which
test/analysis-preference-eval.test.ts compares against.

    /usr/bin/python3 test/oracles/preference_eval.py      # Debian's python: it has statsmodels

Written from the definitions (statsmodels' Wilson interval, exact McNemar and Holm; scipy's
Spearman; numpy's quantiles and histogram), not translated from the TypeScript. The calibration
figures reuse the calibration oracle (analyses.py), itself independent of the TypeScript.
"""
import json
import math
import os
import sys

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, os.path.dirname(__file__))
from analyses import mulberry32, top_label_figures  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'oracles', 'preference-eval.json')

EXAMPLE_COUNTS = {  # allenai/reward-bench rewardbench/constants.py
    'alpacaeval-easy': 100, 'alpacaeval-length': 95, 'alpacaeval-hard': 95, 'mt-bench-easy': 28, 'mt-bench-med': 40,
    'mt-bench-hard': 37, 'llmbar-natural': 100, 'llmbar-adver-neighbor': 134, 'llmbar-adver-GPTInst': 92,
    'llmbar-adver-GPTOut': 47, 'llmbar-adver-manual': 46, 'refusals-dangerous': 100, 'refusals-offensive': 100,
    'xstest-should-refuse': 154, 'xstest-should-respond': 250, 'donotanswer': 136, 'math-prm': 984,
    'hep-cpp': 164, 'hep-go': 164, 'hep-java': 164, 'hep-js': 164, 'hep-python': 164, 'hep-rust': 164,
}
SUBSET_MAPPING = {
    'Chat': ['alpacaeval-easy', 'alpacaeval-length', 'alpacaeval-hard', 'mt-bench-easy', 'mt-bench-med'],
    'Chat Hard': ['mt-bench-hard', 'llmbar-natural', 'llmbar-adver-neighbor', 'llmbar-adver-GPTInst', 'llmbar-adver-GPTOut', 'llmbar-adver-manual'],
    'Safety': ['refusals-dangerous', 'refusals-offensive', 'xstest-should-refuse', 'xstest-should-respond', 'donotanswer'],
    'Reasoning': ['math-prm', 'hep-cpp', 'hep-go', 'hep-java', 'hep-js', 'hep-python', 'hep-rust'],
}


def f(x):
    return None if x is None else float(x)


def wilson(k, n, level):
    lo, hi = proportion_confint(k, n, alpha=1 - level, method='wilson')
    return [f(lo), f(hi)]


def boot(correct_by_model, iterations, seed, level):
    """Resample pair indices floor(u * n) with the engine's mulberry32 stream; percentile intervals."""
    if iterations == 0:
        return None, None
    n = len(correct_by_model[0])
    rnd = mulberry32(seed)
    acc = np.zeros((len(correct_by_model), iterations))
    C = np.array(correct_by_model, dtype=float)
    for it in range(iterations):
        pick = np.array([math.floor(rnd() * n) for _ in range(n)])
        acc[:, it] = C[:, pick].sum(axis=1) / n

    def ci(xs):
        return {'low': f(np.quantile(xs, (1 - level) / 2)), 'high': f(np.quantile(xs, (1 + level) / 2)), 'level': level, 'iterations': iterations, 'seed': seed}
    per_model = [ci(a) for a in acc]
    diffs = [ci(acc[a] - acc[b]) for a in range(len(acc)) for b in range(a + 1, len(acc))]
    return per_model, diffs


def categories(correct, cats, level):
    if cats is None:
        return []
    out = []
    for name in sorted({c for c in cats if c is not None}):
        m = np.array([c == name for c in cats])
        k = int(correct[m].sum())
        out.append({'name': name, 'n': int(m.sum()), 'accuracy': f(k / m.sum()), 'accuracy_ci': wilson(k, int(m.sum()), level)})
    return out


def sections(cats):
    metrics = {c['name']: c for c in cats}
    out = []
    for name, subsets in SUBSET_MAPPING.items():
        present = [s for s in subsets if s in metrics]
        if not present:
            continue
        w = sum(EXAMPLE_COUNTS[s] for s in present)
        out.append({'name': name, 'accuracy': f(sum(metrics[s]['accuracy'] * EXAMPLE_COUNTS[s] for s in present) / w), 'n': sum(metrics[s]['n'] for s in present), 'subsets': present})
    score = f(np.mean([s['accuracy'] for s in out])) if out else None
    return out, score


def spearman(x, y):
    if len(x) < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return None, None
    r = stats.spearmanr(x, y)
    return f(r.correlation), f(r.pvalue)


def case(name, models, cats, cl, rl, iterations, seed, bins=15, level=0.95):
    n = len(models[0][1])
    facts = []
    for mname, ch, rj in models:
        margin = np.asarray(ch) - np.asarray(rj)
        correct = (margin > 0).astype(int)
        facts.append((mname, margin, correct))
    acc_ci, diff_ci = boot([c for _, _, c in facts], iterations, seed, level)
    have_len = cl is not None
    if have_len:
        cl_a, rl_a = np.asarray(cl, float), np.asarray(rl, float)
        ok = np.isfinite(cl_a) & np.isfinite(rl_a)
        d = (cl_a - rl_a)[ok]
        length_pairs = int(ok.sum())
        longer = int((d > 0).sum())
        equal = int((d == 0).sum())
        longer_share = f(longer / (length_pairs - equal)) if length_pairs - equal > 0 else None
        baseline = f((longer + 0.5 * equal) / length_pairs) if length_pairs else None
    else:
        ok, d, length_pairs, longer_share, baseline = None, None, 0, None, None

    model_rows = []
    for k, (mname, margin, correct) in enumerate(facts):
        cats_k = categories(correct, cats, level)
        secs, score = sections(cats_k)
        conf = 1 / (1 + np.exp(-np.abs(margin)))
        cal, _ = top_label_figures(conf, correct, bins)
        rho = spearman(margin[ok], d)[0] if have_len and length_pairs else None
        model_rows.append({
            'name': mname, 'n': n, 'ties': int((margin == 0).sum()), 'accuracy': f(correct.mean()),
            'accuracy_ci': wilson(int(correct.sum()), n, level), 'accuracy_bootstrap_ci': acc_ci[k] if acc_ci else None,
            'categories': cats_k, 'sections': secs, 'rewardbench_score': score, 'length_margin_spearman': rho,
            'mean_margin': f(margin.mean()), 'ece': cal['ece'], 'brier': cal['brier'],
        })
    comps = []
    pvals = []
    pair = 0
    for a in range(len(facts)):
        for b in range(a + 1, len(facts)):
            ca, cb = facts[a][2], facts[b][2]
            table = [[int(((ca == 1) & (cb == 1)).sum()), int(((ca == 1) & (cb == 0)).sum())],
                     [int(((ca == 0) & (cb == 1)).sum()), int(((ca == 0) & (cb == 0)).sum())]]
            p = mcnemar(table, exact=True).pvalue
            pvals.append(p)
            comps.append({'a': facts[a][0], 'b': facts[b][0], 'n': n, 'accuracy_a': f(ca.mean()), 'accuracy_b': f(cb.mean()),
                          'accuracy_difference': f(ca.mean() - cb.mean()), 'difference_ci': diff_ci[pair] if diff_ci else None,
                          'only_a_correct': table[0][1], 'only_b_correct': table[1][0], 'mcnemar_p_value': f(p)})
            pair += 1
    if pvals:
        rej, adj, _, _ = multipletests(pvals, alpha=1 - level, method='holm')
        for c, p, r in zip(comps, adj, rej):
            c['p_value_adjusted'] = f(p)
            c['significant'] = bool(p < 1 - level)

    margin0 = facts[0][1]
    conf0 = 1 / (1 + np.exp(-np.abs(margin0)))
    cal0, _ = top_label_figures(conf0, facts[0][2], bins)
    counts, edges = np.histogram(margin0, bins=20)
    rho, rho_p = spearman(margin0[ok], d) if have_len and length_pairs else (None, None)
    first = model_rows[0]
    expected = {
        'n': n, 'ties': first['ties'], 'accuracy': first['accuracy'], 'accuracy_ci': first['accuracy_ci'],
        'accuracy_bootstrap_ci': first['accuracy_bootstrap_ci'], 'categories': first['categories'],
        'sections': first['sections'], 'rewardbench_score': first['rewardbench_score'],
        'margin': {
            'mean': f(margin0.mean()), 'std': f(margin0.std()), 'min': f(margin0.min()),
            'q05': f(np.quantile(margin0, 0.05)), 'q25': f(np.quantile(margin0, 0.25)), 'median': f(np.quantile(margin0, 0.5)),
            'q75': f(np.quantile(margin0, 0.75)), 'q95': f(np.quantile(margin0, 0.95)), 'max': f(margin0.max()),
            'histogram': [{'lower': f(edges[i]), 'upper': f(edges[i + 1]), 'count': int(counts[i])} for i in range(20)],
        },
        'length_pairs': length_pairs, 'longer_chosen_share': longer_share, 'longer_baseline_accuracy': baseline,
        'length_margin_spearman': rho, 'length_margin_spearman_p_value': rho_p,
        'calibration': cal0, 'level': level, 'models': model_rows, 'comparisons': comps,
    }
    return {
        'name': name,
        'input': {
            'models': [{'name': m, 'chosen': list(map(float, c)), 'rejected': list(map(float, r))} for m, c, r in models],
            'category': cats, 'chosenLength': None if cl is None else [None if not np.isfinite(x) else float(x) for x in cl],
            'rejectedLength': None if rl is None else [None if not np.isfinite(x) else float(x) for x in rl],
        },
        'options': {'bins': bins, 'bootstrapIterations': iterations, 'bootstrapSeed': seed},
        'expected': expected,
    }


def scores(rng, n, skill):
    chosen = rng.normal(0, 1, n) + rng.normal(skill, 1.2, n)
    rejected = rng.normal(0, 1, n)
    return np.round(chosen, 3), np.round(rejected, 3)  # rounding makes exact score ties


def main():
    rng = np.random.default_rng(20261201)
    cases = []

    # One model on RewardBench-named subsets plus a custom category; lengths with ties and gaps.
    n = 1500
    names = ['alpacaeval-easy', 'mt-bench-hard', 'llmbar-natural', 'xstest-should-respond', 'donotanswer', 'math-prm', 'hep-python', 'hep-go', 'custom-tone']
    cats = [str(x) for x in rng.choice(names, n)]
    cats[:25] = [None] * 25
    ch, rj = scores(rng, n, 0.6)
    cl = rng.integers(50, 900, n).astype(float)
    rl = rng.integers(50, 900, n).astype(float)
    # longer responses get higher scores: a length-biased model
    ch = ch + (cl - rl) / 800
    ch = np.round(ch, 3)
    ch[:15] = rj[:15]  # exact score ties
    rl[30:60] = cl[30:60]
    cl[60:70] = np.nan
    cases.append(case('one model, RewardBench subsets, lengths', [('model', ch, rj)], cats, cl, rl, 300, 7))

    # Three models on the same pairs: paired differences, Holm across the three pairs.
    n = 800
    cats = [str(x) for x in rng.choice(['helpfulness', 'harmlessness', 'honesty'], n)]
    base = rng.normal(0, 1, n)
    models = []
    for mname, skill in [('rm_v1', 0.5), ('rm_v2', 0.9), ('rm_v3', 0.55)]:
        c = np.round(base + rng.normal(skill, 1.0, n), 3)
        r = np.round(rng.normal(0, 1, n), 3)
        models.append((mname, c, r))
    cl = rng.integers(10, 400, n).astype(float)
    rl = rng.integers(10, 400, n).astype(float)
    cases.append(case('three models, paired comparisons', models, cats, cl, rl, 200, 3))

    # Two very different models: tiny exact McNemar p-value; no categories, no lengths.
    n = 3000
    a_c, a_r = scores(rng, n, 1.5)
    b_c, b_r = scores(rng, n, 0.1)
    cases.append(case('two models, tiny p-value', [('strong', a_c, a_r), ('weak', b_c, b_r)], None, None, None, 0, 1))

    # Few pairs, every pair ranked right, constant length difference (Spearman undefined).
    n = 12
    ch = np.arange(n) + 2.0
    rj = np.arange(n) * 0.5
    cl = np.full(n, 100.0)
    rl = np.full(n, 80.0)
    cases.append(case('twelve pairs, all correct', [('model', ch, rj)], None, cl, rl, 50, 11, bins=5))

    out = {'generated_by': 'test/oracles/preference_eval.py', 'numpy': np.__version__, 'scipy': __import__('scipy').__version__,
           'statsmodels': __import__('statsmodels').__version__, 'cases': cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump(out, fh, separators=(',', ':'))
    print(f'wrote {OUT} ({os.path.getsize(OUT) // 1024} KiB)')


if __name__ == '__main__':
    main()
