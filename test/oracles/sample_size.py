"""Oracle for server/src/analysis/sample-size.ts, computed independently with scipy.

Per-variant n for a two-sided two-proportion z-test (Fleiss eq. 4.14, no continuity correction):
  n = (z_{1-a/2} sqrt(2 pbar qbar) + z_{1-b} sqrt(p1 q1 + p2 q2))^2 / (p2 - p1)^2
and the power reached with a given n (the same formula solved for z_{1-b}).
Run: python3 test/oracles/sample_size.py > test/fixtures/oracles/sample_size.json
"""
import json
from math import sqrt

from scipy.stats import norm


def rates(mde, baseline, direction):
    if baseline is None:
        return 0.5 - mde / 2, 0.5 + mde / 2
    up, down = baseline + mde, baseline - mde
    want_down = down > 0 if direction == "decrease" else up >= 1
    return baseline, (down if want_down else up)


def n_exact(mde, power, confidence, baseline, direction):
    p1, p2 = rates(mde, baseline, direction)
    pbar = (p1 + p2) / 2
    za = norm.ppf(1 - (1 - confidence) / 2)
    zb = norm.ppf(power)
    return (za * sqrt(2 * pbar * (1 - pbar)) + zb * sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2


def power_at(mde, confidence, baseline, direction, n):
    p1, p2 = rates(mde, baseline, direction)
    pbar = (p1 + p2) / 2
    za = norm.ppf(1 - (1 - confidence) / 2)
    z = (sqrt(n) * abs(p2 - p1) - za * sqrt(2 * pbar * (1 - pbar))) / sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return norm.cdf(z)


cases = []
for mde in (0.005, 0.02, 0.05, 0.1):
    for power in (0.8, 0.9):
        for confidence in (0.9, 0.95, 0.99):
            for baseline, direction in ((None, None), (0.1, "increase"), (0.3, "decrease"), (0.97, "increase")):
                design = {"mde": mde, "power": power, "confidence": confidence}
                if baseline is not None:
                    design["baseline"] = baseline
                    design["direction"] = direction
                n = n_exact(mde, power, confidence, baseline, direction)
                half = max(1, round(n / 2))
                cases.append({
                    "design": design,
                    "n_exact": n,
                    "power_at_half_n": {"n": half, "power": power_at(mde, confidence, baseline, direction, half)},
                })
print(json.dumps({"source": "scipy.stats.norm", "cases": cases}, indent=1))
