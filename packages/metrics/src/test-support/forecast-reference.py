"""Reference values for the forecast metrics' tests (run: python3 forecast-reference.py > forecast-reference.json).

Float64 NumPy computations straight from the definitions, independent of the TypeScript code:
  errors      numpy.average(|e|, e**2, e; weights) over the observed targets (e = forecast - observation)
  skill       1 - E_model / E_reference for E in MSE (Murphy 1988), MAE, RMSE
  extremes    errors over observed targets >= 75 and >= 150, and >= numpy.quantile(observed, 0.9) (method 'linear')
  detection   2x2 table of (observed >= t, forecast >= t); POD a/(a+c), FAR b/(a+b), CSI a/(a+b+c), B (a+b)/(a+c)
              (Jolliffe & Stephenson 2012, ch. 3)
  coverage    mean(lower <= y <= upper); per level mean(y <= q_tau)
Inputs: PM2.5-like log-normal series drawn with numpy.random.default_rng(seed), about 10 % missing (null in the JSON,
NaN in NumPy), three stations x two horizons as group keys.
"""
import json
import sys

import numpy as np

LEVELS = [0.1, 0.25, 0.5, 0.75, 0.9]
Z = np.array([-1.2815515655446004, -0.6744897501960817, 0.0, 0.6744897501960817, 1.2815515655446004])
STATIONS = ["Dongsi", "Tiantan", "Huairou"]


def errors(y, f, w, sel):
    e = f[sel] - y[sel]
    ww = w[sel]
    if e.size == 0:
        return None
    mse = float(np.average(e ** 2, weights=ww))
    return {"count": int(e.size), "weight": float(ww.sum()), "mae": float(np.average(np.abs(e), weights=ww)),
            "mse": mse, "rmse": float(np.sqrt(mse)), "meanError": float(np.average(e, weights=ww))}


def table(y, f, t, obs):
    o = y[obs] >= t
    p = f[obs] >= t
    a, b, c, d = (int(np.sum(o & p)), int(np.sum(~o & p)), int(np.sum(o & ~p)), int(np.sum(~o & ~p)))
    ratio = lambda num, den: None if den == 0 else num / den  # undefined -> null (NaN in the tests)
    return {"threshold": t, "hits": a, "falseAlarms": b, "misses": c, "correctNegatives": d,
            "pod": ratio(a, a + c), "far": ratio(b, a + b), "csi": ratio(a, a + b + c), "frequencyBias": ratio(a + b, a + c)}


cases = []
for seed in (0, 1, 2):
    rng = np.random.default_rng(seed)
    n = 160
    y = rng.lognormal(np.log(60.0), 0.9, size=n)
    missing = rng.uniform(size=n) < 0.1
    y_nan = np.where(missing, np.nan, y)
    f = y * np.exp(rng.normal(-0.1, 0.35, size=n)) + rng.normal(0.0, 5.0, size=n)
    persistence = np.roll(y, 1) + rng.normal(0.0, 10.0, size=n)
    w = rng.uniform(0.5, 2.0, size=n)
    groups = [f"{STATIONS[i % 3]}/{1 if (i // 3) % 2 == 0 else 24}" for i in range(n)]
    obs = ~np.isnan(y_nan)
    ones = np.ones(n)
    spread = rng.uniform(5.0, 40.0, size=n)
    q = f[:, None] + spread[:, None] * Z[None, :]
    lower, upper = q[:, 0], q[:, -1]

    ref = errors(y, persistence, w, obs)
    model = errors(y, f, w, obs)
    q90 = float(np.quantile(y[obs], 0.9))
    cases.append({
        "seed": seed,
        "targets": [None if m else float(v) for v, m in zip(y, missing)],
        "predictions": f.tolist(),
        "persistence": persistence.tolist(),
        "weights": w.tolist(),
        "groups": groups,
        "errors": errors(y, f, ones, obs),
        "weightedErrors": model,
        "groupErrors": {g: errors(y, f, ones, obs & (np.array(groups) == g)) for g in dict.fromkeys(groups)},
        "skillWeighted": {k: 1.0 - model[k] / ref[k] for k in ("mse", "mae", "rmse")},
        "extremes": {str(t): errors(y, f, ones, obs & (y >= t)) for t in (75.0, 150.0)},
        "topDecile": {"threshold": q90, **errors(y, f, ones, obs & (y >= q90))},
        "quantile90": q90,
        "detection": [table(y, f, t, obs) for t in (75.0, 150.0)],
        "levels": LEVELS,
        "quantiles": q.tolist(),
        "intervalCoverage": float(np.mean((lower[obs] <= y[obs]) & (y[obs] <= upper[obs]))),
        "quantileCoverage": [float(np.mean(y[obs] <= q[obs, j])) for j in range(len(LEVELS))],
    })

json.dump({"description": __doc__.strip().splitlines()[0], "numpy": np.__version__,
           "python": sys.version.split()[0], "cases": cases}, sys.stdout, indent=1)
