"""Independent oracle for the analyses: generates seeded inputs and computes every figure with
numpy/scipy, following the conventions of docs/analyses.md. Writes test/fixtures/oracles/analyses.json,
which test/analysis-*.test.ts compare against.

    python3 test/oracles/analyses.py

numpy + scipy only. The code here is written from the definitions, not translated from the
TypeScript, so an error in either shows up as a mismatch.
"""
import json
import math
import os

import numpy as np
from scipy import integrate, optimize, stats
from scipy.spatial.distance import jensenshannon
from scipy.special import expit

OUT = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'oracles', 'analyses.json')
CLIP = 1e-12


def f(x):
    return None if x is None else float(x)


# ------------------------------------------------------------------ calibration

def top_label_figures(conf, correct, bins):
    conf = np.asarray(conf, float)
    correct = np.asarray(correct, float)
    n = len(conf)
    edges = np.linspace(0, 1, bins + 1)
    # bin i = (edges[i], edges[i+1]], the first bin also holds 0
    idx = np.clip(np.searchsorted(edges, conf, side='left') - 1, 0, bins - 1)
    ece = 0.0
    mce = 0.0
    rows = []
    for b in range(bins):
        m = idx == b
        c = int(m.sum())
        if c:
            acc = correct[m].mean()
            mc = conf[m].mean()
            gap = abs(acc - mc)
            ece += c / n * gap
            mce = max(mce, gap)
            rows.append({'lower': f(edges[b]), 'upper': f(edges[b + 1]), 'count': c, 'mean_confidence': f(mc), 'accuracy': f(acc)})
        else:
            rows.append({'lower': f(edges[b]), 'upper': f(edges[b + 1]), 'count': 0, 'mean_confidence': None, 'accuracy': None})
    order = np.argsort(conf, kind='stable')
    aece = 0.0
    for chunk in np.array_split(order, bins):
        if len(chunk):
            aece += len(chunk) / n * abs(correct[chunk].mean() - conf[chunk].mean())
    p_true = np.clip(np.where(correct == 1, conf, 1 - conf), CLIP, 1 - CLIP)
    return {
        'n': n, 'accuracy': f(correct.mean()), 'mean_confidence': f(conf.mean()), 'ece': f(ece), 'mce': f(mce),
        'adaptive_ece': f(aece), 'brier': f(np.mean((conf - correct) ** 2)), 'nll': f(np.mean(-np.log(p_true))), 'bins': rows,
    }, idx


def softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def nxt():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296
    return nxt


def bootstrap_intervals(conf, correct, bins, iterations, seed, level):
    """Percentile bootstrap of every figure, the resamples drawn with the engine's mulberry32 stream."""
    n = len(conf)
    rnd = mulberry32(seed)
    draws = {'ece': [], 'mce': [], 'adaptive_ece': [], 'brier': [], 'nll': []}
    for _ in range(iterations):
        pick = np.array([math.floor(rnd() * n) for _ in range(n)])
        fig, _ = top_label_figures(conf[pick], correct[pick], bins)
        for k in draws:
            draws[k].append(fig[k])
    def ci(xs):
        return {'low': f(np.quantile(xs, (1 - level) / 2)), 'high': f(np.quantile(xs, (1 + level) / 2)), 'level': level, 'iterations': iterations, 'seed': seed}
    return {f'{k}_ci': ci(v) for k, v in draws.items()}


def calibration_cases(rng):
    cases = []
    # top-label, with confidences exactly on bin edges (k/15), 0 and 1, and ties
    n = 3000
    conf = rng.beta(5, 2, n)
    conf[:60] = np.arange(60) % 16 / 15
    conf[60:120] = 0.5
    correct = (rng.random(n) < conf * 0.9).astype(int)
    fig, _ = top_label_figures(conf, correct, 15)
    cases.append({'name': 'top-label with edge values', 'input': {'kind': 'top-label', 'confidence': conf.tolist(), 'correct': correct.tolist()}, 'options': {'bins': 15}, 'expected': {**fig, 'temperature': None}})
    # binary {prob, label}; reduced to top label with argmax (a tie 0.5 predicts 0)
    prob = rng.random(1500)
    prob[:10] = 0.5
    label = (rng.random(1500) < prob ** 1.3).astype(int)
    pred = (prob > 0.5).astype(int)
    fig, _ = top_label_figures(np.where(pred == 1, prob, 1 - prob), (pred == label).astype(int), 10)
    cases.append({'name': 'binary', 'input': {'kind': 'binary', 'prob': prob.tolist(), 'label': label.tolist()}, 'options': {'bins': 10}, 'expected': {**fig, 'temperature': None}})
    # multiclass probabilities
    k = 4
    probs = rng.dirichlet(np.ones(k) * 0.7, 1200)
    lab = np.array([rng.choice(k, p=p) for p in probs])
    fig, _ = top_label_figures(probs.max(1), (probs.argmax(1) == lab).astype(int), 15)
    cases.append({'name': 'multiclass probs', 'input': {'kind': 'multiclass', 'values': probs.ravel().tolist(), 'classes': k, 'label': lab.tolist(), 'logits': False}, 'options': {}, 'expected': {**fig, 'temperature': None}})
    # multiclass logits (overconfident: true temperature 2)
    logits = rng.normal(0, 3, (1500, 5))
    lab = np.array([rng.choice(5, p=p) for p in softmax(logits / 2)])
    p = softmax(logits)
    fig, _ = top_label_figures(p.max(1), (p.argmax(1) == lab).astype(int), 15)

    def ce(beta):
        z = beta * logits
        return np.mean(np.log(np.exp(z - z.max(1, keepdims=True)).sum(1)) + z.max(1) - z[np.arange(len(lab)), lab])
    beta = optimize.minimize_scalar(ce, bounds=(1e-3, 1e3), method='bounded', options={'xatol': 1e-12}).x
    t = 1 / beta
    pt = softmax(logits / t)
    after, _ = top_label_figures(pt.max(1), (pt.argmax(1) == lab).astype(int), 15)
    cases.append({'name': 'multiclass logits', 'input': {'kind': 'multiclass', 'values': logits.ravel().tolist(), 'classes': 5, 'label': lab.tolist(), 'logits': True}, 'options': {}, 'expected': {**fig, 'temperature': {'value': f(t), 'nll': after['nll'], 'ece': after['ece']}}})
    # reward-model pairs: correct = chosen scored higher; p = sigmoid(chosen - rejected)
    m = 2500
    margin = rng.normal(0.8, 1.5, m)
    chosen = rng.normal(0, 1, m) + margin
    rejected = chosen - margin * 2.5
    rejected[:5] = chosen[:5]  # ties: p = 0.5, not correct
    d = chosen - rejected
    pc = 1 / (1 + np.exp(-d))
    fig, idx = top_label_figures(np.maximum(pc, 1 - pc), (d > 0).astype(int), 15)

    def logistic_nll(beta):
        return np.mean(np.logaddexp(0, -beta * d))
    beta = optimize.brentq(lambda b: np.mean(-d * (1 - expit(b * d))), 1e-4, 1e4, xtol=1e-15, rtol=1e-15)
    assert abs(optimize.minimize_scalar(logistic_nll, bounds=(1e-4, 1e2), method='bounded').x - beta) < 1e-4
    ps = 1 / (1 + np.exp(-d * beta))
    after, _ = top_label_figures(np.maximum(ps, 1 - ps), (d > 0).astype(int), 15)
    conf_pairs = np.maximum(pc, 1 - pc)
    cis = bootstrap_intervals(conf_pairs, (d > 0).astype(float), 15, 40, 7, 0.9)
    cases.append({'name': 'reward pairs', 'input': {'kind': 'pairs', 'chosen': chosen.tolist(), 'rejected': rejected.tolist()}, 'options': {'bootstrapIterations': 40, 'bootstrapSeed': 7, 'bootstrapLevel': 0.9},
                  'expected': {**fig, 'temperature': {'value': f(1 / beta), 'nll': after['nll'], 'ece': after['ece']}, **cis}})
    return cases


# ------------------------------------------------------------------ A/B

def holm(p):
    p = np.asarray(p, float)
    m = len(p)
    order = np.argsort(p, kind='stable')
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def ab_cases(rng):
    cases = []
    variants = ['control', 'b', 'c']
    traffic = {'control': 0.5, 'b': 0.25, 'c': 0.25}
    units = {'control': 20113, 'b': 9960, 'c': 10170}
    conv = {'control': 0.100, 'b': 0.108, 'c': 0.097}
    binom = {v: {'n': units[v], 'successes': int(rng.binomial(units[v], conv[v]))} for v in variants}
    cont = {}
    raw = {}
    for v, mu in zip(variants, [250.0, 262.0, 249.0]):
        x = rng.gamma(4, mu / 4, units[v] // 10)
        raw[v] = x
        cont[v] = {'n': len(x), 'mean': f(x.mean()), 'variance': f(x.var(ddof=1))}
    conf = 0.95
    for method, correction in [('frequentist', 'holm'), ('frequentist', 'bonferroni'), ('sequential', 'none')]:
        metrics = []
        for name, typ, data in [('success', 'binomial', binom), ('latency_ms', 'continuous', cont)]:
            results = []
            c = data['control']
            for v in ['b', 'c']:
                d = data[v]
                if typ == 'binomial':
                    p1, p0 = d['successes'] / d['n'], c['successes'] / c['n']
                    table = np.array([[d['successes'], d['n'] - d['successes']], [c['successes'], c['n'] - c['successes']]])
                    chi2, p_chi, _, _ = stats.chi2_contingency(table, correction=False)
                    se = math.sqrt(p1 * (1 - p1) / d['n'] + p0 * (1 - p0) / c['n'])
                    q = stats.norm.ppf(1 - (1 - conf) / 2)
                    ci = [p1 - p0 - q * se, p1 - p0 + q * se]
                    p = p_chi
                    a1, b1, a0, b0 = 1 + d['successes'], 1 + d['n'] - d['successes'], 1 + c['successes'], 1 + c['n'] - c['successes']
                    lo, hi = stats.beta.ppf([1e-12, 1 - 1e-12], a1, b1)
                    ctb = integrate.quad(lambda x: stats.beta.pdf(x, a1, b1) * stats.beta.cdf(x, a0, b0), lo, hi, epsabs=1e-10, limit=200, points=[p1, p0])[0]
                    mean, cmean = p1, p0
                    if method == 'sequential':
                        pooled = (d['successes'] + c['successes']) / (d['n'] + c['n'])
                        V = se ** 2
                        tau2 = 0.01 * pooled * (1 - pooled)
                else:
                    r = stats.ttest_ind(raw[v], raw['control'], equal_var=False)
                    p = r.pvalue
                    ci = list(r.confidence_interval(conf))
                    ctb = None
                    mean, cmean = d['mean'], c['mean']
                    if method == 'sequential':
                        V = d['variance'] / d['n'] + c['variance'] / c['n']
                        tau2 = 0.01 * (d['variance'] + c['variance']) / 2
                diff = mean - cmean
                if method == 'sequential':
                    # mixture likelihood ratio of the normal-mixture SPRT, from its definition
                    lr = integrate.quad(lambda th: stats.norm.pdf(diff, th, math.sqrt(V)) * stats.norm.pdf(th, 0, math.sqrt(tau2)), -50 * math.sqrt(tau2), 50 * math.sqrt(tau2), epsabs=0, epsrel=1e-12, limit=500, points=[0, diff])[0] / stats.norm.pdf(diff, 0, math.sqrt(V))
                    p = min(1.0, 1 / lr)
                    # the interval is the set of effects whose mixture LR stays below 1/alpha
                    half = optimize.brentq(lambda h: 0.5 * math.log(V / (V + tau2)) + h * h * tau2 / (2 * V * (V + tau2)) - math.log(1 / (1 - conf)), 0, 100 * math.sqrt(V + tau2), xtol=1e-15)
                    ci = [diff - half, diff + half]
                results.append({'variant': v, 'n': d['n'], 'mean': f(mean), 'control_n': c['n'], 'control_mean': f(cmean), 'abs_diff': f(diff), 'rel_lift': f(diff / cmean),
                                'ci_low': f(ci[0]), 'ci_high': f(ci[1]), 'p_value': f(p), 'chance_to_beat_control': f(ctb)})
            ps = [r['p_value'] for r in results]
            adj = holm(ps) if correction == 'holm' else np.minimum(1, np.array(ps) * len(ps)) if correction == 'bonferroni' else np.array(ps)
            for r, a in zip(results, adj):
                r['p_value_adjusted'] = f(a)
                r['significant'] = bool(a < 1 - conf)
            metrics.append({'name': name, 'type': typ, 'results': results})
        obs = np.array([units[v] for v in variants], float)
        exp_share = np.array([traffic[v] for v in variants])
        srm = stats.chisquare(obs, obs.sum() * exp_share)
        cases.append({
            'name': f'{method} {correction}',
            'input': {'units': units, 'metrics': [{'name': 'success', 'type': 'binomial', 'byVariant': binom}, {'name': 'latency_ms', 'type': 'continuous', 'byVariant': cont}]},
            'options': {'variants': variants, 'control': 'control', 'traffic': traffic, 'confidence': conf, 'correction': correction, 'method': method,
                        'metricSpecs': [{'name': 'success', 'primary': True}, {'name': 'latency_ms', 'direction': 'decrease', 'guardrail': {'max_relative_change': 0.03}}]},
            'expected': {'srm': {'chi2': f(srm.statistic), 'p_value': f(srm.pvalue), 'mismatch': bool(srm.pvalue < 0.001)}, 'metrics': metrics},
        })
    # a sample-ratio mismatch: 50/50 configured, 52/48 observed on 20k units
    mm = stats.chisquare([10400, 9600], [10000, 10000])
    cases.append({'name': 'srm mismatch', 'input': {'units': {'a': 10400, 'b': 9600}, 'metrics': [{'name': 's', 'type': 'binomial', 'byVariant': {'a': {'n': 10400, 'successes': 1000}, 'b': {'n': 9600, 'successes': 1200}}}]},
                  'options': {'variants': ['a', 'b'], 'control': 'a', 'traffic': {'a': 50, 'b': 50}}, 'expected': {'srm': {'chi2': f(mm.statistic), 'p_value': f(mm.pvalue), 'mismatch': bool(mm.pvalue < 0.001)}}})
    # required sample size: search the smallest n whose power (normal approximation, both tails) reaches the target
    sizes = []
    for base, mde in [(0.1, 0.02), (0.5, -0.05), (0.03, 0.005)]:
        za, zb = stats.norm.ppf(0.975), stats.norm.ppf(0.8)
        p2 = base + mde
        pbar = (base + p2) / 2
        n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(base * (1 - base) + p2 * (1 - p2))) ** 2 / mde ** 2
        sizes.append({'baseline': base, 'mde': mde, 'n': math.ceil(n)})
    return cases, sizes


# ------------------------------------------------------------------ agreement

def ordinal_delta(values, counts):
    # values sorted; counts n_g of pairable values
    vs = sorted(values)
    d = {}
    for a in vs:
        for b in vs:
            lo, hi = sorted([vs.index(a), vs.index(b)])
            s = sum(counts[vs[g]] for g in range(lo, hi + 1)) - (counts[a] + counts[b]) / 2
            d[(a, b)] = s * s
    return d


def kripp_alpha(ratings, level):
    """alpha = 1 - D_o / D_e from the pairable values, written from the definition (not the matrix form)."""
    units = {}
    for item, _, lab in ratings:
        units.setdefault(item, []).append(lab)
    units = {u: v for u, v in units.items() if len(v) >= 2}
    pairable = [x for v in units.values() for x in v]
    n = len(pairable)
    counts = {x: pairable.count(x) for x in set(pairable)}
    if level == 'nominal':
        delta = lambda a, b: 0.0 if a == b else 1.0
    elif level == 'interval':
        delta = lambda a, b: (a - b) ** 2
    elif level == 'ratio':
        delta = lambda a, b: ((a - b) / (a + b)) ** 2 if a + b else 0.0
    else:
        table = ordinal_delta(list(counts), counts)
        delta = lambda a, b: table[(a, b)]
    do = 0.0
    for v in units.values():
        m = len(v)
        do += sum(delta(v[i], v[j]) for i in range(m) for j in range(m) if i != j) / (m - 1)
    do /= n
    de = sum(delta(pairable[i], pairable[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    return 1 - do / de


def cohen(pairs):
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    cats = sorted(set(a) | set(b))
    po = np.mean([x == y for x, y in pairs])
    pe = sum((a.count(c) / len(a)) * (b.count(c) / len(b)) for c in cats)
    return None if pe == 1 else (po - pe) / (1 - pe)


def agreement_case(rng, name, ratings, level):
    items = {}
    for it, ann, lab in ratings:
        items.setdefault(it, []).append((ann, lab))
    sizes = {len(v) for v in items.values()}
    multi = [v for v in items.values() if len(v) >= 2]
    pa = np.mean([sum(1 for i in range(len(v)) for j in range(len(v)) if i != j and v[i][1] == v[j][1]) / (len(v) * (len(v) - 1)) for v in multi])
    fleiss = None
    if len(sizes) == 1 and list(sizes)[0] >= 2:
        m = list(sizes)[0]
        cats = sorted({lab for _, _, lab in ratings})
        table = np.array([[sum(1 for _, l in v if l == c) for c in cats] for v in items.values()], float)
        P = (np.sum(table ** 2, 1) - m) / (m * (m - 1))
        pj = table.sum(0) / table.sum()
        fleiss = (P.mean() - np.sum(pj ** 2)) / (1 - np.sum(pj ** 2))
    annotators = sorted({a for _, a, _ in ratings})
    pairs = []
    for i, a in enumerate(annotators):
        for b in annotators[i + 1:]:
            shared = [(dict(v)[a], dict(v)[b]) for v in multi if a in dict(v) and b in dict(v)]
            if len(shared) >= 2:
                pairs.append({'a': a, 'b': b, 'n': len(shared), 'kappa': f(cohen(shared))})
    ks = [p['kappa'] for p in pairs if p['kappa'] is not None]
    return {'name': name, 'ratings': [{'item': i, 'annotator': a, 'label': l} for i, a, l in ratings], 'options': {'level': level},
            'expected': {'n_items': len(items), 'n_annotators': len(annotators), 'n_ratings': len(ratings), 'percent_agreement': f(pa), 'krippendorff_alpha': f(kripp_alpha(ratings, level)),
                         'fleiss_kappa': f(fleiss), 'cohen_kappa_pairs': pairs, 'mean_cohen_kappa': f(np.mean(ks)) if ks else None}}


def agreement_cases(rng):
    cases = []
    # unbalanced: 60 items, 5 annotators, each rating kept with prob 0.7, labels 1..4 near a latent truth
    ratings = []
    for u in range(60):
        truth = rng.integers(1, 5)
        for a in range(5):
            if rng.random() < 0.7:
                lab = int(np.clip(truth + rng.choice([-1, 0, 0, 0, 1]), 1, 4))
                ratings.append((f'item{u:02d}', f'ann{a}', lab))
    for level in ['nominal', 'ordinal', 'interval', 'ratio']:
        cases.append(agreement_case(rng, f'unbalanced {level}', ratings, level))
    # balanced: 40 items, each rated by 3 of 6 annotators (so Fleiss applies), string labels
    ratings = []
    for u in range(40):
        truth = rng.choice(['harmless', 'harmful', 'unsure'], p=[0.6, 0.3, 0.1])
        for a in rng.choice(6, 3, replace=False):
            lab = truth if rng.random() < 0.75 else rng.choice(['harmless', 'harmful', 'unsure'])
            ratings.append((f'q{u}', f'rater{a}', str(lab)))
    cases.append(agreement_case(rng, 'balanced nominal strings', ratings, 'nominal'))
    return cases


# ------------------------------------------------------------------ drift

def drift_numeric(ref, cur):
    edges = np.quantile(ref, np.arange(1, 10) / 10)
    rc = np.bincount(np.searchsorted(edges, ref, side='left'), minlength=10) / len(ref)
    cc = np.bincount(np.searchsorted(edges, cur, side='left'), minlength=10) / len(cur)
    r, c = np.maximum(rc, 1e-4), np.maximum(cc, 1e-4)
    ks = stats.ks_2samp(ref, cur, method='asymp')
    return {'n_reference': len(ref), 'n_current': len(cur), 'psi': f(np.sum((c - r) * np.log(c / r))), 'ks_statistic': f(ks.statistic),
            'ks_p_value': f(ks.pvalue),
            'wasserstein': f(stats.wasserstein_distance(ref, cur)), 'js_distance': f(jensenshannon(rc, cc, base=2)),
            'edges': edges.tolist(), 'reference_shares': rc.tolist(), 'current_shares': cc.tolist()}


def drift_cases(rng):
    cases = []
    ref = np.round(rng.normal(0, 1, 4000), 2)
    # small samples: the finite-n regimes of kstwo (Durbin matrix, Pomeranz, exact Smirnov)
    for name, a, b in [('small', rng.normal(0, 1, 60), rng.normal(0.5, 1, 45)), ('tiny', rng.normal(0, 1, 12), rng.normal(0.2, 1, 9))]:
        exp = drift_numeric(a, b)
        exp['drifted'] = exp['psi'] >= 0.2
        cases.append({'name': name, 'input': {'kind': 'numeric', 'reference': a.tolist(), 'current': b.tolist()}, 'expected': exp})  # rounding makes ties
    for name, cur in [('shifted', np.round(rng.normal(0.25, 1.1, 3000), 2)), ('same', np.round(rng.normal(0, 1, 3500), 2)), ('far', rng.normal(3, 0.5, 800))]:
        exp = drift_numeric(ref, cur)
        exp['drifted'] = exp['psi'] >= 0.2
        cases.append({'name': name, 'input': {'kind': 'numeric', 'reference': ref.tolist(), 'current': cur.tolist()}, 'expected': exp})
    cats = ['a', 'b', 'c', 'd', 'e']
    refc = list(rng.choice(cats, 2000, p=[0.4, 0.3, 0.15, 0.1, 0.05]))
    curc = list(rng.choice(cats + ['f'], 1500, p=[0.3, 0.3, 0.2, 0.1, 0.07, 0.03]))
    keys = list(dict.fromkeys(refc + curc))
    rcnt = np.array([refc.count(k) for k in keys])
    ccnt = np.array([curc.count(k) for k in keys])
    chi2, p, _, _ = stats.chi2_contingency(np.array([rcnt, ccnt]), correction=False)
    rs, cs = rcnt / len(refc), ccnt / len(curc)
    r, c = np.maximum(rs, 1e-4), np.maximum(cs, 1e-4)
    psi = float(np.sum((c - r) * np.log(c / r)))
    cases.append({'name': 'categorical', 'input': {'kind': 'categorical', 'reference': [str(x) for x in refc], 'current': [str(x) for x in curc]},
                  'expected': {'n_reference': len(refc), 'n_current': len(curc), 'psi': psi, 'chi2': f(chi2), 'chi2_p_value': f(p), 'js_distance': f(jensenshannon(rs, cs, base=2)), 'drifted': psi >= 0.2,
                               'categories': keys, 'reference_shares': rs.tolist(), 'current_shares': cs.tolist()}})
    return cases


# ------------------------------------------------------------------ latency

def lat_stats(x, s):
    return {'count': len(x), 'success_rate': f(np.mean(s)), 'mean': f(np.mean(x)), 'p50': f(np.percentile(x, 50)), 'p95': f(np.percentile(x, 95)), 'p99': f(np.percentile(x, 99)), 'max': f(np.max(x))}


def latency_case(rng):
    n = 3000
    t0 = 1_763_800_000_000
    ts = np.sort(rng.integers(t0, t0 + 10 * 60_000, n)).astype(float)
    ts = rng.permutation(ts)  # rows arrive out of order
    groups = rng.choice(['rm-a', 'rm-b', 'rm-c'], n, p=[0.5, 0.3, 0.2])
    lat = np.round(rng.lognormal(5, 0.3, n), 1)
    order = np.argsort(ts, kind='stable')
    spikes = order[[400, 1500, 2500]]
    lat[spikes] = [2500.0, 4000.0, 3100.0]
    ok = (rng.random(n) < 0.97).astype(int)
    overall = lat_stats(lat, ok)
    gs = []
    for g in sorted(set(groups), key=lambda g: (-np.sum(groups == g), g)):
        m = groups == g
        gs.append({'key': g, **lat_stats(lat[m], ok[m])})
    win = 60_000
    starts = np.floor(ts / win) * win
    windows = []
    for s in np.unique(starts):
        m = starts == s
        windows.append({'start': f(s), 'end': f(s + win), **lat_stats(lat[m], ok[m])})
    # each group against the previous 100 requests of the same group, in time order
    anomalies = []
    W = 100
    for pos, i in enumerate(order):
        same = [j for j in order[:pos] if groups[j] == groups[i]][-W:]
        if len(same) < W:
            continue
        w = lat[same]
        med = np.median(w)
        dev = 1.482602218505602 * np.median(np.abs(w - med))
        z = (lat[i] - med) / dev if dev > 0 else 0
        if z >= 5:
            anomalies.append({'index': int(i), 'z': f(z)})
    return {'input': {'timestamp': ts.tolist(), 'latency': lat.tolist(), 'success': ok.tolist(), 'group': groups.tolist()},
            'expected': {'overall': overall, 'groups': gs, 'windows': windows, 'anomalies': anomalies}}


# ------------------------------------------------------------------ uncertainty

def uncertainty_case(rng):
    n, k = 300, 5
    logits = rng.normal(0, 2, (n, k))
    p = softmax(logits)
    srt = np.sort(p, 1)[:, ::-1]
    scores = {
        'entropy': -np.sum(np.where(p > 0, p * np.log(p), 0), 1),
        'margin': 1 - (srt[:, 0] - srt[:, 1]),
        'least_confidence': 1 - srt[:, 0],
    }
    emb = rng.normal(0, 1, (n, 3))
    top = 12
    expected = {}
    for method, s in scores.items():
        order = np.lexsort((np.arange(n), -s))[:top]
        expected[method] = [{'id': f'r{i}', 'score': f(s[i]), 'rank': r + 1} for r, i in enumerate(order)]
    pool = np.lexsort((np.arange(n), -scores['entropy']))[:top * 5]
    chosen = [pool[0]]
    dist = np.sum((emb[pool] - emb[pool[0]]) ** 2, 1)
    while len(chosen) < top:
        c = int(np.argmax(dist))
        chosen.append(pool[c])
        dist = np.minimum(dist, np.sum((emb[pool] - emb[pool[c]]) ** 2, 1))
    expected['diversity'] = [{'id': f'r{i}', 'score': f(scores['entropy'][i]), 'rank': r + 1} for r, i in enumerate(chosen)]
    return {'input': {'ids': [f'r{i}' for i in range(n)], 'values': logits.ravel().tolist(), 'classes': k, 'logits': True, 'embeddings': {'values': emb.ravel().tolist(), 'dim': 3}}, 'top': top, 'expected': expected}


# ------------------------------------------------------------------ training

def training_case(rng):
    steps = np.arange(1, 3001, dtype=float)
    loss = 2.5 * np.exp(-steps / 800) + 0.4 + rng.normal(0, 0.02, len(steps))
    loss[1200] = 6.0  # a spike
    loss[2000] = np.nan
    eval_steps = np.arange(250, 3001, 250, dtype=float)
    eval_loss = np.array([1.9, 1.4, 1.1, 0.95, 0.9, 0.88, 0.87, 0.875, 0.89, 0.91, 0.94, 0.99])
    chosen = np.linspace(0, 3, len(steps)) + rng.normal(0, 0.1, len(steps))
    series = {'loss': (steps, loss), 'eval_loss': (eval_steps, eval_loss), 'rewards/chosen': (steps, chosen), 'rewards/rejected': (steps, -chosen / 2), 'learning_rate': (steps, np.where(steps < 100, steps * 1e-7, 1e-5))}
    summaries = {}
    ema = {}
    spikes = {}
    w = 0.6
    for name, (s, v) in series.items():
        fin = np.isfinite(v)
        vf, sf = v[fin], s[fin]
        summaries[name] = {'count': int(fin.sum()), 'first': f(vf[0]), 'last': f(vf[-1]), 'min': f(vf.min()), 'min_step': f(sf[np.argmin(vf)]), 'max': f(vf.max()), 'max_step': f(sf[np.argmax(vf)])}
        # TensorBoard's debiased EMA over the finite values
        last, out = 0.0, []
        for i, x in enumerate(vf):
            last = last * w + (1 - w) * x
            out.append(last / (1 - w ** (i + 1)))
        ema[name] = {'steps': sf.tolist(), 'values': out}
        found = []
        for i in range(10, len(vf)):
            win = vf[max(0, i - 50):i]
            med = np.median(win)
            dev = 1.482602218505602 * np.median(np.abs(win - med))
            if dev > 0 and abs(vf[i] - med) > 5 * dev:
                found.append(f(sf[i]))
        spikes[name] = found
    return {'input': {'run': 'oracle-run', 'series': {k: {'steps': s.tolist(), 'values': [None if not np.isfinite(x) else float(x) for x in v]} for k, (s, v) in series.items()}},
            'expected': {'steps': 3000, 'metrics': summaries, 'ema': ema, 'spike_steps': spikes}}


def kstwo_grid():
    """scipy.stats.kstwo.sf over every region of its algorithm (Simard & L'Ecuyer)."""
    out = []
    for n in [1, 2, 5, 20, 100, 140, 141, 500, 3000, 100000, 100001, 999999, 1000001, 4000000]:
        for z in [0.05, 0.3, 0.6, 0.9, 1.1, 1.5, 2.0, 3.0, 5.0]:
            x = z / math.sqrt(n)
            if x < 1:
                out.append({'n': n, 'x': x, 'sf': f(stats.kstwo.sf(x, n))})
        for x in [0.5 / n + 1e-9, 0.75 / n, 0.55, 0.9, 1 - 1.5 / n]:
            if 0 < x < 1:
                out.append({'n': n, 'x': x, 'sf': f(stats.kstwo.sf(x, n))})
    return out


def main():
    rng = np.random.default_rng(20261123)
    ab, sizes = ab_cases(rng)
    out = {
        'generated_by': 'test/oracles/analyses.py',
        'numpy': np.__version__, 'scipy': __import__('scipy').__version__,
        'calibration': calibration_cases(rng),
        'ab': ab, 'sample_sizes': sizes,
        'agreement': agreement_cases(rng),
        'drift': drift_cases(rng),
        'kstwo': kstwo_grid(),
        'latency': latency_case(rng),
        'uncertainty': uncertainty_case(rng),
        'training': training_case(rng),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump(out, fh, separators=(',', ':'))
    print(f'wrote {OUT} ({os.path.getsize(OUT) // 1024} KiB)')


if __name__ == '__main__':
    main()
