/**
 * A dense float64 matrix in row-major order: element (i, j) is `data[i * cols + j]`. The one data layout every
 * estimator of this package takes (rows are samples, columns are covariates).
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** Builds a {@link Matrix} from rows of equal length. @throws RangeError naming the first row of another length. */
export function matrixFromRows(rows: readonly (readonly number[])[], name = 'rows'): Matrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`${name}: row ${i} has ${row.length} values, row 0 has ${cols}`);
    data.set(row, i * cols);
  });
  return { rows: rows.length, cols, data };
}

/** Row `i` of `m` as a view (no copy). */
export function matrixRow(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}
