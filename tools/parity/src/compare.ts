/** Tolerances for one comparison: pass when |actual − expected| ≤ atol + rtol·|expected| element-wise. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Outcome of comparing one output (e.g. `loss_mean` or `grad`) of one case. */
export interface Comparison {
  readonly key: string;
  readonly size: number;
  readonly maxAbsError: number;
  /** Largest |a − e| / |e| over elements with |e| > atol (0 when there are none). */
  readonly maxRelError: number;
  /** Elements where the reference is exactly 0 but the value is not (clamps and masks must stay exact). */
  readonly zeroMismatches: number;
  readonly passed: boolean;
  readonly tolerance: Tolerance;
  readonly message: string | undefined;
}

/**
 * Compares float32 results with float64 reference values. `atol` is a floor for elements below float32's
 * resolution next to larger intermediates (e.g. a loss of 1e-26 at a logit of 30); the relative error is reported
 * over the other elements. A reference of exactly 0 must be matched exactly (clamped and masked entries).
 */
export function compareValues(key: string, actual: readonly number[], expected: readonly number[], tolerance: Tolerance): Comparison {
  if (actual.length !== expected.length) {
    return {
      key,
      size: expected.length,
      maxAbsError: Number.POSITIVE_INFINITY,
      maxRelError: Number.POSITIVE_INFINITY,
      zeroMismatches: 0,
      passed: false,
      tolerance,
      message: `${actual.length} values computed, ${expected.length} expected`,
    };
  }
  let maxAbsError = 0;
  let maxRelError = 0;
  let zeroMismatches = 0;
  let passed = true;
  for (let i = 0; i < expected.length; i += 1) {
    const a = actual[i] ?? Number.NaN;
    const e = expected[i] ?? Number.NaN;
    const abs = Math.abs(a - e);
    if (Number.isNaN(abs)) {
      maxAbsError = Number.POSITIVE_INFINITY;
      passed = false;
      continue;
    }
    maxAbsError = Math.max(maxAbsError, abs);
    if (Math.abs(e) > tolerance.atol) maxRelError = Math.max(maxRelError, abs / Math.abs(e));
    if (e === 0 && a !== 0) zeroMismatches += 1;
    if (abs > tolerance.atol + tolerance.rtol * Math.abs(e)) passed = false;
  }
  if (zeroMismatches > 0) passed = false;
  return {
    key,
    size: expected.length,
    maxAbsError,
    maxRelError,
    zeroMismatches,
    passed,
    tolerance,
    message: zeroMismatches > 0 ? `${zeroMismatches} exact zero(s) not reproduced` : undefined,
  };
}
