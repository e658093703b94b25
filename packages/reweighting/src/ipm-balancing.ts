import { gaussianKernel } from './gaussian-kernel.js';
import type { Matrix } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';
import { fitFeatureMap } from './ridge-regression.js';
import { minimizeSimplexQuadratic } from './simplex-qp.js';
import { treatmentGroups } from './treatment-data.js';

/** Which effect the balancing weights target. */
export type BalancingEstimand = 'ate' | 'att';

/**
 * Options of {@link ipmBalancingWeights}. Defaults: estimand `'ate'`, bandwidth by the median heuristic on the
 * standardised covariates (computed on at most 1,000 evenly strided rows), at most 2,000 solver iterations per group,
 * relative tolerance 1e-3.
 */
export interface IpmBalancingOptions {
  readonly estimand?: BalancingEstimand;
  /** σ of the Gaussian kernel on standardised covariates; default the median pairwise distance. */
  readonly bandwidth?: number;
  /** Rows used for the median heuristic (evenly strided subsample when n is larger). Default 1,000. */
  readonly medianRows?: number;
  /** Iteration cap of each group's QP. Default 2,000. */
  readonly maxIterations?: number;
  /**
   * Stop a group's QP once its Frank–Wolfe gap (a bound on MMD² − min MMD²) is ≤ tolerance × the group's MMD² under
   * uniform weights. Default 1e-3.
   */
  readonly tolerance?: number;
}

/** Balancing weights and their diagnostics. */
export interface IpmBalancingResult {
  /** w `[n]`, ≥ 0, summing to 1 within the treated rows and within the control rows. */
  readonly weights: Float64Array;
  readonly estimand: BalancingEstimand;
  /** The kernel width σ used (on standardised covariates). */
  readonly bandwidth: number;
  /**
   * MMD of each weighted group to its target after weighting (ATE: treated→pooled and control→pooled; ATT: the
   * control→treated distance, with the treated row `0` since the treated keep uniform weights).
   */
  readonly mmd: { readonly treated: number; readonly control: number };
  /** The same distances with uniform weights within each group (before balancing). */
  readonly unweightedMmd: { readonly treated: number; readonly control: number };
  /** Whether every QP met its Frank–Wolfe-gap tolerance within the iteration cap. */
  readonly converged: boolean;
  /** Largest Frank–Wolfe gap over the groups: MMD² of each group exceeds its minimum by at most this. */
  readonly gap: number;
  /** Solver iterations summed over the groups. */
  readonly iterations: number;
}

/**
 * IPM covariate balancing (Kong, Park, Jung, Lee & Kim, 2023, "Covariate balancing using the integral probability
 * metric for causal inference", arXiv 2305.13715) with the RKHS unit ball as discriminator class, where the IPM is the
 * maximum mean discrepancy: weights w ≥ 0 normalised within each group minimise
 *   MMD²(Σ_{i∈g} w_i δ_{x_i}, P_target) = wᵀK_gg w − 2 wᵀ K_g,target 1/n_target + const,
 * with P_target the pooled sample for each group (ATE) or the treated sample for the controls (ATT; treated weights
 * stay 1/n₁). Kernel k(x, x') = exp(−‖x − x'‖²/(2σ²)) on covariates standardised by the pooled mean and standard
 * deviation (constant columns left unscaled), σ the median pairwise distance unless given. Each group's QP is solved
 * by {@link minimizeSimplexQuadratic}. `x` is `[n × d]`, `treatment` `[n]` of 0/1. Memory O(n_g · n_target).
 * Plug the weights into {@link weightedMeanDifference}.
 * @throws ReweightingError for an empty group, NaN cells (row and column named), a non-binary treatment, or a
 *   singular kernel (all rows identical after standardisation, so the median distance is 0).
 */
export function ipmBalancingWeights(
  x: Matrix,
  treatment: ArrayLike<number>,
  options: IpmBalancingOptions = {},
): IpmBalancingResult {
  const fn = 'ipmBalancingWeights';
  const groups = treatmentGroups(fn, x, treatment);
  const estimand = options.estimand ?? 'ate';
  if (estimand !== 'ate' && estimand !== 'att') {
    throw new ReweightingError(fn, 'options.estimand', `must be 'ate' or 'att', got ${String(estimand)}`);
  }
  const z = fitFeatureMap(x, 'linear')(x);
  const bandwidth = options.bandwidth ?? medianDistance(z, options.medianRows ?? 1000);
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth)) {
    throw new ReweightingError(
      fn,
      options.bandwidth === undefined ? 'x' : 'options.bandwidth',
      options.bandwidth === undefined
        ? 'has a median pairwise distance of 0 (rows identical): the Gaussian kernel matrix is singular (all ones)'
        : `must be a positive finite width, got ${bandwidth}`,
    );
  }
  const maxIterations = options.maxIterations ?? 2000;
  const relativeTolerance = options.tolerance ?? 1e-3;
  let gap = 0;
  let iterations = 0;
  const all = Int32Array.from({ length: x.rows }, (_, i) => i);
  const weights = new Float64Array(x.rows);
  let converged = true;
  const balance = (rows: Int32Array, target: Int32Array): { mmd: number; before: number } => {
    const xg = pick(z, rows);
    const q = gaussianKernel(xg, xg, bandwidth).data;
    const cross = gaussianKernel(xg, pick(z, target), bandwidth);
    const b = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      let s = 0;
      for (let j = 0; j < cross.cols; j++) s += cross.data[i * cross.cols + j]!;
      b[i] = s / cross.cols;
    }
    const targetSelf = meanKernel(z, target, bandwidth);
    const m = rows.length;
    let before = 0;
    for (let i = 0; i < m; i++) {
      let qi = 0;
      for (let j = 0; j < m; j++) qi += q[i * m + j]!;
      before += (qi / m - 2 * b[i]!) / m;
    }
    const tolerance = relativeTolerance * Math.max(before + targetSelf, 0);
    const result = minimizeSimplexQuadratic(q, b, { maxIterations, tolerance });
    converged &&= result.converged;
    gap = Math.max(gap, result.gap);
    iterations += result.iterations;
    rows.forEach((r, i) => (weights[r] = result.weights[i]!));
    return {
      mmd: Math.sqrt(Math.max(result.objective + targetSelf, 0)),
      before: Math.sqrt(Math.max(before + targetSelf, 0)),
    };
  };
  if (estimand === 'ate') {
    const t = balance(groups.treated, all);
    const c = balance(groups.control, all);
    return {
      weights,
      estimand,
      bandwidth,
      mmd: { treated: t.mmd, control: c.mmd },
      unweightedMmd: { treated: t.before, control: c.before },
      converged,
      gap,
      iterations,
    };
  }
  for (const r of groups.treated) weights[r] = 1 / groups.treated.length;
  const c = balance(groups.control, groups.treated);
  return {
    weights,
    estimand,
    bandwidth,
    mmd: { treated: 0, control: c.mmd },
    unweightedMmd: { treated: 0, control: c.before },
    converged,
    gap,
    iterations,
  };
}

/** Median Euclidean distance over pairs i < j of an evenly strided subsample of at most `maxRows` rows. */
export function medianDistance(x: Matrix, maxRows = 1000): number {
  const step = Math.max(1, Math.ceil(x.rows / maxRows));
  const idx: number[] = [];
  for (let i = 0; i < x.rows; i += step) idx.push(i);
  if (idx.length < 2) return 0;
  const d = new Float64Array((idx.length * (idx.length - 1)) / 2);
  let k = 0;
  for (let a = 0; a < idx.length; a++) {
    for (let b = a + 1; b < idx.length; b++) {
      let s = 0;
      for (let c = 0; c < x.cols; c++) s += (x.data[idx[a]! * x.cols + c]! - x.data[idx[b]! * x.cols + c]!) ** 2;
      d[k++] = Math.sqrt(s);
    }
  }
  d.sort();
  const mid = d.length >> 1;
  return d.length % 2 === 1 ? d[mid]! : (d[mid - 1]! + d[mid]!) / 2;
}

function pick(x: Matrix, rows: Int32Array): Matrix {
  const data = new Float64Array(rows.length * x.cols);
  rows.forEach((r, i) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return { rows: rows.length, cols: x.cols, data };
}

/** (1/m²) Σ_{i,j} k(x_i, x_j) over the given rows, computed row by row (O(m) memory). */
function meanKernel(x: Matrix, rows: Int32Array, sigma: number): number {
  const sub = pick(x, rows);
  let s = 0;
  const scale = -1 / (2 * sigma * sigma);
  for (let i = 0; i < sub.rows; i++) {
    for (let j = 0; j < sub.rows; j++) {
      let d = 0;
      for (let c = 0; c < sub.cols; c++) d += (sub.data[i * sub.cols + c]! - sub.data[j * sub.cols + c]!) ** 2;
      s += Math.exp(scale * d);
    }
  }
  return s / (sub.rows * sub.rows);
}
