/**
 * Kish's effective sample size of weights `w` (Kish 1965): `(Σ w)² / Σ w²` — `n` for equal weights, 1 when one row
 * carries all the weight. NaN for an empty or all-zero vector.
 */
export function effectiveSampleSize(weights: ArrayLike<number>): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    s1 += w;
    s2 += w * w;
  }
  return s2 > 0 ? (s1 * s1) / s2 : Number.NaN;
}
