"""Oracle for server/src/analysis/ab-stats.ts (CUPED, regression adjustment, delta-method ratios,
quantile intervals, Benjamini-Hochberg, the sequential SRM check), computed independently from the
raw per-unit arrays with numpy, scipy and statsmodels (Debian's python3-statsmodels 0.13).

The TypeScript side reduces the same arrays to sufficient statistics (n, sums, sums of squares,
cross-products, order statistics) and must agree to 1e-9 relative.

Run: /usr/bin/python3 test/oracles/ab_stats.py > test/fixtures/oracles/ab_stats.json
"""
import json

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from scipy.special import gammaln
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

rng = np.random.default_rng(20261201)
CONF = 0.95
Z = stats.norm.ppf(1 - (1 - CONF) / 2)
VARIANTS = ["control", "b", "c"]
SIZES = {"control": 400, "b": 380, "c": 410}
LIFT = {"control": 0.0, "b": 0.6, "c": -0.2}


def r(x):
    return [float(v) for v in x]


# ---------------------------------------------------------------- data: pre-period x, metric y
data = {}
for v in VARIANTS:
    n = SIZES[v]
    x = rng.gamma(4.0, 2.5, n)  # pre-period spend
    y = 2.0 + 0.8 * x + LIFT[v] + rng.normal(0, 2.0, n)
    data[v] = {"x": x, "y": y}

all_x = np.concatenate([data[v]["x"] for v in VARIANTS])
all_y = np.concatenate([data[v]["y"] for v in VARIANTS])
theta = np.cov(all_x, all_y, ddof=1)[0, 1] / np.var(all_x, ddof=1)
xbar = all_x.mean()

cuped = []
for v in VARIANTS[1:]:
    adj_v = data[v]["y"] - theta * (data[v]["x"] - xbar)
    adj_c = data["control"]["y"] - theta * (data["control"]["x"] - xbar)
    t = stats.ttest_ind(adj_v, adj_c, equal_var=False)
    cm = CompareMeans(DescrStatsW(adj_v), DescrStatsW(adj_c))
    lo, hi = cm.tconfint_diff(alpha=1 - CONF, usevar="unequal")
    raw_v = np.var(data[v]["y"], ddof=1) / len(adj_v) + np.var(data["control"]["y"], ddof=1) / len(adj_c)
    adj_var = np.var(adj_v, ddof=1) / len(adj_v) + np.var(adj_c, ddof=1) / len(adj_c)
    cuped.append({
        "variant": v,
        "mean": float(adj_v.mean()),
        "control_mean": float(adj_c.mean()),
        "abs_diff": float(adj_v.mean() - adj_c.mean()),
        "ci_low": float(lo),
        "ci_high": float(hi),
        "p_value": float(t.pvalue),
        "variance_reduction": float(1 - adj_var / raw_v),
    })

# ANCOVA: y ~ C(variant) + x, control as the reference level (statsmodels OLS).
df = pd.DataFrame({
    "variant": np.concatenate([[v] * SIZES[v] for v in VARIANTS]),
    "x": all_x,
    "y": all_y,
})
fit = smf.ols("y ~ C(variant, Treatment(reference='control')) + x", data=df).fit()
ci = fit.conf_int(alpha=1 - CONF)
regression = {"slope": float(fit.params["x"]), "results": []}
for v in VARIANTS[1:]:
    k = f"C(variant, Treatment(reference='control'))[T.{v}]"
    regression["results"].append({
        "variant": v,
        "abs_diff": float(fit.params[k]),
        "ci_low": float(ci.loc[k, 0]),
        "ci_high": float(ci.loc[k, 1]),
        "p_value": float(fit.pvalues[k]),
        "se": float(fit.bse[k]),
    })

# ---------------------------------------------------------------- ratio metric: tokens per session
ratio_data = {}
for v in VARIANTS:
    n = SIZES[v]
    sessions = rng.poisson(3.0, n) + 1.0
    tokens = sessions * (120 + (15 if v == "b" else 0)) + rng.normal(0, 60, n) * np.sqrt(sessions)
    ratio_data[v] = {"x": sessions, "y": tokens}


def ratio_and_var(y, x):
    # Linearisation (influence function) of sum(y)/sum(x): z_i = (y_i - R x_i) / mean(x).
    R = y.sum() / x.sum()
    z = (y - R * x) / x.mean()
    return R, np.var(z, ddof=1) / len(y)


ratio = []
for v in VARIANTS[1:]:
    Rv, Vv = ratio_and_var(ratio_data[v]["y"], ratio_data[v]["x"])
    Rc, Vc = ratio_and_var(ratio_data["control"]["y"], ratio_data["control"]["x"])
    d = Rv - Rc
    se = np.sqrt(Vv + Vc)
    ratio.append({
        "variant": v,
        "mean": float(Rv),
        "control_mean": float(Rc),
        "abs_diff": float(d),
        "ci_low": float(d - Z * se),
        "ci_high": float(d + Z * se),
        "p_value": float(2 * stats.norm.sf(abs(d) / se)),
        "variance_numerator_only": float(Vv),
    })

# ---------------------------------------------------------------- quantile metric: p95 latency
lat = {v: rng.lognormal(np.log(300) + (0.08 if v == "b" else 0), 0.5, SIZES[v]) for v in VARIANTS}


def order_stat(sorted_x, level):
    n = len(sorted_x)
    k = n - 1 if level >= 1 else min(n - 1, int(np.floor(level * n)))
    return float(sorted_x[k])


def qsummary(x, p):
    s = np.sort(x)
    n = len(s)
    h = Z * np.sqrt(p * (1 - p) / n)
    lo, hi = max(0.0, p - h), min(1.0, p + h)
    return {"n": n, "value": order_stat(s, p), "lower": order_stat(s, lo), "upper": order_stat(s, hi), "lower_level": lo, "upper_level": hi}


quantile = {}
for p in (0.5, 0.95):
    summaries = {v: qsummary(lat[v], p) for v in VARIANTS}
    rows = []
    for v in VARIANTS[1:]:
        a, c = summaries[v], summaries["control"]
        se = np.sqrt(((a["upper"] - a["lower"]) / (2 * Z)) ** 2 + ((c["upper"] - c["lower"]) / (2 * Z)) ** 2)
        d = a["value"] - c["value"]
        rows.append({"variant": v, "abs_diff": d, "ci_low": float(d - Z * se), "ci_high": float(d + Z * se), "p_value": float(2 * stats.norm.sf(abs(d) / se))})
    quantile[str(p)] = {"summaries": summaries, "results": rows}

# ---------------------------------------------------------------- multiplicity
pvals = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.5, 0.5, 0.9]
multiplicity = {
    "p": pvals,
    "bh": r(multipletests(pvals, method="fdr_bh")[1]),
    "holm": r(multipletests(pvals, method="holm")[1]),
    "bonferroni": r(multipletests(pvals, method="bonferroni")[1]),
}

# ---------------------------------------------------------------- sequential SRM (Lindon & Malek 2022)


def seq_srm(counts, shares, k=100.0):
    counts = np.asarray(counts, float)
    shares = np.asarray(shares, float) / np.sum(shares)
    a = k * shares
    log_bf = gammaln(a.sum()) - gammaln(a.sum() + counts.sum()) + np.sum(gammaln(a + counts) - gammaln(a)) - np.sum(counts * np.log(shares))
    return {"p": float(min(1.0, np.exp(-log_bf))), "log_bayes_factor": float(log_bf)}


srm_cases = [
    {"observed": [5000, 5000], "shares": [0.5, 0.5]},
    {"observed": [5000, 5300], "shares": [0.5, 0.5]},
    {"observed": [1000, 2100, 2900], "shares": [0.2, 0.35, 0.45]},
    {"observed": [12, 30], "shares": [0.5, 0.5]},
    {"observed": [100000, 101500], "shares": [0.5, 0.5]},
]
for c in srm_cases:
    c.update(seq_srm(c["observed"], c["shares"]))
    c["chi2_p"] = float(stats.chisquare(c["observed"], np.asarray(c["shares"]) * sum(c["observed"])).pvalue)

out = {
    "confidence": CONF,
    "variants": VARIANTS,
    "cuped_data": {v: {"x": r(data[v]["x"]), "y": r(data[v]["y"])} for v in VARIANTS},
    "cuped": {"theta": float(theta), "results": cuped},
    "regression": regression,
    "ratio_data": {v: {"x": r(ratio_data[v]["x"]), "y": r(ratio_data[v]["y"])} for v in VARIANTS},
    "ratio": ratio,
    "latency": {v: r(lat[v]) for v in VARIANTS},
    "quantile": quantile,
    "multiplicity": multiplicity,
    "srm": srm_cases,
}
print(json.dumps(out))
