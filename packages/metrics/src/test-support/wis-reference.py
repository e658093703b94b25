"""Reference values for weighted-interval-score.test.ts (run: python3 wis-reference.py > wis-reference.json).

Float64 NumPy computation straight from the interval definition of Bracher, Ray, Gneiting & Reich (2021),
PLOS Comput. Biol. 17(2): e1008618, eq. 2-4:
  IS_a(l, u; y) = (u - l) + 2/a (l - y) 1{y < l} + 2/a (y - u) 1{y > u}
  WIS(y) = 1/(K + 1/2) * (1/2 |y - m| + sum_k a_k/2 IS_{a_k}(l_k, u_k; y))
Inputs are drawn with numpy.random.default_rng(seed); one case has crossed quantiles.
"""
import json
import sys

import numpy as np


def interval_score(lower, upper, y, alpha):
    return (upper - lower) + 2.0 / alpha * (lower - y) * (y < lower) + 2.0 / alpha * (y - upper) * (y > upper)


def wis(quantiles, levels, y):
    levels = np.asarray(levels)
    k = (len(levels) - 1) // 2
    median = quantiles[:, k]
    total = 0.5 * np.abs(y - median)
    for j in range(k):
        alpha = 2.0 * levels[j]
        total = total + alpha / 2.0 * interval_score(quantiles[:, j], quantiles[:, -1 - j], y, alpha)
    return total / (k + 0.5)


cases = []
for seed, levels, crossed in [
    (0, [0.05, 0.25, 0.5, 0.75, 0.95], False),
    (1, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], False),
    (2, [0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.975], True),
]:
    rng = np.random.default_rng(seed)
    n = 6
    y = rng.normal(10.0, 3.0, size=n)
    centre = y + rng.normal(0.0, 2.0, size=n)
    spread = rng.uniform(0.5, 3.0, size=n)
    z = np.sort(np.interp(levels, [0.025, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95, 0.975],
                          [-1.96, -1.6449, -1.2816, -0.8416, -0.6745, -0.5244, -0.2533, 0.0, 0.2533, 0.5244, 0.6745, 0.8416, 1.2816, 1.6449, 1.96]))
    q = centre[:, None] + spread[:, None] * z[None, :]
    if crossed:
        q = q + rng.normal(0.0, 1.5, size=q.shape)  # quantiles now cross in most rows
    per_sample = wis(q, levels, y)
    cases.append({
        "seed": seed,
        "levels": levels,
        "targets": y.tolist(),
        "quantiles": q.tolist(),
        "wis_per_sample": per_sample.tolist(),
        "wis_mean": float(per_sample.mean()),
        "crossed_rows": int(np.sum(np.any(np.diff(q, axis=1) < 0, axis=1))),
        "interval_score_outer": float(interval_score(q[:, 0], q[:, -1], y, 2 * levels[0]).mean()),
    })

json.dump({"description": __doc__.strip().splitlines()[0], "numpy": np.__version__,
           "python": sys.version.split()[0], "cases": cases}, sys.stdout, indent=1)
