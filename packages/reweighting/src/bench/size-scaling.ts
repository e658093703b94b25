/** One timing: sample size n and median seconds per fit. */
export interface SizeTiming {
  readonly n: number;
  readonly seconds: number;
}

/** How an estimator's fit time grows with n, from the timings of one sitting. */
export interface SizeScaling {
  /** The smallest n timed, the reference of the ratios. */
  readonly nMin: number;
  /** `time(n) / time(n_min)` per timing, in the order given. */
  readonly ratios: readonly { readonly n: number; readonly ratio: number }[];
  /**
   * k of `time ∝ n^k`: the least-squares slope of log(seconds) on log(n); null with fewer than two distinct n.
   * 1 is linear, 2 quadratic; a slope over a narrow range of n also carries fixed costs (it is then below the
   * asymptotic order).
   */
  readonly exponent: number | null;
  /** R² of that log-log line (1 when two sizes); null with the exponent. */
  readonly rSquared: number | null;
}

/**
 * The least-squares slope k and R² of `log y = c + k log x` over paired positive values (the fitted exponent of
 * `y ∝ x^k`); null when fewer than two distinct x.
 * @throws RangeError when the lengths differ or a value is not finite and positive.
 */
export function logLogSlope(x: readonly number[], y: readonly number[]): { slope: number; rSquared: number } | null {
  if (x.length !== y.length) throw new RangeError(`logLogSlope: ${x.length} x values but ${y.length} y values`);
  [...x, ...y].forEach((v) => {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`logLogSlope: values must be finite and positive, got ${v}`);
  });
  if (new Set(x).size < 2) return null;
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  lx.forEach((u, i) => {
    sxy += (u - mx) * (ly[i]! - my);
    sxx += (u - mx) ** 2;
    syy += (ly[i]! - my) ** 2;
  });
  const slope = sxy / sxx;
  return { slope, rSquared: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/**
 * The scaling of one estimator's timings: ratios against the smallest n measured in the same sitting and the fitted
 * exponent k of `time ∝ n^k` ({@link logLogSlope}). Timings must be finite and positive.
 * @throws RangeError for no timings or a non-positive value.
 */
export function sizeScaling(timings: readonly SizeTiming[]): SizeScaling {
  if (timings.length === 0) throw new RangeError('sizeScaling: no timings');
  const smallest = timings.reduce((a, b) => (b.n < a.n ? b : a));
  const fit = logLogSlope(timings.map((t) => t.n), timings.map((t) => t.seconds));
  return {
    nMin: smallest.n,
    ratios: timings.map((t) => ({ n: t.n, ratio: t.seconds / smallest.seconds })),
    exponent: fit?.slope ?? null,
    rSquared: fit?.rSquared ?? null,
  };
}
