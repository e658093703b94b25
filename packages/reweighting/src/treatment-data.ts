import type { Matrix } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';

/** Row indices of the treated (`treatment[i] === 1`) and control (`treatment[i] === 0`) rows. */
export interface TreatmentGroups {
  readonly treated: Int32Array;
  readonly control: Int32Array;
}

/**
 * `estimator` names the calling function in errors. Checks covariates (and optionally outcomes) for a binary-treatment estimator and splits the rows into groups.
 * @throws ReweightingError naming the row and column of the first non-finite covariate, a treatment value other
 *   than 0/1, a length mismatch, a non-finite outcome, or an empty group (all rows treated, or none).
 */
export function treatmentGroups(
  estimator: string,
  x: Matrix,
  treatment: ArrayLike<number>,
  outcome?: ArrayLike<number>,
): TreatmentGroups {
  if (x.rows === 0 || x.cols === 0) throw new ReweightingError(estimator, 'x', `is empty (${x.rows} × ${x.cols})`);
  if (x.data.length !== x.rows * x.cols) {
    throw new ReweightingError(estimator, 'x', `holds ${x.data.length} values, not rows × cols = ${x.rows * x.cols}`);
  }
  assertFiniteMatrix(estimator, x, 'x');
  if (treatment.length !== x.rows) {
    throw new ReweightingError(estimator, 'treatment', `has ${treatment.length} values, x has ${x.rows} rows`);
  }
  if (outcome !== undefined) {
    if (outcome.length !== x.rows) throw new ReweightingError(estimator, 'outcome', `has ${outcome.length} values, x has ${x.rows} rows`);
    for (let i = 0; i < outcome.length; i++) {
      if (!Number.isFinite(outcome[i])) throw new ReweightingError(estimator, 'outcome', `row ${i} is ${outcome[i]}`);
    }
  }
  const treated: number[] = [];
  const control: number[] = [];
  for (let i = 0; i < treatment.length; i++) {
    const a = treatment[i];
    if (a === 1) treated.push(i);
    else if (a === 0) control.push(i);
    else throw new ReweightingError(estimator, 'treatment', `row ${i} is ${a}; treatment must be 0 or 1`);
  }
  if (control.length === 0) throw new ReweightingError(estimator, 'treatment', 'has no control rows (all treated: one group empty)');
  if (treated.length === 0) throw new ReweightingError(estimator, 'treatment', 'has no treated rows (none treated: one group empty)');
  return { treated: Int32Array.from(treated), control: Int32Array.from(control) };
}

/** @throws ReweightingError naming the row and column of the first NaN or infinite cell of `m`. */
export function assertFiniteMatrix(estimator: string, m: Matrix, name: string): void {
  for (let k = 0; k < m.data.length; k++) {
    const v = m.data[k]!;
    if (!Number.isFinite(v)) {
      throw new ReweightingError(estimator, name, `row ${Math.floor(k / m.cols)}, column ${k % m.cols} is ${v}`);
    }
  }
}
