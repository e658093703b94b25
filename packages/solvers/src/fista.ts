import { smoothLoss, type Problem } from './cumulative-model.js';

/** The result of {@link solve}. @internal */
export interface SolveResult {
  readonly theta: Float64Array;
  readonly smooth: number;
  readonly objective: number;
  readonly history: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * FISTA (Beck & Teboulle 2009) with backtracking and objective-based adaptive restart (O'Donoghue & Candès 2015)
 * on `smoothLoss + λ·Σ w_j|θ_j|`; coordinates in `frozen` stay at 0. Deterministic.
 */
export function solve(
  problem: Problem,
  theta0: Float64Array,
  lambda: number,
  weights: Float64Array,
  frozen: Uint8Array | null,
  tol: number,
  maxIter: number,
): SolveResult {
  const size = theta0.length;
  const beta = new Float64Array(problem.m * problem.p);
  const threshold = (j: number): number => lambda * (weights[j] ?? 0);
  const penalty = (t: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < size; j += 1) s += threshold(j) * Math.abs(t[j] ?? 0);
    return s;
  };
  let x = Float64Array.from(theta0);
  if (frozen !== null) for (let j = 0; j < size; j += 1) if (frozen[j] === 1) x[j] = 0;
  let fx = smoothLoss(problem, x, beta, null);
  let objective = fx + penalty(x);
  let v = Float64Array.from(x);
  let momentum = 1;
  let step = 1;
  const grad = new Float64Array(size);
  const candidate = new Float64Array(size);
  const history: number[] = [];
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIter && !converged; iterations += 1) {
    const fv = smoothLoss(problem, v, beta, grad);
    let fc = Number.POSITIVE_INFINITY;
    let gapNorm = 0;
    for (;;) {
      let linear = 0;
      let quadratic = 0;
      gapNorm = 0;
      for (let j = 0; j < size; j += 1) {
        const u = (v[j] ?? 0) - step * (grad[j] ?? 0);
        const t = step * threshold(j);
        const value = frozen !== null && frozen[j] === 1 ? 0 : Math.sign(u) * Math.max(Math.abs(u) - t, 0);
        candidate[j] = value;
        const diff = value - (v[j] ?? 0);
        linear += (grad[j] ?? 0) * diff;
        quadratic += diff * diff;
        gapNorm = Math.max(gapNorm, Math.abs(diff));
      }
      fc = smoothLoss(problem, candidate, beta, null);
      if (fc <= fv + linear + quadratic / (2 * step) + 1e-15 * Math.max(1, Math.abs(fv))) break;
      step *= 0.5;
      if (step < 1e-14) break;
    }
    const candidateObjective = fc + penalty(candidate);
    if (candidateObjective > objective && momentum > 1) {
      // Momentum overshot: restart from the last accepted point without momentum.
      v = Float64Array.from(x);
      momentum = 1;
      continue;
    }
    const nextMomentum = (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
    const ratio = (momentum - 1) / nextMomentum;
    const next = Float64Array.from(candidate);
    for (let j = 0; j < size; j += 1) v[j] = (next[j] ?? 0) + ratio * ((next[j] ?? 0) - (x[j] ?? 0));
    x = next;
    fx = fc;
    objective = candidateObjective;
    momentum = nextMomentum;
    history.push(objective);
    // Gradient mapping ‖(v − prox(v − s·∇f(v)))/s‖∞: zero exactly at a minimiser.
    if (gapNorm / step <= tol || step < 1e-14) converged = gapNorm / step <= tol;
    step *= 1.25;
  }
  return { theta: x, smooth: fx, objective, history: Float64Array.from(history), iterations, converged };
}
