"""Writes regression-references.json: reference numbers for the regression tests, computed by the reference libraries
themselves (NumPy 2.4, SciPy 1.17) following the reference repositories' rules step by step.

- histograms: numpy.histogram_bin_edges(x, 'auto') and numpy.histogram (AirCast compute_freq.py), a fixed bin count,
  and NumPy's own private selectors for the uncapped 1.x rule min(FD, Sturges).
- lds: YyzHarry/imbalanced-regression (c37d6f4) agedb-dir/utils.py get_lds_kernel_window (lines 95-106, SciPy's
  gaussian_filter1d / signal.windows.triang) and imdb-wiki-dir/datasets.py _prepare_weights (lines 55-82: int(label)
  bins clipped to max_target - 1, sqrt or clip(5, 1000), convolve1d(mode='constant'), float32 1/x, rescale to mean 1).
- bmc: jiawei-ren/BalancedMSE (8685916) imdb-wiki-dir/balanaced_mse.py bmc_loss (lines 42-47): logits
  -0.5 (pred - target.T)^2 / noise_var, cross_entropy with labels arange(B) (mean), times 2 noise_var (detached);
  gradients w.r.t. pred and the noise sigma written out analytically in float64.
- uniform class bins: SilviaLauraPintea/reg-cls (44ddf05) 1d/data.py get_labels (lines 42-56): np.linspace over
  [min, max], label i where edge_i <= y < edge_{i+1}, values >= the last edge -> the last class.
Run: python3 regression-references.py (NumPy and SciPy installed).
"""
import json
import sys

import numpy as np
import scipy
from numpy.lib import _histograms_impl as hist_impl
from scipy.ndimage import convolve1d, gaussian_filter1d
from scipy.signal.windows import triang


def samples():
    rng = np.random.RandomState(7)
    return {
        "normal_200": rng.normal(3.0, 2.0, 200),
        "lognormal_1000": rng.lognormal(3.5, 0.9, 1000),  # PM2.5-like heavy tail
        "uniform_37": rng.uniform(-1.0, 1.0, 37),
        "spiky_500": np.concatenate([np.zeros(480), rng.uniform(0, 100, 20)]),  # IQR 0: FD width 0
        "constant_5": np.full(5, 2.5),
        "integers_60": rng.randint(0, 9, 60).astype(np.float64),
    }


def histograms():
    out = {}
    for name, x in samples().items():
        edges = np.histogram_bin_edges(x, bins="auto")
        counts, _ = np.histogram(x, bins=edges)
        fixed = np.histogram_bin_edges(x, bins=7)
        fixed_counts, _ = np.histogram(x, bins=fixed)
        fd = hist_impl._hist_bin_fd(x, None)
        sturges = hist_impl._hist_bin_sturges(x, None)
        width = min(fd, sturges) if fd else sturges
        first, last = hist_impl._get_outer_edges(x, None)
        n_uncapped = int(np.ceil((last - first) / width)) if width else 1
        out[name] = {
            "values": x.tolist(),
            "auto_edges": edges.tolist(),
            "auto_counts": counts.tolist(),
            "fixed7_edges": fixed.tolist(),
            "fixed7_counts": fixed_counts.tolist(),
            "uncapped_edges": np.linspace(first, last, n_uncapped + 1).tolist(),
        }
    return out


def lds_window(kernel, ks, sigma):
    half = (ks - 1) // 2
    if kernel == "gaussian":
        delta = [0.0] * half + [1.0] + [0.0] * half
        smoothed = gaussian_filter1d(delta, sigma=sigma)
        return smoothed / max(smoothed)
    if kernel == "triang":
        return triang(ks)
    values = [np.exp(-abs(x) / sigma) / (2.0 * sigma) for x in np.arange(-half, half + 1)]
    return np.array(values) / max(values)


def lds_weights(labels, reweight, lds, kernel, ks, sigma, max_target):
    counts = np.zeros(max_target)
    for label in labels:
        counts[min(max_target - 1, int(label))] += 1
    if reweight == "sqrt_inv":
        per_bin = np.sqrt(counts)
    else:
        per_bin = np.clip(counts, 5, 1000)
    if lds:
        per_bin = convolve1d(per_bin, weights=lds_window(kernel, ks, sigma), mode="constant")
    per_label = [per_bin[min(max_target - 1, int(label))] for label in labels]
    weights = [np.float32(1 / v) for v in per_label]
    scaling = len(weights) / np.sum(weights)
    return [float(scaling * w) for w in weights], per_bin.tolist()


def lds():
    rng = np.random.RandomState(11)
    labels = np.concatenate([rng.normal(30, 6, 300), rng.uniform(0, 70, 40)]).clip(0, 80)
    cases = []
    for reweight, lds_on, kernel, ks, sigma in [
        ("sqrt_inv", True, "gaussian", 5, 1.0),
        ("sqrt_inv", True, "gaussian", 5, 2.0),
        ("inverse", True, "gaussian", 9, 2.0),
        ("sqrt_inv", True, "triang", 5, 1.0),
        ("inverse", True, "laplace", 7, 1.5),
        ("sqrt_inv", False, "gaussian", 5, 1.0),
        ("inverse", False, "gaussian", 5, 1.0),
        ("sqrt_inv", True, "triang", 4, 1.0),
    ]:
        weights, per_bin = lds_weights(labels, reweight, lds_on, kernel, ks, sigma, 81)
        cases.append({
            "reweight": reweight, "lds": lds_on, "kernel": kernel, "ks": ks, "sigma": sigma, "max_target": 81,
            "window": lds_window(kernel, ks, sigma).tolist(), "weights": weights, "per_bin": per_bin,
        })
    return {"labels": labels.tolist(), "cases": cases}


def bmc(pred, target, sigma):
    # float32-representable inputs: the float32 loss then sees exactly these numbers
    pred, target = pred.astype(np.float32).astype(np.float64), target.astype(np.float32).astype(np.float64)
    sigma = float(np.float32(sigma))
    var = sigma ** 2
    logits = -0.5 * (pred[:, None] - target[None, :]) ** 2 / var
    shift = logits.max(axis=1, keepdims=True)
    lse = shift[:, 0] + np.log(np.exp(logits - shift).sum(axis=1))
    ce = lse - np.diag(logits)
    loss = ce.mean() * 2 * var
    soft = np.exp(logits - lse[:, None])
    dlogit_dpred = -(pred[:, None] - target[None, :]) / var
    dce_dpred = (soft * dlogit_dpred).sum(axis=1) - np.diag(dlogit_dpred)
    dlogit_dsigma = -2 * logits / sigma
    dce_dsigma = (soft * dlogit_dsigma).sum(axis=1) - np.diag(dlogit_dsigma)
    return {
        "pred": pred.tolist(), "target": target.tolist(), "sigma": sigma,
        "loss": float(loss), "per_sample": (ce * 2 * var).tolist(),
        "grad_pred": (dce_dpred * 2 * var / len(pred)).tolist(),
        "grad_sigma": float(dce_dsigma.mean() * 2 * var),
    }


def bmc_cases():
    rng = np.random.RandomState(5)
    target = rng.lognormal(1.0, 0.8, 12)
    pred = target + rng.normal(0, 1.0, 12)
    return [bmc(pred, target, 1.0), bmc(pred, target, 0.4), bmc(pred, target, 3.0),
            bmc(np.array([50.0, -50.0, 1.0, 2.0]), np.array([-50.0, 50.0, 1.5, 2.5]), 1.0)]


def uniform_classes():
    rng = np.random.RandomState(3)
    y = rng.gamma(2.0, 10.0, 50)
    edges = np.linspace(y.min(), y.max(), 8 + 1)
    label = np.zeros(y.shape)
    for i in range(8):
        label[np.where((y >= edges[i]) & (y < edges[i + 1]))] = i
    label[np.where(y >= edges[8])] = 7
    return {"values": y.tolist(), "edges": edges.tolist(), "classes": label.astype(int).tolist()}


json.dump(
    {
        "numpy": np.__version__, "scipy": scipy.__version__, "python": sys.version.split()[0],
        "histograms": histograms(), "lds": lds(), "bmc": bmc_cases(), "uniformClasses": uniform_classes(),
    },
    open("regression-references.json", "w"),
    separators=(",", ":"),
)
print("written")
