/**
 * Missing targets in forecast evaluation. The convention is an explicit mask: `mask[i] = 1` evaluates sample `i`,
 * `mask[i] = 0` leaves it out, and a left-out sample may hold anything (NaN target, NaN prediction). A NaN among the
 * evaluated samples is an error, never silently skipped — build the mask from the NaN targets with
 * {@link observedMask} when NaN is how the data mark a missing value.
 */
import { MetricArgumentError } from './errors.js';
import { checkLength, requireArray, requireNonEmpty } from './validation.js';

/** Options shared by the forecast metrics that accept missing targets. */
export interface MaskOptions {
  /**
   * `[N]`, each 0 or 1: 1 = evaluate the sample, 0 = leave it out (a missing target). Left-out samples may hold NaN in
   * every input. Default: all samples evaluated.
   */
  readonly mask?: ArrayLike<number>;
}

/** Options of the forecast error metrics: a mask and non-negative sample weights. */
export interface WeightedMaskOptions extends MaskOptions {
  /** `[N]` finite weights ≥ 0 (station areas, populations, …). Default: all 1. Weights of left-out samples are ignored. */
  readonly weights?: ArrayLike<number>;
}

/**
 * The mask of the observed entries: 1 where `values[i]` is a finite number, 0 where it is NaN (the missing-value mark
 * of a parsed table or a tfjs tensor). ±Infinity is rejected rather than taken for "missing".
 *
 * @param values `[N]` targets with NaN for missing values.
 * @returns `Uint8Array` `[N]` to pass as `options.mask`.
 */
export function observedMask(values: ArrayLike<number>): Uint8Array {
  const metric = 'observedMask';
  requireArray(metric, 'values', values);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (typeof v !== 'number') throw new MetricArgumentError(metric, 'values', `is ${String(v)} (${typeof v}), expected a number or NaN`, i);
    if (v === Infinity || v === -Infinity) throw new MetricArgumentError(metric, 'values', `is ${v}, expected a finite number or NaN (missing)`, i);
    out[i] = Number.isNaN(v) ? 0 : 1;
  }
  return out;
}

/** The mask as 0/1 bytes, `[n]`; all ones when absent (internal). */
export function resolveMask(metric: string, mask: unknown, n: number): Uint8Array {
  if (mask === undefined) return new Uint8Array(n).fill(1);
  requireArray(metric, 'options.mask', mask);
  checkLength(metric, 'options.mask', mask, n, 'one per target');
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const v = mask[i];
    if (v !== 0 && v !== 1) throw new MetricArgumentError(metric, 'options.mask', `is ${String(v)}, expected 0 (left out) or 1 (evaluated)`, i);
    out[i] = v;
  }
  return out;
}

/** Finite weights ≥ 0, `[n]`; all ones when absent (internal). */
export function resolveWeights(metric: string, weights: unknown, n: number): Float64Array {
  if (weights === undefined) return new Float64Array(n).fill(1);
  requireArray(metric, 'options.weights', weights);
  checkLength(metric, 'options.weights', weights, n, 'one per target');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const v = weights[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new MetricArgumentError(metric, 'options.weights', `is ${String(v)}, expected a finite weight >= 0`, i);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Values of one argument, `[n]`, checked only where `mask` is 1 (internal): finite there, or, with `allowInfinite`,
 * anything but NaN (interval ends and quantiles may be ±Infinity). Left-out entries are copied as they are.
 */
export function maskedValues(metric: string, argument: string, values: unknown, mask: Uint8Array, allowInfinite = false): Float64Array {
  requireArray(metric, argument, values);
  checkLength(metric, argument, values, mask.length, 'one per target');
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (typeof v !== 'number') throw new MetricArgumentError(metric, argument, `is ${String(v)} (${typeof v}), expected a number`, i);
    if (mask[i] === 1 && (allowInfinite ? Number.isNaN(v) : !Number.isFinite(v))) {
      const hint = argument === 'targets' ? '; mark missing targets with options.mask (see observedMask)' : '';
      throw new MetricArgumentError(metric, argument, `is ${v}, expected a ${allowInfinite ? 'number (±Infinity allowed), not NaN' : 'finite number'} at an evaluated sample${hint}`, i);
    }
    out[i] = v;
  }
  return out;
}

/** Targets (length `N ≥ 1`) and their mask, checked together (internal). */
export function resolveMaskedTargets(metric: string, targets: unknown, mask: unknown): { targets: Float64Array; mask: Uint8Array } {
  requireArray(metric, 'targets', targets);
  requireNonEmpty(metric, 'targets', targets.length);
  const m = resolveMask(metric, mask, targets.length);
  return { targets: maskedValues(metric, 'targets', targets, m), mask: m };
}
