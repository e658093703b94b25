import type { Matrix } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';

/** Options of {@link pivotedCholesky}. */
export interface PivotedCholeskyOptions {
  /** Stop once every residual diagonal entry `K_ii − Σ_k L_ik²` is at most this. Default 1e-12. */
  readonly tolerance?: number;
  /** Rank cap. Default the matrix order. */
  readonly maxRank?: number;
}

/**
 * Greedy pivoted (incomplete) Cholesky factor `K ≈ L Lᵀ` of a positive semi-definite `m × m` matrix given by its
 * diagonal and a column oracle, `L` of shape `[m][r]` (row-major), the pivot each step the largest residual diagonal
 * (Fine & Scheinberg, 2001; Harbrecht, Peters & Schneider, 2012). `K − LLᵀ` is positive semi-definite with trace at
 * most `m · tolerance`, so for any `v`, `0 ≤ vᵀKv − ‖Lᵀv‖² ≤ m · tolerance · ‖v‖²`. Cost `O(m r²)` plus `r` columns.
 *
 * @param diagonal `K_ii`, `[m]`; @param column writes column `j` of `K` into `out` (`[m]`).
 * @throws ReweightingError if a diagonal entry is negative or not finite (not a PSD matrix).
 */
export function pivotedCholesky(
  diagonal: Float64Array,
  column: (j: number, out: Float64Array) => void,
  options: PivotedCholeskyOptions = {},
): Matrix {
  const m = diagonal.length;
  const tolerance = options.tolerance ?? 1e-12;
  const maxRank = Math.min(options.maxRank ?? m, m);
  const residual = Float64Array.from(diagonal);
  for (let i = 0; i < m; i++) {
    if (!(residual[i]! >= 0) || !Number.isFinite(residual[i]!)) {
      throw new ReweightingError('pivotedCholesky', 'diagonal', `entry ${i} is ${residual[i]} (not a PSD matrix)`);
    }
  }
  const columns: Float64Array[] = [];
  const col = new Float64Array(m);
  while (columns.length < maxRank) {
    let pivot = 0;
    for (let i = 1; i < m; i++) if (residual[i]! > residual[pivot]!) pivot = i;
    const d = residual[pivot]!;
    if (d <= tolerance) break;
    column(pivot, col);
    const l = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = col[i]!;
      for (const prev of columns) s -= prev[i]! * prev[pivot]!;
      l[i] = s / Math.sqrt(d);
    }
    l[pivot] = Math.sqrt(d);
    for (let i = 0; i < m; i++) residual[i] = Math.max(residual[i]! - l[i]! * l[i]!, 0);
    residual[pivot] = 0;
    columns.push(l);
  }
  const r = columns.length;
  const data = new Float64Array(m * r);
  columns.forEach((l, k) => {
    for (let i = 0; i < m; i++) data[i * r + k] = l[i]!;
  });
  return { rows: m, cols: r, data };
}
