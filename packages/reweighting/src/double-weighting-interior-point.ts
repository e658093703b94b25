import type { DoubleWeightingFeasibleSet } from './double-weighting-feasible-set.js';
import type { Matrix } from './matrix.js';

/** Options of {@link solveDoubleWeightingInteriorPoint}. */
export interface DoubleWeightingInteriorPointOptions {
  /**
   * Stop when the surrogate duality gap `Σ λ_i s_i` is at most `tolerance · S` and every dual-residual entry at most
   * `√(tolerance · S)`, `S = ‖(1/t)Σφ(x'_j)‖²` the objective's scale. Default 1e-9.
   */
  readonly tolerance?: number;
  /** Iteration cap. Default 500. */
  readonly maxIterations?: number;
}

/** What {@link solveDoubleWeightingInteriorPoint} returns, in the scaled variables `u = β/n`, `w = α/t`. */
export interface DoubleWeightingInteriorPointResult {
  readonly u: Float64Array;
  /** `[t]`; all `1/t` when the radius is 0. */
  readonly w: Float64Array;
  /** Newton iterations taken. */
  readonly iterations: number;
  /** Final surrogate duality gap `Σ λ_i s_i` (objective units; bounds `f(z) − f*` once the dual residual is ~0). */
  readonly gap: number;
  /** Final largest dual-residual entry `|∇f + Σλ_i∇c_i|` (gradient units; ball multiplier fitted by least squares). */
  readonly dualResidual: number;
  /** Whether the gap and dual-residual targets were met within `maxIterations`. */
  readonly converged: boolean;
}

/**
 * In-place Cholesky `M = RRᵀ` (lower triangle of the row-major `k × k` array) with every pivot floored at
 * `1e-14` times its diagonal entry: `M = I + WᵀD⁻¹W` is positive definite in exact arithmetic but can be singular
 * to working precision late in the iterations; the floor keeps the factor usable and iterative refinement repairs
 * the step.
 */
function regularizedCholesky(M: Float64Array, k: number): void {
  for (let j = 0; j < k; j++) {
    let d = M[j * k + j]!;
    for (let a = 0; a < j; a++) d -= M[j * k + a]! ** 2;
    const r = Math.sqrt(Math.max(d, 1e-14 * M[j * k + j]!, Number.MIN_VALUE));
    M[j * k + j] = r;
    for (let i = j + 1; i < k; i++) {
      let s = M[i * k + j]!;
      for (let a = 0; a < j; a++) s -= M[i * k + a]! * M[j * k + a]!;
      M[i * k + j] = s / r;
    }
  }
}

/** Solves `RRᵀx = b` in place for the factor of {@link regularizedCholesky}. */
function choleskySolve(R: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let a = 0; a < i; a++) s -= R[i * k + a]! * b[a]!;
    b[i] = s / R[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let a = i + 1; a < k; a++) s -= R[a * k + i]! * b[a]!;
    b[i] = s / R[i * k + i]!;
  }
}

/**
 * Solves `min f(z) = ‖Aᵀz + h‖²` over a {@link DoubleWeightingFeasibleSet} by a primal-dual interior-point method
 * (Boyd & Vandenberghe 2004, §11.7): `A` holds the rows of the kernel factor `L` `[n+t][r]` (source rows first,
 * target rows negated), `z = (β/n, α/t)`. Constraints, each with a dual `λ_i > 0` and slack `s_i > 0`: the bounds of
 * `u` and `w`, the two sides of the mean gap `|Σu − Σw| ≤ ε`, and the ball `‖w − 1/t‖² ≤ ρ²`. Each iteration
 * solves the reduced Newton system `H Δz = −(∇f + (1/τ) Σ ∇c_i/s_i)` with
 * `H = 2AAᵀ + Σ λ_i∇²c_i + Σ (λ_i/s_i)∇c_i∇c_iᵀ` = diagonal + `2AAᵀ` + two rank-one terms, by the Woodbury
 * identity in `O((n+t)(r+2)²)` (pivot-floored Cholesky of the `(r+2)²` capacitance matrix, two refinement rounds),
 * then a fraction-to-boundary step (0.99, duals and linear slacks) and a backtracking line search on the residual
 * norm; `τ = 10·m/Σλ_i s_i` after a step ≥ 0.3, `3·m/Σλ_i s_i` after a shorter one. The ball keeps a primal
 * barrier term (its dual pinned at `1/(τ s_ball)`); the stopping test refits its multiplier by least squares. When
 * the ball is active its curvature shortens the steps: ~100–160 iterations instead of ~20–40. When the mean-gap
 * constraint is active (its slack is a difference of sums) the steps collapse near a relative gap of ~1e-7 and the
 * run ends with `converged: false` at that accuracy.
 * With radius 0 (D = 1) `w = 1/t` is a constant and only `u` is optimised. Requires `ε > 0` (a strictly feasible
 * start exists).
 */
export function solveDoubleWeightingInteriorPoint(
  factor: Matrix,
  n: number,
  t: number,
  set: DoubleWeightingFeasibleSet,
  options: DoubleWeightingInteriorPointOptions = {},
): DoubleWeightingInteriorPointResult {
  const r = factor.cols;
  const L = factor.data;
  const free = set.radius > 0;
  const p = free ? n + t : n;
  const c = set.wUpper;
  const U = set.uUpper;
  const eps = set.epsilon;
  const R2 = set.radius * set.radius;
  const A = new Float64Array(p * r);
  const h = new Float64Array(r);
  for (let i = 0; i < n; i++) for (let k = 0; k < r; k++) A[i * r + k] = L[i * r + k]!;
  for (let j = 0; j < t; j++) {
    for (let k = 0; k < r; k++) {
      if (free) A[(n + j) * r + k] = -L[(n + j) * r + k]!;
      else h[k] = h[k]! - c * L[(n + j) * r + k]!;
    }
  }
  let scale = 0; // ‖(1/t)Σφ(x'_j)‖² ≈ ‖c·Σ L_target‖²
  for (let k = 0; k < r; k++) {
    let s = 0;
    for (let j = 0; j < t; j++) s += c * L[(n + j) * r + k]!;
    scale += s * s;
  }
  scale = Math.max(scale, Number.MIN_VALUE);
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 500;
  const upper = (i: number): number => (i < n ? U : c);
  const sign = (i: number): number => (i < n ? 1 : -1);

  // Strictly feasible start: u = β̄/n, w = ᾱ/t.
  const alphaMin = free ? 1 - set.radius * Math.sqrt(t) : 1;
  const betaMax = n * U;
  let alphaBar = free ? (alphaMin + 1) / 2 : 1;
  let betaBar = alphaBar;
  if (!(alphaBar < betaMax)) {
    const room = betaMax + eps - alphaMin;
    const delta = Math.min(room / 3, free ? (1 - alphaMin) / 2 : Infinity, betaMax / 2);
    alphaBar = free ? alphaMin + delta : 1;
    betaBar = betaMax - delta;
  }
  let z = new Float64Array(p);
  for (let i = 0; i < p; i++) z[i] = i < n ? betaBar / n : alphaBar / t;

  const m = 2 * p + 2 + (free ? 1 : 0);
  /** Slacks of z: lower [p], upper [p], mean-gap hi, lo, ball. Returns false if any is not positive. */
  const slacks = (zz: Float64Array, lo: Float64Array, up: Float64Array, other: Float64Array): boolean => {
    let sigma = free ? 0 : -1;
    let q = 0;
    let ok = true;
    for (let i = 0; i < p; i++) {
      lo[i] = zz[i]!;
      up[i] = upper(i) - zz[i]!;
      if (!(lo[i]! > 0 && up[i]! > 0)) ok = false;
      sigma += sign(i) * zz[i]!;
      if (i >= n) q += (zz[i]! - c) ** 2;
    }
    other[0] = eps - sigma;
    other[1] = eps + sigma;
    other[2] = free ? R2 - q : 1;
    return ok && other[0] > 0 && other[1] > 0 && other[2] > 0;
  };
  const gradF = (zz: Float64Array, out: Float64Array): void => {
    const e = Float64Array.from(h);
    for (let i = 0; i < p; i++) for (let a = 0; a < r; a++) e[a] = e[a]! + A[i * r + a]! * zz[i]!;
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let a = 0; a < r; a++) s += A[i * r + a]! * e[a]!;
      out[i] = 2 * s;
    }
  };
  const sLo = new Float64Array(p);
  const sUp = new Float64Array(p);
  const sOther = new Float64Array(3);
  slacks(z, sLo, sUp, sOther);
  // Duals on the central path of τ₀ = m/scale: λ_i = 1/(τ₀ s_i).
  const tau0 = m / scale;
  let lamLo = sLo.map((s) => 1 / (tau0 * s));
  let lamUp = sUp.map((s) => 1 / (tau0 * s));
  let lamOther = sOther.map((s, i) => (i < 2 || free ? 1 / (tau0 * s) : 0));

  const grad = new Float64Array(p);
  /** Dual residual ∇f + Σ λ_i ∇c_i (into out) and the centrality residual norm² for τ; returns [dual², cent²]. */
  const residual = (
    zz: Float64Array,
    lo: Float64Array,
    up: Float64Array,
    other: Float64Array,
    lLo: Float64Array,
    lUp: Float64Array,
    lOther: Float64Array,
    tau: number,
    out: Float64Array,
  ): [number, number] => {
    gradF(zz, out);
    let dual = 0;
    let cent = 0;
    for (let i = 0; i < p; i++) {
      let v = out[i]! - lLo[i]! + lUp[i]! + sign(i) * (lOther[0]! - lOther[1]!);
      if (i >= n) v += 2 * lOther[2]! * (zz[i]! - c);
      out[i] = v;
      dual += v * v;
      cent += (lLo[i]! * lo[i]! - 1 / tau) ** 2 + (lUp[i]! * up[i]! - 1 / tau) ** 2;
    }
    for (let j = 0; j < (free ? 3 : 2); j++) cent += (lOther[j]! * other[j]! - 1 / tau) ** 2;
    return [dual, cent];
  };

  const k = r + 1 + (free ? 1 : 0);
  const d = new Float64Array(p);
  const W = new Float64Array(p * k);
  const Y = new Float64Array(p * k);
  const dz = new Float64Array(p);
  const rhs = new Float64Array(p);
  const M = new Float64Array(k * k);
  const yr = new Float64Array(k);
  const solve = (b: Float64Array, out: Float64Array): void => {
    yr.fill(0);
    for (let i = 0; i < p; i++) for (let a = 0; a < k; a++) yr[a] = yr[a]! + Y[i * k + a]! * b[i]!;
    choleskySolve(M, k, yr);
    for (let i = 0; i < p; i++) {
      let s = b[i]! / d[i]!;
      for (let a = 0; a < k; a++) s -= Y[i * k + a]! * yr[a]!;
      out[i] = s;
    }
  };
  const nLo = new Float64Array(p);
  const nUp = new Float64Array(p);
  const nOther = new Float64Array(3);
  const rNew = new Float64Array(p);
  let iterations = 0;
  let gap = Infinity;
  let converged = false;
  let dualMax = Infinity;
  const dualTarget = Math.sqrt(tolerance * scale);
  let lastStep = 1;
  for (; iterations < maxIterations; iterations++) {
    gap = 0;
    for (let i = 0; i < p; i++) gap += lamLo[i]! * sLo[i]! + lamUp[i]! * sUp[i]!;
    for (let j = 0; j < (free ? 3 : 2); j++) gap += lamOther[j]! * sOther[j]!;
    // Long-step update τ = 10·m/gap after a step ≥ 0.3, more centring (3·m/gap) after a short one.
    const tau = ((lastStep >= 0.3 ? 10 : 3) * m) / gap;
    // The ball keeps a primal barrier: its dual is pinned to the central value 1/(τ s_ball).
    if (free) lamOther[2] = 1 / (tau * sOther[2]!);
    residual(z, sLo, sUp, sOther, lamLo, lamUp, lamOther, tau, grad);
    // Optimality test with the ball multiplier that best fits the KKT conditions (a 1-D least squares, ≥ 0): the
    // pinned central value 1/(τ s_ball) is numerically unreliable once s_ball is tiny.
    let ballGap = 0;
    if (free) {
      let rb = 0;
      let bb = 0;
      for (let i = n; i < p; i++) {
        const bi = 2 * (z[i]! - c);
        rb += (grad[i]! - lamOther[2]! * bi) * bi;
        bb += bi * bi;
      }
      const best = bb > 0 ? Math.max(0, -rb / bb) : 0;
      for (let i = n; i < p; i++) grad[i] = grad[i]! + (best - lamOther[2]!) * 2 * (z[i]! - c);
      ballGap = best * sOther[2]! - lamOther[2]! * sOther[2]!;
    }
    dualMax = 0;
    for (let i = 0; i < p; i++) dualMax = Math.max(dualMax, Math.abs(grad[i]!));
    if (gap + ballGap <= tolerance * scale && dualMax <= dualTarget) {
      converged = true;
      break;
    }
    // Reduced Newton system H Δz = −(∇f + (1/τ) Σ ∇c_i/s_i).
    gradF(z, rhs);
    const gHi = lamOther[0]! / sOther[0]!;
    const gLo = lamOther[1]! / sOther[1]!;
    const rank1 = Math.sqrt(gHi + gLo);
    const ballW = free ? 2 * Math.sqrt(lamOther[2]! / sOther[2]!) : 0;
    const s2 = Math.SQRT2;
    for (let i = 0; i < p; i++) {
      let v = rhs[i]! + (-1 / sLo[i]! + 1 / sUp[i]!) / tau + (sign(i) * (1 / sOther[0]! - 1 / sOther[1]!)) / tau;
      d[i] = lamLo[i]! / sLo[i]! + lamUp[i]! / sUp[i]!;
      if (i >= n) {
        v += (2 * (z[i]! - c)) / (tau * sOther[2]!);
        d[i] = d[i]! + 2 * lamOther[2]!;
      }
      rhs[i] = -v;
      for (let a = 0; a < r; a++) W[i * k + a] = s2 * A[i * r + a]!;
      W[i * k + r] = sign(i) * rank1;
      if (free) W[i * k + r + 1] = i < n ? 0 : ballW * (z[i]! - c);
    }
    for (let i = 0; i < p; i++) for (let a = 0; a < k; a++) Y[i * k + a] = W[i * k + a]! / d[i]!;
    M.fill(0);
    for (let i = 0; i < p; i++) {
      for (let a = 0; a < k; a++) {
        const ya = Y[i * k + a]!;
        if (ya === 0) continue;
        for (let b = 0; b <= a; b++) M[a * k + b] = M[a * k + b]! + ya * W[i * k + b]!;
      }
    }
    for (let a = 0; a < k; a++) M[a * k + a] = M[a * k + a]! + 1;
    regularizedCholesky(M, k);
    solve(rhs, dz);
    const wd = new Float64Array(k);
    const res = new Float64Array(p);
    const corr = new Float64Array(p);
    for (let round = 0; round < 2; round++) {
      wd.fill(0);
      for (let i = 0; i < p; i++) for (let a = 0; a < k; a++) wd[a] = wd[a]! + W[i * k + a]! * dz[i]!;
      for (let i = 0; i < p; i++) {
        let hd = d[i]! * dz[i]!;
        for (let a = 0; a < k; a++) hd += W[i * k + a]! * wd[a]!;
        res[i] = rhs[i]! - hd;
      }
      solve(res, corr);
      for (let i = 0; i < p; i++) dz[i] = dz[i]! + corr[i]!;
    }
    // Dual steps Δλ_i = −λ_i + 1/(τ s_i) + (λ_i/s_i)·∇c_iᵀΔz  (∇c_i = −∇s_i).
    let dSigma = 0;
    for (let i = 0; i < p; i++) dSigma += sign(i) * dz[i]!;
    const dLo = lamLo.map((l, i) => -l + 1 / (tau * sLo[i]!) - (l / sLo[i]!) * dz[i]!);
    const dUp = lamUp.map((l, i) => -l + 1 / (tau * sUp[i]!) + (l / sUp[i]!) * dz[i]!);
    const dOther = Float64Array.from([
      -lamOther[0]! + 1 / (tau * sOther[0]!) + (lamOther[0]! / sOther[0]!) * dSigma,
      -lamOther[1]! + 1 / (tau * sOther[1]!) - (lamOther[1]! / sOther[1]!) * dSigma,
      0,
    ]);
    let step = 1;
    const limit = (l: number, dl: number): void => {
      if (dl < 0) step = Math.min(step, -l / dl);
    };
    for (let i = 0; i < p; i++) {
      limit(lamLo[i]!, dLo[i]!);
      limit(lamUp[i]!, dUp[i]!);
    }
    for (let j = 0; j < 2; j++) limit(lamOther[j]!, dOther[j]!);
    // Primal fraction to the boundary of the linear constraints (bounds and mean gap), exactly.
    for (let i = 0; i < p; i++) {
      limit(sLo[i]!, dz[i]!);
      limit(sUp[i]!, -dz[i]!);
    }
    limit(sOther[0]!, -dSigma);
    limit(sOther[1]!, dSigma);
    step *= 0.99;
    const zNew = new Float64Array(p);
    const move = (s: number): boolean => {
      for (let i = 0; i < p; i++) zNew[i] = z[i]! + s * dz[i]!;
      return slacks(zNew, nLo, nUp, nOther);
    };
    while (step > 1e-16 && !move(step)) step /= 2;
    const [d0, c0] = residual(z, sLo, sUp, sOther, lamLo, lamUp, lamOther, tau, rNew);
    const norm0 = Math.sqrt(d0 + c0);
    let accepted = false;
    while (step > 1e-16) {
      if (move(step)) {
        const lLo = lamLo.map((l, i) => l + step * dLo[i]!);
        const lUp = lamUp.map((l, i) => l + step * dUp[i]!);
        const lOther = lamOther.map((l, i) => (i === 2 ? (free ? 1 / (tau * nOther[2]!) : 0) : l + step * dOther[i]!));
        const [d1, c1] = residual(zNew, nLo, nUp, nOther, lLo, lUp, lOther, tau, rNew);
        if (Math.sqrt(d1 + c1) <= (1 - 0.01 * step) * norm0) {
          z = Float64Array.from(zNew);
          sLo.set(nLo);
          sUp.set(nUp);
          sOther.set(nOther);
          lamLo = lLo;
          lamUp = lUp;
          lamOther = lOther;
          accepted = true;
          break;
        }
      }
      step /= 2;
    }
    lastStep = step;
    if (!accepted) break;
  }
  const u = z.slice(0, n);
  const w = free ? z.slice(n) : new Float64Array(t).fill(c);
  return { u, w, iterations, gap, dualResidual: dualMax, converged };
}
