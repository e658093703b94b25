import { SolverArgumentError } from './errors.js';

/** Quantile predictions `[N][Q]`: one row per sample, one column per level in increasing level order. */
export type QuantileRows = ReadonlyArray<ArrayLike<number>>;

/** How {@link repairQuantileCrossing} makes each row non-decreasing. */
export type QuantileRepairMethod = 'sort' | 'isotonic';

/** Every {@link QuantileRepairMethod}. */
export const QUANTILE_REPAIR_METHODS: readonly QuantileRepairMethod[] = ['sort', 'isotonic'];

/**
 * Weighted isotonic (non-decreasing) least-squares regression by pool-adjacent-violators:
 * `argmin_z Σ_i w_i (z_i − v_i)²` subject to `z_1 ≤ z_2 ≤ … ≤ z_n`. Each pooled block takes the weighted mean of its
 * values, so the weighted mean of the whole vector is kept. O(n).
 *
 * @param values `v`, finite, length n ≥ 1; `weights` `w`, positive, length n (default all 1, as scikit-learn's
 *   `IsotonicRegression`). Reference: Ayer et al. 1955; Barlow et al. 1972 (PAVA).
 * @throws SolverArgumentError for an empty or non-finite `values` or non-positive `weights`.
 */
export function isotonicRegression(values: ArrayLike<number>, weights?: ArrayLike<number>): Float64Array {
  const fn = 'isotonicRegression';
  const n = values.length;
  if (n < 1) throw new SolverArgumentError(fn, 'values', 'must hold at least one value');
  if (weights !== undefined && weights.length !== n) {
    throw new SolverArgumentError(fn, 'weights', `has ${weights.length} entries but 'values' has ${n}`);
  }
  const means = new Float64Array(n);
  const blockWeights = new Float64Array(n);
  const sizes = new Int32Array(n);
  let blocks = 0;
  for (let i = 0; i < n; i += 1) {
    const v = values[i] ?? Number.NaN;
    const w = weights === undefined ? 1 : (weights[i] ?? Number.NaN);
    if (!Number.isFinite(v)) throw new SolverArgumentError(fn, 'values', `must be finite, got ${v} at index ${i}`);
    if (!(w > 0) || !Number.isFinite(w)) throw new SolverArgumentError(fn, 'weights', `must be finite and > 0, got ${w} at index ${i}`);
    means[blocks] = v;
    blockWeights[blocks] = w;
    sizes[blocks] = 1;
    blocks += 1;
    // Pool while the last two blocks violate the order.
    while (blocks > 1 && (means[blocks - 2] ?? 0) > (means[blocks - 1] ?? 0)) {
      const wa = blockWeights[blocks - 2] ?? 0;
      const wb = blockWeights[blocks - 1] ?? 0;
      means[blocks - 2] = ((means[blocks - 2] ?? 0) * wa + (means[blocks - 1] ?? 0) * wb) / (wa + wb);
      blockWeights[blocks - 2] = wa + wb;
      sizes[blocks - 2] = (sizes[blocks - 2] ?? 0) + (sizes[blocks - 1] ?? 0);
      blocks -= 1;
    }
  }
  const out = new Float64Array(n);
  let at = 0;
  for (let b = 0; b < blocks; b += 1) {
    out.fill(means[b] ?? 0, at, at + (sizes[b] ?? 0));
    at += sizes[b] ?? 0;
  }
  return out;
}

/** Checks `[N][Q]` quantile rows (rectangular, finite, N ≥ 1, Q ≥ 1) and returns Q (internal). */
export function checkQuantileRows(quantiles: QuantileRows, fn: string, argument = 'quantiles'): number {
  if (typeof quantiles !== 'object' || quantiles === null || typeof quantiles.length !== 'number') {
    throw new SolverArgumentError(fn, argument, 'must be an array of quantile rows [N][Q]');
  }
  if (quantiles.length < 1) throw new SolverArgumentError(fn, argument, 'must hold at least one row');
  const q = quantiles[0]?.length ?? 0;
  if (q < 1) throw new SolverArgumentError(fn, argument, 'row 0 has no quantiles');
  for (let i = 0; i < quantiles.length; i += 1) {
    const row = quantiles[i];
    if (row === undefined || row.length !== q) {
      throw new SolverArgumentError(fn, argument, `row ${i} has ${row?.length ?? 0} quantiles, row 0 has ${q}`);
    }
    for (let j = 0; j < q; j += 1) {
      const v = row[j] ?? Number.NaN;
      if (!Number.isFinite(v)) throw new SolverArgumentError(fn, argument, `row ${i} column ${j} must be finite, got ${v}`);
    }
  }
  return q;
}

/**
 * Repairs crossed quantiles row by row, so every row is non-decreasing in the level order:
 *
 * - `sort` (default): sorts each row ascending (Chernozhukov, Fernández-Val & Galichon 2010, "rearrangement");
 * - `isotonic`: the isotonic least-squares fit of each row over its levels ({@link isotonicRegression}, equal
 *   weights), as `util/misc.py` of amazon-science/quantile-aggregation does with scikit-learn.
 *
 * Both never increase the pinball loss summed over the levels, hence never the weighted interval score, of any row
 * against any target (Fakoor et al., JMLR 2023; rearrangement: Chernozhukov et al. 2010). Rows that do not cross are
 * returned unchanged. Columns must be in increasing level order.
 *
 * @param quantiles `[N][Q]` rows (finite). @returns new rows `[N][Q]` (Float64Array each).
 * @throws SolverArgumentError for ragged or non-finite rows or an unknown method.
 */
export function repairQuantileCrossing(quantiles: QuantileRows, options: { readonly method?: QuantileRepairMethod } = {}): Float64Array[] {
  const fn = 'repairQuantileCrossing';
  const method = options.method ?? 'sort';
  if (!QUANTILE_REPAIR_METHODS.includes(method)) {
    throw new SolverArgumentError(fn, 'options.method', `must be 'sort' or 'isotonic', got '${String(method)}'`);
  }
  checkQuantileRows(quantiles, fn);
  return quantiles.map((row) => {
    const copy = Float64Array.from(row);
    let crossed = false;
    for (let j = 1; j < copy.length; j += 1) if ((copy[j] ?? 0) < (copy[j - 1] ?? 0)) crossed = true;
    if (!crossed) return copy;
    return method === 'sort' ? copy.sort() : isotonicRegression(copy);
  });
}
