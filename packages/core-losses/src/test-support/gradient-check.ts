// Test-only: central finite differences of a scalar tfjs function, compared with tf.grad.
import * as tf from '@tensorflow/tfjs-core';

export interface GradientCheckResult {
  readonly analytic: Float32Array;
  readonly numeric: Float64Array;
  /** Largest |analytic − numeric| − (atol + rtol·|numeric|); ≤ 0 means every element passed. */
  readonly worstExcess: number;
  readonly worstIndex: number;
}

/**
 * Compares `tf.grad(f)` at `x` with central differences `(f(x + h·e_i) − f(x − h·e_i)) / 2h` (float32 evaluation,
 * so `h` must be large enough that rounding noise ~1e-7·|f|/h stays below the tolerance).
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  values: ArrayLike<number>,
  shape: number[],
  { h = 1e-2, atol = 1e-3, rtol = 1e-2 }: { h?: number; atol?: number; rtol?: number } = {},
): GradientCheckResult {
  const base = Float32Array.from(values);
  const analytic = tf.tidy(() => tf.grad((x: tf.Tensor) => f(x))(tf.tensor(base, shape)).dataSync() as Float32Array);
  const numeric = new Float64Array(base.length);
  let worstExcess = Number.NEGATIVE_INFINITY;
  let worstIndex = -1;
  for (let i = 0; i < base.length; i += 1) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i] = (plus[i] ?? 0) + h;
    minus[i] = (minus[i] ?? 0) - h;
    const fPlus = tf.tidy(() => f(tf.tensor(plus, shape)).dataSync()[0] ?? Number.NaN);
    const fMinus = tf.tidy(() => f(tf.tensor(minus, shape)).dataSync()[0] ?? Number.NaN);
    const n = (fPlus - fMinus) / (2 * h);
    numeric[i] = n;
    const excess = Math.abs((analytic[i] ?? Number.NaN) - n) - (atol + rtol * Math.abs(n));
    if (!(excess <= worstExcess)) {
      worstExcess = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
      worstIndex = i;
    }
  }
  return { analytic, numeric, worstExcess, worstIndex };
}

/**
 * Compares `tf.grad(f)` at `x` with central differences of a float64 reference `reference64` of the same function
 * (step `h`, default 1e-6: float64 rounding ~1e-16·|f|/h stays far below float32 gradient precision), element by
 * element with a tolerance relative to the gradient's scale: `|analytic − numeric| ≤ scaleTol·max|numeric| +
 * rtol·|numeric|` (defaults 1e-4 and 1e-3), so an error in the small entries is caught as well as one in the large.
 */
export function checkGradientAgainst64(
  f: (x: tf.Tensor) => tf.Tensor,
  values: ArrayLike<number>,
  shape: number[],
  reference64: (x: Float64Array) => number,
  { h = 1e-6, scaleTol = 1e-4, rtol = 1e-3 }: { h?: number; scaleTol?: number; rtol?: number } = {},
): GradientCheckResult & { readonly scale: number } {
  const base = Float32Array.from(values);
  const analytic = tf.tidy(() => tf.grad((x: tf.Tensor) => f(x))(tf.tensor(base, shape)).dataSync() as Float32Array);
  const at = Float64Array.from(base);
  const numeric = new Float64Array(base.length);
  for (let i = 0; i < base.length; i += 1) {
    const plus = Float64Array.from(at);
    const minus = Float64Array.from(at);
    plus[i] = (plus[i] ?? 0) + h;
    minus[i] = (minus[i] ?? 0) - h;
    numeric[i] = (reference64(plus) - reference64(minus)) / (2 * h);
  }
  const scale = numeric.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worstExcess = Number.NEGATIVE_INFINITY;
  let worstIndex = -1;
  for (let i = 0; i < base.length; i += 1) {
    const n = numeric[i] ?? Number.NaN;
    const excess = Math.abs((analytic[i] ?? Number.NaN) - n) - (scaleTol * scale + rtol * Math.abs(n));
    if (!(excess <= worstExcess)) {
      worstExcess = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
      worstIndex = i;
    }
  }
  return { analytic, numeric, worstExcess, worstIndex, scale };
}
