/** A smooth objective: its value and gradient at x. @internal */
export type ValueAndGradient = (x: Float64Array) => { value: number; gradient: Float64Array };

/** The result of {@link minimizeLbfgs}. @internal */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  /** True when the gradient or the change of the objective fell below its tolerance. */
  readonly converged: boolean;
}

/** Options of {@link minimizeLbfgs}. @internal */
export interface LbfgsOptions {
  /** Default 500. */
  readonly maxIterations?: number;
  /** Number of (s, y) pairs kept. Default 10. */
  readonly memory?: number;
  /** Stop when max |∇f| ≤ this. Default 1e-12. */
  readonly gradientTolerance?: number;
  /** Stop when |Δf| ≤ this·max(1, |f|) for two iterations in a row. Default 1e-15. */
  readonly valueTolerance?: number;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
};

/**
 * Limited-memory BFGS (Nocedal 1980; Nocedal & Wright 2006, Algorithm 7.4, two-loop recursion) with a backtracking
 * Armijo line search (c₁ = 1e-4, halving, first trial step 1, or 1/max|∇f| on the first iteration). A failed line
 * search clears the memory and retries along −∇f; a second failure ends the run (the point is as good as float64
 * allows along that direction). Pairs with `sᵀy ≤ 1e-12·|s||y|` are skipped, keeping the inverse-Hessian estimate
 * positive definite. Deterministic; float64. The same method as the `optax.lbfgs` the reference fits use, without
 * its zoom line search. @internal
 */
export function minimizeLbfgs(f: ValueAndGradient, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 500;
  const memory = options.memory ?? 10;
  const gradientTolerance = options.gradientTolerance ?? 1e-12;
  const valueTolerance = options.valueTolerance ?? 1e-15;
  let x: Float64Array = Float64Array.from(x0);
  let { value, gradient }: { value: number; gradient: Float64Array } = f(x);
  const ss: Float64Array[] = [];
  const ys: Float64Array[] = [];
  let smallChanges = 0;
  let iteration = 0;
  let converged = false;
  let retried = false;
  for (; iteration < maxIterations; iteration += 1) {
    const gmax = gradient.reduce((m, g) => Math.max(m, Math.abs(g)), 0);
    if (!Number.isFinite(value) || gmax <= gradientTolerance) {
      converged = Number.isFinite(value);
      break;
    }
    // two-loop recursion: d = −H·g
    const q = Float64Array.from(gradient);
    const alphas: number[] = [];
    for (let k = ss.length - 1; k >= 0; k -= 1) {
      const s = ss[k] as Float64Array;
      const y = ys[k] as Float64Array;
      const a = dot(s, q) / dot(y, s);
      alphas[k] = a;
      for (let i = 0; i < q.length; i += 1) q[i] = (q[i] ?? 0) - a * (y[i] ?? 0);
    }
    if (ss.length > 0) {
      const s = ss[ss.length - 1] as Float64Array;
      const y = ys[ys.length - 1] as Float64Array;
      const gamma = dot(s, y) / dot(y, y);
      for (let i = 0; i < q.length; i += 1) q[i] = (q[i] ?? 0) * gamma;
    }
    for (let k = 0; k < ss.length; k += 1) {
      const s = ss[k] as Float64Array;
      const y = ys[k] as Float64Array;
      const b = dot(y, q) / dot(y, s);
      for (let i = 0; i < q.length; i += 1) q[i] = (q[i] ?? 0) + (s[i] ?? 0) * ((alphas[k] ?? 0) - b);
    }
    const direction = q.map((v) => -v);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // not a descent direction (numerical trouble): steepest descent
      for (let i = 0; i < direction.length; i += 1) direction[i] = -(gradient[i] ?? 0);
      slope = dot(direction, gradient);
      ss.length = 0;
      ys.length = 0;
    }
    let step = ss.length === 0 ? 1 / Math.max(gmax, 1e-300) : 1;
    if (ss.length === 0) step = Math.min(step, 1);
    let accepted: { x: Float64Array; value: number; gradient: Float64Array } | undefined;
    for (let halving = 0; halving < 60; halving += 1) {
      const trial = x.map((v, i) => v + step * (direction[i] ?? 0));
      const result = f(trial);
      if (Number.isFinite(result.value) && result.value <= value + 1e-4 * step * slope) {
        accepted = { x: trial, ...result };
        break;
      }
      step /= 2;
    }
    if (accepted === undefined) {
      if (retried || ss.length === 0) {
        converged = true; // no decrease possible in float64 along −∇f
        break;
      }
      retried = true;
      ss.length = 0;
      ys.length = 0;
      continue;
    }
    retried = false;
    const s = accepted.x.map((v, i) => v - (x[i] ?? 0));
    const y = accepted.gradient.map((v, i) => v - (gradient[i] ?? 0));
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      ss.push(s);
      ys.push(y);
      if (ss.length > memory) {
        ss.shift();
        ys.shift();
      }
    }
    const change = Math.abs(value - accepted.value);
    smallChanges = change <= valueTolerance * Math.max(1, Math.abs(value)) ? smallChanges + 1 : 0;
    x = accepted.x;
    value = accepted.value;
    gradient = accepted.gradient;
    if (smallChanges >= 2) {
      converged = true;
      iteration += 1;
      break;
    }
  }
  return { x, value, iterations: iteration, converged };
}
