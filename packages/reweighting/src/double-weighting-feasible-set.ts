/**
 * The feasible set of double-weighting kernel mean matching in the scaled variables `u = β/n`, `w = α/t`:
 * `0 ≤ u_i ≤ uUpper`, `0 ≤ w_j ≤ wUpper`, `‖w − wUpper·1‖₂ ≤ radius`, `|Σu − Σw| ≤ epsilon`.
 * With `uUpper = B/(√D·n)`, `wUpper = 1/t`, `radius = (1 − 1/√D)/√t` and `epsilon = 1 − 1/√n` this is the set of
 * DWGCS/DWGCS.py lines 32–41 (MachineLearningBCAM/MRCs-for-Covariate-Shift-Adaptation) after the change of variables.
 */
export interface DoubleWeightingFeasibleSet {
  readonly uUpper: number;
  readonly wUpper: number;
  readonly radius: number;
  readonly epsilon: number;
}

/**
 * Exact projection of `y` onto `[0, c]^t ∩ {‖w − c·1‖ ≤ ρ}`. For a multiplier `ν ≥ 0` on the ball the minimiser is
 * separable: `w_j = clip(c + θ(y_j − c), 0, c)` with `θ = 1/(1 + ν) ∈ [0, 1]`; `θ = 1` when that point is already in
 * the ball, otherwise the `θ` where `‖w(θ) − c·1‖ = ρ`, found by bisection (the distance is non-decreasing in θ).
 */
function projectBoxBall(y: Float64Array, shift: number, c: number, radius: number, out: Float64Array): void {
  const r2 = radius * radius;
  const distance2 = (theta: number): number => {
    let s = 0;
    for (let j = 0; j < y.length; j++) {
      const dj = y[j]! + shift - c;
      if (dj < 0) {
        const m = Math.min(-theta * dj, c);
        s += m * m;
      }
    }
    return s;
  };
  let theta = 1;
  if (distance2(1) > r2) {
    let lo = 0;
    let hi = 1;
    for (let it = 0; it < 200 && hi - lo > 1e-17; it++) {
      const mid = (lo + hi) / 2;
      if (distance2(mid) > r2) hi = mid;
      else lo = mid;
    }
    theta = lo;
  }
  for (let j = 0; j < y.length; j++) out[j] = Math.min(Math.max(c + theta * (y[j]! + shift - c), 0), c);
}

/**
 * Exact Euclidean projection of `(a, b)` (`a` of length `n`, `b` of length `t`) onto a
 * {@link DoubleWeightingFeasibleSet}, written into `outU`, `outW`. The coupling `|Σu − Σw| ≤ ε` gets a multiplier
 * `μ`: `u = clip(a − μ, 0, uUpper)`, `w = P_{box ∩ ball}(b + μ)`; `s(μ) = Σu − Σw` is non-increasing (projections
 * are monotone), so `μ = 0` when `|s(0)| ≤ ε`, else the root of `s(μ) = ±ε` by bracketing and bisection.
 * The set is non-empty iff `n·uUpper + ε ≥ t·wUpper − √t·radius` (checked by the caller).
 */
export function projectDoubleWeights(
  a: Float64Array,
  b: Float64Array,
  set: DoubleWeightingFeasibleSet,
  outU: Float64Array,
  outW: Float64Array,
): void {
  const evaluate = (mu: number): number => {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const ui = Math.min(Math.max(a[i]! - mu, 0), set.uUpper);
      outU[i] = ui;
      s += ui;
    }
    projectBoxBall(b, mu, set.wUpper, set.radius, outW);
    for (let j = 0; j < b.length; j++) s -= outW[j]!;
    return s;
  };
  const s0 = evaluate(0);
  if (Math.abs(s0) <= set.epsilon) return;
  const target = s0 > 0 ? set.epsilon : -set.epsilon;
  const direction = s0 > 0 ? 1 : -1;
  // Bracket: s(direction·h) crosses target for h large enough (u and w saturate).
  let lo = 0;
  let h = Math.max(set.uUpper, set.wUpper);
  for (let it = 0; it < 200 && direction * (evaluate(direction * h) - target) > 0; it++) {
    lo = h;
    h *= 2;
  }
  let hi = h;
  for (let it = 0; it < 200 && hi - lo > 1e-17 * Math.max(1, hi); it++) {
    const mid = (lo + hi) / 2;
    if (direction * (evaluate(direction * mid) - target) > 0) lo = mid;
    else hi = mid;
  }
  evaluate(direction * hi);
}
