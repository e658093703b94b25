import type { Matrix } from './matrix.js';
import { ReweightingError } from './reweighting-error.js';

/**
 * Checks the source and target rows of a density-ratio fit: both non-empty, the same number of columns, every cell
 * finite. @throws ReweightingError naming the group (`source`/`target`) and, for a non-finite cell, its row and column.
 * @internal
 */
export function assertDensityRatioInput(estimator: string, source: Matrix, target: Matrix): void {
  for (const [name, m] of [
    ['source', source],
    ['target', target],
  ] as const) {
    if (m.rows < 1) throw new ReweightingError(estimator, name, 'has no rows (one group empty)');
    if (m.cols < 1) throw new ReweightingError(estimator, name, 'has no columns');
    if (m.data.length !== m.rows * m.cols) {
      throw new ReweightingError(estimator, name, `holds ${m.data.length} values, rows·cols = ${m.rows * m.cols}`);
    }
  }
  if (source.cols !== target.cols) {
    throw new ReweightingError(estimator, 'target', `has ${target.cols} columns but 'source' has ${source.cols} (mismatched columns)`);
  }
  for (const [name, m] of [
    ['source', source],
    ['target', target],
  ] as const) {
    for (let k = 0; k < m.data.length; k += 1) {
      const v = m.data[k]!;
      if (!Number.isFinite(v)) throw new ReweightingError(estimator, name, `row ${Math.floor(k / m.cols)}, column ${k % m.cols} is ${v}`);
    }
  }
}

/** Checks that a matrix given to a fitted model's `ratio` has the fitted column count and finite cells. @internal */
export function assertRatioInput(estimator: string, x: Matrix, cols: number): void {
  if (x.cols !== cols) throw new ReweightingError(estimator, 'x', `has ${x.cols} columns, the model was fitted on ${cols}`);
  for (let k = 0; k < x.data.length; k += 1) {
    const v = x.data[k]!;
    if (!Number.isFinite(v)) throw new ReweightingError(estimator, 'x', `row ${Math.floor(k / cols)}, column ${k % cols} is ${v}`);
  }
}
