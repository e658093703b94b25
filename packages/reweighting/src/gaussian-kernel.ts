import type { Matrix } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';

/** Squared Euclidean distance between row `i` of `a` and row `j` of `b` (same column count). */
function squaredDistance(a: Matrix, i: number, b: Matrix, j: number): number {
  let s = 0;
  const oa = i * a.cols;
  const ob = j * b.cols;
  for (let c = 0; c < a.cols; c++) {
    const d = a.data[oa + c]! - b.data[ob + c]!;
    s += d * d;
  }
  return s;
}

/**
 * The Gaussian (RBF) kernel matrix `K[i][j] = exp(−‖a_i − b_j‖² / (2σ²))`, shape `[a.rows][b.rows]` (rows of `a` by
 * rows of `b`), row-major. Same parameterisation as the double-weighting reference (`rbf_kernel(x, x, 1/(2σ²))`,
 * MachineLearningBCAM/MRCs-for-Covariate-Shift-Adaptation, DWGCS/DWGCS.py line 24).
 * @throws ReweightingError when `sigma` is not a positive finite number or the column counts differ.
 */
export function gaussianKernel(a: Matrix, b: Matrix, sigma: number): Matrix {
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new ReweightingError('gaussianKernel', 'sigma', `must be a positive finite width, got ${sigma}`);
  }
  if (a.cols !== b.cols) {
    throw new ReweightingError('gaussianKernel', 'b', `has ${b.cols} columns, 'a' has ${a.cols} (mismatched columns)`);
  }
  const scale = -1 / (2 * sigma * sigma);
  const data = new Float64Array(a.rows * b.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) data[i * b.rows + j] = Math.exp(scale * squaredDistance(a, i, b, j));
  }
  return { rows: a.rows, cols: b.rows, data };
}

/** Options of {@link nearestNeighbourWidth}. */
export interface NearestNeighbourWidthOptions {
  /**
   * Which neighbour's distance to average, counting the point itself as the first (scikit-learn's
   * `NearestNeighbors(n_neighbors=50).kneighbors(X)[0][:, 49]`). Default 50 (reference: Experiments_Paper/
   * Experiment_Features.py lines 28–30). Clamped to the number of rows when the sample is smaller.
   */
  readonly neighbours?: number;
}

/**
 * The kernel-width rule of double weighting (Segovia-Martín, Mazuelas & Liu, 2023): `σ = (1/N) Σ_i d_(k)(x_i)`,
 * the mean over the `N` rows of `x` of the Euclidean distance to the `k`-th nearest row, the row itself counted
 * first (so `k = 50` is the 49th other row). The reference computes it on the whole pooled data set.
 * @throws ReweightingError when `x` is empty, has a non-finite value, or the width is 0 (all rows identical up to the
 *   `k`-th neighbour, a singular kernel).
 */
export function nearestNeighbourWidth(x: Matrix, options: NearestNeighbourWidthOptions = {}): number {
  if (x.rows < 1 || x.cols < 1) throw new ReweightingError('nearestNeighbourWidth', 'x', 'has no rows or no columns (empty sample)');
  for (let k = 0; k < x.data.length; k++) {
    if (!Number.isFinite(x.data[k]!)) {
      throw new ReweightingError('nearestNeighbourWidth', 'x', `row ${Math.floor(k / x.cols)}, column ${k % x.cols} is ${x.data[k]}`);
    }
  }
  const requested = options.neighbours ?? 50;
  if (!Number.isInteger(requested) || requested < 1) {
    throw new ReweightingError('nearestNeighbourWidth', 'options.neighbours', `must be a positive integer, got ${requested}`);
  }
  const k = Math.min(requested, x.rows);
  const row = new Float64Array(x.rows);
  let total = 0;
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.rows; j++) row[j] = squaredDistance(x, i, x, j);
    row.sort();
    total += Math.sqrt(row[k - 1]!);
  }
  const sigma = total / x.rows;
  if (!(sigma > 0)) {
    throw new ReweightingError(
      'nearestNeighbourWidth',
      'x',
      `gives width 0: every row coincides with its ${k}th nearest neighbour (identical points, singular kernel)`,
    );
  }
  return sigma;
}
