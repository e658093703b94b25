import { assertDensityRatioInput } from './density-ratio-input.js';
import { solveDoubleWeightingInteriorPoint } from './double-weighting-interior-point.js';
import type { DoubleWeightingFeasibleSet } from './double-weighting-feasible-set.js';
import { nearestNeighbourWidth } from './gaussian-kernel.js';
import type { Matrix } from './matrix.js';
import { pivotedCholesky } from './pivoted-cholesky.js';
import { ReweightingError } from './reweighting-error.js';

/**
 * The grid of `D` the double-weighting paper searches, `D_k = 1/(1 − k/10)²` for `k = 0..9` (1, 1.23, …, 100).
 * Reference: Experiments_Paper/Experiment_Features.py line 52 (MachineLearningBCAM/MRCs-for-Covariate-Shift-Adaptation).
 */
export const DOUBLE_WEIGHTING_D_GRID: readonly number[] = Array.from({ length: 10 }, (_, k) => 1 / (1 - k / 10) ** 2);

/** Options of {@link doubleWeighting}; defaults are the reference code's. */
export interface DoubleWeightingOptions {
  /** `D ≥ 1`: `β ≤ B/√D` and `‖α − 1‖₂ ≤ (1 − 1/√D)√t`. `D = 1` fixes `α = 1` (kernel mean matching). Default 1. */
  readonly D?: number;
  /** Weight bound `B > 0`. Default 1000 (DWGCS/DWGCS.py line 15). */
  readonly B?: number;
  /** Mean-gap bound `ε > 0` in `|mean β − mean α| ≤ ε`. Default `1 − 1/√n` (DWGCS/DWGCS.py line 14). */
  readonly epsilon?: number;
  /**
   * Gaussian kernel width σ. Default {@link nearestNeighbourWidth} (50th neighbour) of the pooled source and target
   * rows (the reference pools the whole data set before splitting, Experiment_Features.py lines 28–30).
   */
  readonly sigma?: number;
  /** Relative duality-gap target of the interior-point solver (times `‖(1/t)Σφ(x'_j)‖²`). Default 1e-9. */
  readonly tolerance?: number;
  /** Iteration cap of the interior-point solver. Default 500. */
  readonly maxIterations?: number;
  /** Residual-diagonal tolerance of the pivoted Cholesky factor of the kernel. Default 1e-12. */
  readonly factorTolerance?: number;
  /**
   * Rank cap of the kernel factor (default none). Each Newton step costs `O((n+t)·rank²)`; a cap below the rank
   * `factorTolerance` needs solves a Nyström-approximated problem (the returned objective still uses the exact kernel).
   */
  readonly maxRank?: number;
}

/** What {@link doubleWeighting} returns. */
export interface DoubleWeightingResult {
  /** Training (source) weights β `[n]`, in `[0, B/√D]`. */
  readonly beta: Float64Array;
  /** Test (target) weights α `[t]`, in `[0, 1]`; all exactly 1 when `D = 1`. */
  readonly alpha: Float64Array;
  /** `‖(1/n)Σβ_iφ(x_i) − (1/t)Σα_jφ(x'_j)‖²_H` at the returned weights, exact kernel (the reference's `min_DWKMM`). */
  readonly objective: number;
  /** Kernel width used. */
  readonly sigma: number;
  /** Rank of the kernel factor the solver used. */
  readonly rank: number;
  /** Interior-point iterations. */
  readonly iterations: number;
  /** Final surrogate duality gap of the solver (objective units). */
  readonly gap: number;
  /** Final largest dual-residual entry of the solver (gradient units in `(β/n, α/t)`). */
  readonly dualResidual: number;
  /** Whether the solver met its gap and dual-residual targets within `maxIterations`. */
  readonly converged: boolean;
}

function atLeast(name: string, v: number, min: number, strict: boolean): number {
  if (!Number.isFinite(v) || v < min || (strict && v === min)) {
    throw new ReweightingError('doubleWeighting', name, `must be a finite number ${strict ? '>' : '≥'} ${min}, got ${v}`);
  }
  return v;
}

function squaredDistance(x: Matrix, i: number, j: number): number {
  let s = 0;
  for (let c = 0; c < x.cols; c++) s += (x.data[i * x.cols + c]! - x.data[j * x.cols + c]!) ** 2;
  return s;
}

/**
 * Double-weighting kernel mean matching (Segovia-Martín, Mazuelas & Liu, "Double-Weighting for Covariate Shift
 * Adaptation", ICML 2023): training weights β `[n]` and test weights α `[t]` minimising
 * `‖(1/n)Σ_i β_i φ(x_i) − (1/t)Σ_j α_j φ(x'_j)‖²_H = vᵀKv`, `v = (β/n, −α/t)`, `K` the Gaussian kernel
 * `exp(−‖x − x'‖²/(2σ²))` of the pooled rows, subject to `0 ≤ β ≤ B/√D`, `0 ≤ α ≤ 1`, `|Σβ/n − Σα/t| ≤ ε`,
 * `‖α − 1‖₂ ≤ (1 − 1/√D)√t` (DWGCS/DWGCS.py lines 9–48). `D = 1` forces `α = 1`: kernel mean matching of the
 * training sample alone. With `D > 1` test points outside the training support get small α.
 *
 * Solver: the reference calls MOSEK through cvxpy. Here the kernel is factored `K ≈ LLᵀ` by {@link pivotedCholesky}
 * (rank `r` adapts to the data; small for low-dimensional rows) and the problem is solved in `(β/n, α/t)` by the
 * primal-dual interior-point method {@link solveDoubleWeightingInteriorPoint}, `O((n+t) r²)` per iteration:
 * ~20–50 iterations for `D = 1` or a slack ball, ~100–260 when the ball constraint is active (moderate `D`), more
 * as n grows (n = t = 400, D = 4: 500, gap 3.7e-10). `converged: false` means the iteration cap was hit or the line
 * search stalled at the float64 floor; `gap` and `dualResidual` say how close it got. The returned objective uses
 * the exact kernel.
 *
 * @param source training rows `[n][p]`; @param target test rows `[t][p]`.
 * @throws ReweightingError on an empty sample, mismatched columns, a non-finite value, identical points (zero
 *   width), `D < 1`, `B ≤ 0`, `ε ≤ 0` (one source row gives the default `ε = 0`), or constraints with no feasible
 *   point (`B + ε√D ≤ 1`).
 */
export function doubleWeighting(source: Matrix, target: Matrix, options: DoubleWeightingOptions = {}): DoubleWeightingResult {
  assertDensityRatioInput('doubleWeighting', source, target);
  const n = source.rows;
  const t = target.rows;
  const D = atLeast('options.D', options.D ?? 1, 1, false);
  const B = atLeast('options.B', options.B ?? 1000, 0, true);
  const epsilon = atLeast('options.epsilon', options.epsilon ?? 1 - 1 / Math.sqrt(n), 0, true);
  if (B + epsilon * Math.sqrt(D) <= 1) {
    throw new ReweightingError(
      'doubleWeighting',
      'options.B',
      `${B} with ε = ${epsilon} and D = ${D} leaves no strictly feasible weights (need B + ε√D > 1)`,
    );
  }
  const data = new Float64Array((n + t) * source.cols);
  data.set(source.data);
  data.set(target.data, source.data.length);
  const x: Matrix = { rows: n + t, cols: source.cols, data };
  const sigma = options.sigma ?? nearestNeighbourWidth(x);
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new ReweightingError('doubleWeighting', 'options.sigma', `must be a positive finite width, got ${sigma}`);
  }
  const m = n + t;
  const gamma = -1 / (2 * sigma * sigma);
  const kernel = (i: number, j: number): number => Math.exp(gamma * squaredDistance(x, i, j));
  const factor = pivotedCholesky(
    new Float64Array(m).fill(1),
    (j, out) => {
      for (let i = 0; i < m; i++) out[i] = kernel(i, j);
    },
    { tolerance: options.factorTolerance ?? 1e-12, ...(options.maxRank === undefined ? {} : { maxRank: options.maxRank }) },
  );
  const set: DoubleWeightingFeasibleSet = {
    uUpper: B / Math.sqrt(D) / n,
    wUpper: 1 / t,
    radius: (1 - 1 / Math.sqrt(D)) / Math.sqrt(t),
    epsilon,
  };
  const solved = solveDoubleWeightingInteriorPoint(factor, n, t, set, {
    tolerance: options.tolerance ?? 1e-9,
    maxIterations: options.maxIterations ?? 500,
  });
  const beta = new Float64Array(n);
  for (let i = 0; i < n; i++) beta[i] = solved.u[i]! * n;
  const alpha = new Float64Array(t);
  for (let j = 0; j < t; j++) alpha[j] = D === 1 ? 1 : solved.w[j]! * t;
  const v = new Float64Array(m);
  for (let i = 0; i < m; i++) v[i] = i < n ? beta[i]! / n : -alpha[i - n]! / t;
  let objective = 0;
  for (let i = 0; i < m; i++) {
    let s = v[i]!;
    for (let j = i + 1; j < m; j++) s += 2 * kernel(i, j) * v[j]!;
    objective += v[i]! * s;
  }
  return {
    beta,
    alpha,
    objective: Math.max(objective, 0),
    sigma,
    rank: factor.cols,
    iterations: solved.iterations,
    gap: solved.gap,
    dualResidual: solved.dualResidual,
    converged: solved.converged,
  };
}
