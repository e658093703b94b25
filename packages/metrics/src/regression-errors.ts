import { MetricArgumentError } from './errors.js';
import { maskedValues, resolveMaskedTargets, resolveWeights, type WeightedMaskOptions } from './observed-mask.js';
import { requireArray, checkLength } from './validation.js';

/** Weighted point-forecast errors over the evaluated samples. */
export interface RegressionErrors {
  /** Number of evaluated samples (mask 1). */
  readonly count: number;
  /** Sum of their weights (equal to `count` without weights). */
  readonly weight: number;
  /** Mean absolute error `Σ w|ŷ − y| / Σ w`. */
  readonly mae: number;
  /** Mean squared error `Σ w(ŷ − y)² / Σ w`. */
  readonly mse: number;
  /** Root mean squared error `√MSE`. */
  readonly rmse: number;
  /** Mean error (bias) `Σ w(ŷ − y) / Σ w`: positive = over-forecast. */
  readonly meanError: number;
}

/** Checked targets, predictions, mask and weights of a forecast error metric (internal). */
export interface ForecastInputs {
  readonly targets: Float64Array;
  readonly predictions: Float64Array;
  readonly mask: Uint8Array;
  readonly weights: Float64Array;
}

/** Checks the inputs of a forecast error metric (internal): `targets` `[N ≥ 1]`, `predictions` `[N]`, mask, weights. */
export function resolveForecast(
  metric: string,
  targets: ArrayLike<number>,
  predictions: ArrayLike<number>,
  options: WeightedMaskOptions,
): ForecastInputs {
  const t = resolveMaskedTargets(metric, targets, options.mask);
  return {
    targets: t.targets,
    predictions: maskedValues(metric, 'predictions', predictions, t.mask),
    mask: t.mask,
    weights: resolveWeights(metric, options.weights, t.targets.length),
  };
}

/** Errors over the samples with mask 1, all of them or those listed in `indices` (internal). */
export function errorsOver(inputs: ForecastInputs, indices?: ArrayLike<number>): RegressionErrors {
  const { targets, predictions, mask, weights } = inputs;
  const size = indices === undefined ? targets.length : indices.length;
  let count = 0;
  let weight = 0;
  let abs = 0;
  let sq = 0;
  let signed = 0;
  for (let j = 0; j < size; j += 1) {
    const i = indices === undefined ? j : (indices[j] ?? 0);
    if (mask[i] !== 1) continue;
    const w = weights[i] ?? 0;
    const e = (predictions[i] ?? 0) - (targets[i] ?? 0);
    count += 1;
    weight += w;
    abs += w * Math.abs(e);
    sq += w * e * e;
    signed += w * e;
  }
  const mse = sq / weight;
  return { count, weight, mae: abs / weight, mse, rmse: Math.sqrt(mse), meanError: signed / weight };
}

/**
 * MAE, MSE, RMSE and mean error of point forecasts in one pass, with an optional mask of missing targets and optional
 * sample weights:
 *
 *     MAE = Σ m·w·|ŷ − y| / Σ m·w      MSE = Σ m·w·(ŷ − y)² / Σ m·w      RMSE = √MSE      ME = Σ m·w·(ŷ − y) / Σ m·w
 *
 * (`m` the mask, `w` the weights; the sums run over the samples). The mean error (bias) is forecast minus observation,
 * positive for over-forecasts (Jolliffe & Stephenson (eds.) 2012, "Forecast Verification", 2nd ed., ch. 5;
 * Wilks 2011, "Statistical Methods in the Atmospheric Sciences", 3rd ed., §8.3).
 *
 * Edge cases: no evaluated sample (all masked out), or evaluated weights summing to 0 → every error `NaN` (0/0),
 * with `count` and `weight` telling which.
 *
 * @param targets observations `[N]`, N ≥ 1; finite where evaluated (NaN allowed where `options.mask` is 0).
 * @param predictions forecasts `[N]`; finite where evaluated.
 * @param options `mask` (default: all evaluated) and `weights` (default: all 1), see {@link WeightedMaskOptions}.
 * @throws MetricArgumentError naming the argument and index for mismatched lengths, NaN/±Infinity at evaluated
 *   samples, a mask value other than 0/1, or a negative/non-finite weight.
 */
export function regressionErrors(
  targets: ArrayLike<number>,
  predictions: ArrayLike<number>,
  options: WeightedMaskOptions = {},
): RegressionErrors {
  return errorsOver(resolveForecast('regressionErrors', targets, predictions, options));
}

/** Mean absolute error `Σ m·w·|ŷ − y| / Σ m·w`; inputs, defaults and edge cases as {@link regressionErrors}. */
export function meanAbsoluteError(targets: ArrayLike<number>, predictions: ArrayLike<number>, options: WeightedMaskOptions = {}): number {
  return errorsOver(resolveForecast('meanAbsoluteError', targets, predictions, options)).mae;
}

/** Mean squared error `Σ m·w·(ŷ − y)² / Σ m·w`; inputs, defaults and edge cases as {@link regressionErrors}. */
export function meanSquaredError(targets: ArrayLike<number>, predictions: ArrayLike<number>, options: WeightedMaskOptions = {}): number {
  return errorsOver(resolveForecast('meanSquaredError', targets, predictions, options)).mse;
}

/** Root mean squared error `√(Σ m·w·(ŷ − y)² / Σ m·w)`; inputs, defaults and edge cases as {@link regressionErrors}. */
export function rootMeanSquaredError(targets: ArrayLike<number>, predictions: ArrayLike<number>, options: WeightedMaskOptions = {}): number {
  return errorsOver(resolveForecast('rootMeanSquaredError', targets, predictions, options)).rmse;
}

/**
 * Mean error (bias, additive bias) `Σ m·w·(ŷ − y) / Σ m·w`, forecast minus observation: positive = over-forecast on
 * average. Inputs, defaults and edge cases as {@link regressionErrors}.
 */
export function meanError(targets: ArrayLike<number>, predictions: ArrayLike<number>, options: WeightedMaskOptions = {}): number {
  return errorsOver(resolveForecast('meanError', targets, predictions, options)).meanError;
}

/** Group keys of {@link groupRegressionErrors}: one string or finite number per sample. */
export type GroupKeys = ArrayLike<string | number>;

/** Checks the group keys (internal): `[n]`, strings or finite numbers. Returns them as strings. */
export function resolveGroupKeys(metric: string, groups: unknown, n: number): string[] {
  requireArray(metric, 'groups', groups);
  checkLength(metric, 'groups', groups, n, 'one group key per target');
  const keys: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const g: unknown = (groups as ArrayLike<unknown>)[i];
    if (typeof g === 'string' || (typeof g === 'number' && Number.isFinite(g))) keys.push(String(g));
    else throw new MetricArgumentError(metric, 'groups', `is ${String(g)} (${typeof g}), expected a string or finite number key`, i);
  }
  return keys;
}

/**
 * {@link regressionErrors} of each group of samples (per station, per horizon, per station × horizon with keys such
 * as `'Dongsi/24'`): the same formulas over the evaluated samples whose `groups[i]` equals the key.
 *
 * Keys are `String(groups[i])`; the record lists them in order of first appearance (JavaScript puts integer-like
 * keys first, ascending). A group whose samples are all masked out is present with `count` 0 and `NaN` errors.
 * Pooling: the errors of the whole set are not the mean of the groups' errors unless the groups have equal weight.
 *
 * @param targets observations `[N]`, N ≥ 1; `predictions` `[N]`; `groups` `[N]` keys.
 * @param options `mask` and `weights`, as {@link regressionErrors}.
 */
export function groupRegressionErrors(
  targets: ArrayLike<number>,
  predictions: ArrayLike<number>,
  groups: GroupKeys,
  options: WeightedMaskOptions = {},
): Record<string, RegressionErrors> {
  const metric = 'groupRegressionErrors';
  const inputs = resolveForecast(metric, targets, predictions, options);
  const keys = resolveGroupKeys(metric, groups, inputs.targets.length);
  const members = new Map<string, number[]>();
  keys.forEach((k, i) => {
    const list = members.get(k);
    if (list === undefined) members.set(k, [i]);
    else list.push(i);
  });
  const out: Record<string, RegressionErrors> = {};
  for (const [key, indices] of members) out[key] = errorsOver(inputs, indices);
  return out;
}
