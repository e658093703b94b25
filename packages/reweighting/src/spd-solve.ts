/**
 * Solves `A·x = b` for a symmetric positive-definite `A` (`[n·n]`, row-major; only the lower triangle is read) by a
 * Cholesky factorisation `A = L·Lᵀ` (Golub & Van Loan 2013, Algorithm 4.2.1). Returns `undefined` when a pivot is not above 1e-13 times
 * its diagonal entry (A not numerically positive definite), so callers can add a ridge or raise their own error. @internal
 */
export function solveSymmetricPositive(a: Float64Array, b: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j += 1) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k += 1) d -= l[j * n + k]! ** 2;
    if (!(d > 1e-13 * a[j * n + j]!) || !Number.isFinite(d)) return undefined;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i += 1) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k += 1) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i += 1) {
    let s = x[i]!;
    for (let k = 0; k < i; k += 1) s -= l[i * n + k]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i -= 1) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k += 1) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}
