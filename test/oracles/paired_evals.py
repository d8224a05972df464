"""Independent oracle for `rlhf-lens compare-evals` (analysis/paired.ts): writes seeded eval files
of two policies judged on the same prompts (test/fixtures/paired/) and computes every figure with
statsmodels and scipy: the exact McNemar p-value (statsmodels mcnemar(exact=True)) for a 0/1 win
metric, the paired t-test (scipy.stats.ttest_rel) and its t interval for a continuous score, and the
paired percentile bootstrap of the mean difference with the engine's mulberry32 stream (resample n
keys floor(u * n); numpy linear quantiles). Writes test/fixtures/oracles/paired-evals.json.

    /usr/bin/python3 test/oracles/paired_evals.py      # Debian's python: it has statsmodels

Pairing follows docs/commands.md: rows joined on the key, in file A's order; a row without the key
or with a metric that is not a number / boolean is skipped; keys in one file only are counted.
"""
import json
import os
import sys

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

sys.path.insert(0, os.path.dirname(__file__))
from analyses import mulberry32  # noqa: E402

HERE = os.path.dirname(__file__)
FIX = os.path.join(HERE, '..', 'fixtures', 'paired')
OUT = os.path.join(HERE, '..', 'fixtures', 'oracles', 'paired-evals.json')
ITERATIONS = 2000
SEED = 7


def bootstrap(d, iterations, seed, level):
    n = len(d)
    rnd = mulberry32(seed)
    means = np.empty(iterations)
    for it in range(iterations):
        s = 0.0
        for _ in range(n):
            s += d[int(rnd() * n)]
        means[it] = s / n
    return {'low': float(np.quantile(means, (1 - level) / 2)), 'high': float(np.quantile(means, (1 + level) / 2)), 'level': level, 'iterations': iterations, 'seed': seed}


def pair(a, b):
    keys = [k for k in a if k in b]
    return np.array([a[k] for k in keys], dtype=float), np.array([b[k] for k in keys], dtype=float), len(keys)


def write_jsonl(name, rows):
    with open(os.path.join(FIX, name), 'w') as fh:
        for r in rows:
            fh.write(json.dumps(r) + '\n')


def main():
    os.makedirs(FIX, exist_ok=True)
    rng = np.random.default_rng(13)
    n = 400
    ids = [f'p{i:04d}' for i in range(n)]
    # Binary: policy B wins more often than A on the same prompts (correlated judgements).
    skill = rng.normal(0, 1, n)
    win_a = (skill + rng.normal(0, 1, n) > 0.3).astype(int)
    win_b = (skill + rng.normal(0, 1, n) > 0.0).astype(int)
    rows_a = [{'prompt_id': ids[i], 'win': bool(win_a[i]) if i % 3 == 0 else int(win_a[i])} for i in range(n - 10)]
    rows_a.append({'prompt_id': 'p9999', 'win': 1})  # only in A
    rows_a.append({'prompt_id': 'p0500', 'win': 'maybe'})  # skipped: not a number
    rows_b = [{'prompt_id': ids[i], 'win': int(win_b[i])} for i in range(5, n)]
    rows_b.append({'win': 1})  # skipped: no key
    write_jsonl('policy_a.jsonl', rows_a)
    write_jsonl('policy_b.jsonl', rows_b)
    a = {r['prompt_id']: float(r['win']) for r in rows_a if isinstance(r['win'], (int, bool))}
    b = {r['prompt_id']: float(r['win']) for r in rows_b if 'prompt_id' in r}
    x, y, m = pair(a, b)
    table = [[int(((x == 1) & (y == 1)).sum()), int(((x == 1) & (y == 0)).sum())], [int(((x == 0) & (y == 1)).sum()), int(((x == 0) & (y == 0)).sum())]]
    binary = {
        'n_a': len(a), 'n_b': len(b), 'n': m, 'only_a': len(a) - m, 'only_b': len(b) - m,
        'mean_a': float(x.mean()), 'mean_b': float(y.mean()), 'difference': float(y.mean() - x.mean()),
        'discordant': {'a_only': table[0][1], 'b_only': table[1][0], 'both': table[0][0], 'neither': table[1][1]},
        'p_value': float(mcnemar(table, exact=True).pvalue),
        'difference_ci': bootstrap(list(y - x), ITERATIONS, SEED, 0.95),
        'skipped_a': 1, 'skipped_b': 1,
    }
    # Continuous: judge scores of two checkpoints on the same items (CSV), B slightly better.
    base = rng.normal(6, 1.5, 250)
    sa = np.round(base + rng.normal(0, 0.8, 250), 3)
    sb = np.round(base + 0.15 + rng.normal(0, 0.8, 250), 3)
    order = rng.permutation(250)  # B's rows in another order: pairing is by key, not position
    with open(os.path.join(FIX, 'scores_a.csv'), 'w') as fh:
        fh.write('item,score\n' + ''.join(f'{i},{sa[i]}\n' for i in range(250)))
    with open(os.path.join(FIX, 'scores_b.csv'), 'w') as fh:
        fh.write('item,score\n' + ''.join(f'{i},{sb[i]}\n' for i in order))
    d = sb - sa
    t = stats.ttest_rel(sb, sa)
    se = d.std(ddof=1) / np.sqrt(len(d))
    half = stats.t.ppf(0.975, len(d) - 1) * se
    continuous = {
        'n': 250, 'mean_a': float(sa.mean()), 'mean_b': float(sb.mean()), 'difference': float(d.mean()),
        't_test': {'statistic': float(t.statistic), 'df': len(d) - 1, 'difference_sd': float(d.std(ddof=1)), 'difference_ci': [float(d.mean() - half), float(d.mean() + half)]},
        'p_value': float(t.pvalue),
        'difference_ci': bootstrap(list(d), ITERATIONS, SEED, 0.95),
    }
    with open(OUT, 'w') as fh:
        json.dump({'generated_by': 'test/oracles/paired_evals.py', 'statsmodels': __import__('statsmodels').__version__, 'scipy': __import__('scipy').__version__,
                   'iterations': ITERATIONS, 'seed': SEED, 'binary': binary, 'continuous': continuous}, fh, indent=1)
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
