// Test-only: small float64 building blocks for the independent references in the tests.

/** log Σ_k e^{row_k}, max-shifted, in float64. */
export function logSumExp64(row: readonly number[]): number {
  const max = Math.max(...row);
  return max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
}

/** log softmax of one row, max-shifted, in float64. */
export function logSoftmax64(row: readonly number[]): number[] {
  const lse = logSumExp64(row);
  return row.map((v) => v - lse);
}

/** Row `r` of `width` values of a flat row-major array (the logits of one token), as float64 numbers. */
export function rowOf(values: ArrayLike<number>, r: number, width: number): number[] {
  return Array.from({ length: width }, (_, c) => values[r * width + c] ?? 0);
}

/** Splits a flat row-major array into rows of `cols`. */
export function rows(values: readonly number[], cols: number): number[][] {
  return Array.from({ length: values.length / cols }, (_, r) => values.slice(r * cols, (r + 1) * cols));
}

export function sum64(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** −log softmax(row)[label] in float64. */
export function crossEntropy64(row: readonly number[], label: number): number {
  return -(logSoftmax64(row)[label] ?? Number.NaN);
}
