import type { DoubleWeightingFeasibleSet } from './double-weighting-feasible-set.js';
import type { Matrix } from './matrix.js';

const CENTRING = 1e-2;
const GROWTH = 10;
const REFINEMENTS = 2;

/** Options of {@link solveDoubleWeightingBarrier}. */
export interface DoubleWeightingBarrierOptions {
  /** Stop when the barrier's duality-gap bound `m_c/τ` is at most `tolerance · ‖(1/t)Σφ(x'_j)‖²`. Default 1e-10. */
  readonly tolerance?: number;
  /** Newton-step cap over all centring stages. Default 500. */
  readonly maxNewtonSteps?: number;
}

/** What {@link solveDoubleWeightingBarrier} returns, in the scaled variables `u = β/n`, `w = α/t`. */
export interface DoubleWeightingBarrierResult {
  readonly u: Float64Array;
  /** `[t]`; all `1/t` when `alphaFixed`. */
  readonly w: Float64Array;
  /** Newton steps taken. */
  readonly newtonSteps: number;
  /** Final duality-gap bound `m_c/τ` of the central path (absolute, objective units). */
  readonly gap: number;
  /** Whether the gap target was reached within `maxNewtonSteps`. */
  readonly converged: boolean;
}

/**
 * In-place Cholesky `M = RRᵀ` (lower triangle of the row-major `k × k` array) with every pivot floored at
 * `1e-14` times its diagonal entry: `M = I + WᵀD⁻¹W` is positive definite in exact arithmetic but, at large barrier
 * weights, singular to working precision; the floor keeps the factor usable and iterative refinement repairs the step.
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
 * Solves `min ‖Lᵀ(u, −w)‖²` over a {@link DoubleWeightingFeasibleSet} (`L` `[n+t][r]` a factor of the pooled
 * kernel, source rows first) by a primal log-barrier interior-point method (Boyd & Vandenberghe 2004, §11.3):
 * minimise `τ·f(z) − Σ log(slacks)` for `τ = τ₀·10^k` (`τ₀` puts the gap bound at the objective's scale), each
 * stage by damped Newton steps, centred loosely (`λ²/2 ≤ 1e-2`) except in the final stage (`λ²/2 ≤ 1e-10`).
 * The barrier Hessian is diagonal plus `2τ·AAᵀ` plus two rank-one terms (mean-gap and ball constraints), so each
 * Newton system is solved by the Woodbury identity in `O((n+t)(r+2)²)`, with a pivot-floored Cholesky of the
 * `(r+2)²` capacitance matrix and two rounds of iterative refinement; the line search evaluates the change of the
 * barrier objective in closed form (no cancellation at large τ). With radius 0 (D = 1) `w = 1/t` is a constant and
 * only `u` is optimised. Requires `ε > 0` (a strictly feasible start).
 */
export function solveDoubleWeightingBarrier(
  factor: Matrix,
  n: number,
  t: number,
  set: DoubleWeightingFeasibleSet,
  options: DoubleWeightingBarrierOptions = {},
): DoubleWeightingBarrierResult {
  const r = factor.cols;
  const L = factor.data;
  const free = set.radius > 0;
  const p = free ? n + t : n;
  const c = set.wUpper;
  const U = set.uUpper;
  const eps = set.epsilon;
  const R2 = set.radius * set.radius;
  // A = rows of S·L restricted to the free variables; h = the constant contribution of a fixed α.
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
  const gapTarget = (options.tolerance ?? 1e-10) * Math.max(scale, Number.MIN_VALUE);
  const maxSteps = options.maxNewtonSteps ?? 500;

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
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) z[i] = i < n ? betaBar / n : alphaBar / t;

  const m = 2 * p + 2 + (free ? 1 : 0);
  const e = new Float64Array(r); // Aᵀz + h
  const computeE = (): void => {
    e.set(h);
    for (let i = 0; i < p; i++) {
      const zi = z[i]!;
      for (let k = 0; k < r; k++) e[k] = e[k]! + A[i * r + k]! * zi;
    }
  };
  const sumGap = (): number => {
    let s = free ? 0 : -1;
    for (let i = 0; i < p; i++) s += i < n ? z[i]! : -z[i]!;
    return s;
  };
  const ballSlack = (): number => {
    let q = 0;
    for (let j = n; j < p; j++) q += (z[j]! - c) ** 2;
    return R2 - q;
  };

  const k = r + 1 + (free ? 1 : 0);
  const g = new Float64Array(p);
  const d = new Float64Array(p);
  const W = new Float64Array(p * k);
  const Y = new Float64Array(p * k);
  const dz = new Float64Array(p);
  const Ad = new Float64Array(r);
  const tauFinal = m / gapTarget;
  let tau = Math.min(m / Math.max(scale, Number.MIN_VALUE), tauFinal);
  let steps = 0;
  let converged = false;

  const solve = (rhs: Float64Array, out: Float64Array, M: Float64Array): void => {
    // out = H⁻¹ rhs with H = diag(d) + W Wᵀ = D + W Wᵀ:  D⁻¹rhs − Y M⁻¹ (Yᵀ rhs).
    const yr = new Float64Array(k);
    for (let i = 0; i < p; i++) for (let a = 0; a < k; a++) yr[a] = yr[a]! + Y[i * k + a]! * rhs[i]!;
    choleskySolve(M, k, yr);
    const sol = yr;
    for (let i = 0; i < p; i++) {
      let s = rhs[i]! / d[i]!;
      for (let a = 0; a < k; a++) s -= Y[i * k + a]! * sol[a]!;
      out[i] = s;
    }
  };

  stages: while (true) {
    let centred = false;
    for (let inner = 0; inner < 100; inner++) {
      if (steps >= maxSteps) break stages;
      computeE();
      const s = sumGap();
      const slackHi = eps - s;
      const slackLo = eps + s;
      const slackBall = free ? ballSlack() : 1;
      // Gradient and Hessian pieces.
      const gc = 1 / slackHi - 1 / slackLo;
      const hc = Math.sqrt(1 / slackHi ** 2 + 1 / slackLo ** 2);
      const st = Math.sqrt(2 * tau);
      for (let i = 0; i < p; i++) {
        let ae = 0;
        for (let a = 0; a < r; a++) ae += A[i * r + a]! * e[a]!;
        const zi = z[i]!;
        const upper = i < n ? U : c;
        const sign = i < n ? 1 : -1;
        g[i] = 2 * tau * ae - 1 / zi + 1 / (upper - zi) + sign * gc;
        d[i] = 1 / (zi * zi) + 1 / ((upper - zi) * (upper - zi));
        if (i >= n) {
          g[i] = g[i]! + (2 * (zi - c)) / slackBall;
          d[i] = d[i]! + 2 / slackBall;
        }
        for (let a = 0; a < r; a++) W[i * k + a] = st * A[i * r + a]!;
        W[i * k + r] = sign * hc;
        if (free) W[i * k + r + 1] = i < n ? 0 : (2 * (zi - c)) / slackBall;
      }
      for (let i = 0; i < p * k; i++) Y[i] = W[i]! / d[Math.floor(i / k)]!;
      const M = new Float64Array(k * k);
      for (let i = 0; i < p; i++) {
        for (let a = 0; a < k; a++) {
          const ya = Y[i * k + a]!;
          if (ya === 0) continue;
          for (let b = 0; b <= a; b++) M[a * k + b] = M[a * k + b]! + ya * W[i * k + b]!;
        }
      }
      for (let a = 0; a < k; a++) M[a * k + a] = M[a * k + a]! + 1;
      regularizedCholesky(M, k);
      solve(g, dz, M);
      // Iterative refinement: dz += H⁻¹(g − H dz), H = diag(d) + WWᵀ.
      const wd = new Float64Array(k);
      const res = new Float64Array(p);
      const corr = new Float64Array(p);
      for (let round = 0; round < REFINEMENTS; round++) {
        wd.fill(0);
        for (let i = 0; i < p; i++) for (let a = 0; a < k; a++) wd[a] = wd[a]! + W[i * k + a]! * dz[i]!;
        for (let i = 0; i < p; i++) {
          let hd = d[i]! * dz[i]!;
          for (let a = 0; a < k; a++) hd += W[i * k + a]! * wd[a]!;
          res[i] = g[i]! - hd;
        }
        solve(res, corr, M);
        for (let i = 0; i < p; i++) dz[i] = dz[i]! + corr[i]!;
      }
      let decrement = 0;
      for (let i = 0; i < p; i++) {
        dz[i] = -dz[i]!;
        decrement -= g[i]! * dz[i]!;
      }
      steps++;
      const finalStage = tau >= tauFinal;
      if (decrement / 2 <= (finalStage ? 1e-10 : CENTRING)) {
        centred = true;
        break;
      }
      // Closed-form change of the barrier objective along dz.
      Ad.fill(0);
      for (let i = 0; i < p; i++) for (let a = 0; a < r; a++) Ad[a] = Ad[a]! + A[i * r + a]! * dz[i]!;
      let eAd = 0;
      let AdAd = 0;
      for (let a = 0; a < r; a++) {
        eAd += e[a]! * Ad[a]!;
        AdAd += Ad[a]! * Ad[a]!;
      }
      let ds = 0;
      let bdw = 0;
      let dwdw = 0;
      for (let i = 0; i < p; i++) {
        ds += i < n ? dz[i]! : -dz[i]!;
        if (i >= n) {
          bdw += (z[i]! - c) * dz[i]!;
          dwdw += dz[i]! * dz[i]!;
        }
      }
      const change = (step: number): number => {
        let v = tau * (2 * step * eAd + step * step * AdAd);
        const logRatio = (slack: number, delta: number): number => {
          const ratio = delta / slack;
          return ratio <= -1 ? -Infinity : Math.log1p(ratio);
        };
        for (let i = 0; i < p; i++) {
          const upper = i < n ? U : c;
          v -= logRatio(z[i]!, step * dz[i]!) + logRatio(upper - z[i]!, -step * dz[i]!);
        }
        v -= logRatio(slackHi, -step * ds) + logRatio(slackLo, step * ds);
        if (free) v -= logRatio(slackBall, -(2 * step * bdw + step * step * dwdw));
        return Number.isNaN(v) ? Infinity : v;
      };
      let step = 1;
      while (step > 1e-14 && !(change(step) <= -0.01 * step * decrement)) step /= 2;
      if (step <= 1e-14) {
        break;
      }
      for (let i = 0; i < p; i++) z[i] = z[i]! + step * dz[i]!;
    }
    if (tau >= tauFinal) {
      converged = centred;
      break;
    }
    tau = Math.min(tau * GROWTH, tauFinal);
  }
  const u = z.slice(0, n);
  const w = free ? z.slice(n) : new Float64Array(t).fill(c);
  return { u, w, newtonSteps: steps, gap: m / tau, converged };
}
